// service-menu: the terminal's status at a glance (each field in the element tree as
// status.<field>) and the technician's actions (menu.<action>), in two columns on a landscape
// screen and one above the other in portrait.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kiosk/ui/service_screens.h"
#include "sync/protocol/response.h"

namespace otklik::ui {

namespace {

using service::ServiceScreen;

// "5 min", "2 h 3 min", "3 days" in the technician's language.
std::string spoken(const ServiceFrame& f, int64_t ms) {
    int64_t s = std::max<int64_t>(0, ms / 1000);
    auto unit = [&](const char* key, int64_t n) { return f.f(key, {{"n", std::to_string(n)}}); };
    if (s < 120) return unit("svc.unit.s", s);
    if (s < 3600) return unit("svc.unit.min", s / 60);
    if (s < 48 * 3600) return unit("svc.unit.h", s / 3600) + (s % 3600 >= 60 ? " " + unit("svc.unit.min", s % 3600 / 60) : "");
    return unit("svc.unit.d", s / 86400);
}

std::string bytes(int64_t n) {
    char buffer[32];
    if (n >= (int64_t{1} << 30)) std::snprintf(buffer, sizeof buffer, "%.1f GiB", static_cast<double>(n) / (1 << 30));
    else if (n >= (1 << 20)) std::snprintf(buffer, sizeof buffer, "%.0f MiB", static_cast<double>(n) / (1 << 20));
    else std::snprintf(buffer, sizeof buffer, "%.0f KiB", static_cast<double>(n) / 1024);
    return buffer;
}

struct Field {
    const char* id;      // status.<id>
    std::string label;
    std::string value;
    bool bad = false;
    int lines = 1;
};

std::vector<Field> fields(const ServiceFrame& f, const service::StatusSnapshot& st) {
    std::vector<Field> out;
    auto ago = [&](int64_t atMs) { return f.f("svc.value.ago", {{"t", spoken(f, st.nowMs - atMs)}}); };
    out.push_back({"terminal", f.s("svc.status.terminal"), st.terminalId.empty() ? f.s("svc.status.not_enrolled") : st.terminalId,
                   st.terminalId.empty()});
    out.push_back({"centre", f.s("svc.status.centre"), st.centre});
    out.push_back({"version", f.s("svc.status.version"), st.appVersion + " · " + st.configVersion});
    std::string ips;
    for (const auto& ip : st.ipAddresses) ips += (ips.empty() ? "" : ", ") + ip;
    out.push_back({"ip", f.s("svc.status.network"), ips.empty() ? f.s("svc.value.none") : ips, ips.empty()});
    out.push_back({"hub", f.s("svc.status.hub"), st.hubUrl.empty() ? f.s("svc.value.no_hub") : st.hubUrl});
    out.push_back({"last_delivery", f.s("svc.status.delivery"), st.lastDeliveryMs ? formatUtc(*st.lastDeliveryMs).substr(0, 16) + "Z, " + ago(*st.lastDeliveryMs)
                                                                                 : f.s("svc.value.never")});
    std::string error = st.lastError.empty() ? f.s("svc.value.none") : st.lastError;
    if (!st.lastError.empty() && st.lastErrorMs) error = ago(*st.lastErrorMs) + ": " + error;
    out.push_back({"last_error", f.s("svc.status.error"), error, st.deliveryFailing});
    // The connection test run when the menu opened (Test connection shows every step).
    std::string connection = f.s("svc.working");
    bool connectionBad = false;
    if (const auto& report = f.mode.network()) {
        const ConnectionStep* failed = report->firstFailure();
        connectionBad = failed != nullptr;
        connection = !failed ? f.s("svc.net.passed")
                             : f.s("svc.step." + failed->name) + ": " + (f.known("svc.why." + failed->reason) ? f.s("svc.why." + failed->reason) : failed->detail) +
                                   ". " + f.s("svc.fix") + (f.known("svc.fix." + failed->reason) ? f.s("svc.fix." + failed->reason) : failed->fix);
    }
    out.push_back({"connection", f.s("svc.status.connection"), connection, connectionBad});
    std::string pending = st.oldestPendingAgeMs ? f.f("svc.value.pending", {{"n", std::to_string(st.pending)}, {"t", spoken(f, *st.oldestPendingAgeMs)}})
                                                : std::to_string(st.pending);
    for (const auto& [id, n] : st.heldForOtherIds)
        pending += "; " + f.f("svc.value.held", {{"n", std::to_string(n)}, {"id", id.empty() ? "—" : id}});
    out.push_back({"pending", f.s("svc.status.pending"), pending, st.oldestPendingAgeMs && *st.oldestPendingAgeMs > 3'600'000});
    std::string clock = formatUtc(st.nowMs).substr(11, 8) + " UTC";
    if (st.clockOffsetMs)
        clock = f.f("svc.value.offset", {{"t", clock}, {"o", (*st.clockOffsetMs < 0 ? "−" : "+") + spoken(f, std::llabs(*st.clockOffsetMs))}});
    out.push_back({"clock", f.s("svc.status.clock"), clock, st.clockOffsetMs && std::llabs(*st.clockOffsetMs) > 120'000});
    out.push_back({"disk", f.s("svc.status.disk"),
                   f.f("svc.value.disk", {{"free", st.freeDiskBytes ? bytes(*st.freeDiskBytes) : "?"}, {"used", bytes(st.outboxBytes)},
                                          {"budget", bytes(st.budgetBytes)}}),
                   st.budgetBytes > 0 && st.outboxBytes > st.budgetBytes * 8 / 10});
    std::string cert = f.s("svc.value.unknown");
    bool certBad = false;
    if (st.certificateExpiresAtMs) {
        int64_t days = (*st.certificateExpiresAtMs - st.nowMs) / 86'400'000;
        cert = f.f("svc.value.cert", {{"n", std::to_string(days)}});
        certBad = days < 14;
    }
    out.push_back({"certificate", f.s("svc.status.certificate"), cert, certBad});
    out.push_back({"uptime", f.s("svc.status.uptime"), spoken(f, st.uptimeMs)});
    out.push_back({"restarts", f.s("svc.status.restarts"), std::to_string(st.restarts)});
    out.push_back({"lockouts", f.s("svc.status.lockouts"), std::to_string(st.pinLockouts), st.pinLockouts > 0});
    return out;
}

void drawStatus(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    c.fill(area, c.theme.surface, m.rounding);
    c.outline(area, c.theme.surfaceBorder, m.border, m.rounding);
    Rect inner = area.inset(m.pad);
    if (!f.mode.status()) {
        c.text(TextRole::Small, f.s("svc.working"), inner, c.theme.mutedText, Align::Left);
        return;
    }
    std::vector<Field> list = fields(f, *f.mode.status());
    float labelW = 0;
    for (const auto& field : list) labelW = std::max(labelW, c.textWidth(TextRole::Small, field.label));
    labelW = std::min(labelW + m.pad, inner.w * 0.42f);
    // A long value (an error with its fix) may take up to three lines; the rest take one.
    const float baseH = c.lineHeight(TextRole::Small);
    int lines = 0;
    for (auto& field : list) {
        field.lines = std::clamp(static_cast<int>(std::lround(c.textHeight(TextRole::Small, field.value, inner.w - labelW) / baseH)), 1, 3);
        lines += field.lines;
    }
    float lineH = std::min(inner.h / static_cast<float>(lines), baseH * 1.25f);
    float y = inner.y;
    for (const auto& field : list) {
        Rect row{inner.x, y, inner.w, lineH * static_cast<float>(field.lines)};
        c.line(TextRole::Small, field.label, Rect{row.x, row.y, labelW - m.pad * 0.5f, lineH}, c.theme.mutedText);
        Rect value{row.x + labelW, row.y, row.w - labelW, row.h};
        Rgb color = field.bad ? c.theme.badText : c.theme.surfaceText;
        if (field.lines > 1) c.textTop(TextRole::Small, field.value, value, color, Align::Left);
        else c.line(TextRole::Small, field.value, value, color);
        c.note(std::string("status.") + field.id, "text", field.label + ": " + field.value, row);
        y += row.h;
    }
}

}  // namespace

void drawServiceMenu(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect content = area.inset(m.pad * 1.5f);
    struct Item {
        const char* id;
        const char* label;
        ServiceAction action;
    };
    auto showing = [](ServiceScreen s) { return ServiceAction::show(s); };
    std::vector<Item> items = {
        {"menu.network", "svc.menu.network", showing(ServiceScreen::Network)},
        {"menu.deliver", "svc.menu.deliver", ServiceAction(ServiceAction::Kind::Deliver)},
        {"menu.config", "svc.menu.config", ServiceAction(ServiceAction::Kind::FetchConfig)},
        {"menu.touch", "svc.menu.touch", showing(ServiceScreen::Touch)},
        {"menu.display", "svc.menu.display", showing(ServiceScreen::Display)},
        {"menu.usb", "svc.menu.usb", showing(ServiceScreen::Usb)},
        {"menu.settings", "svc.menu.settings", showing(ServiceScreen::Settings)},
        {"menu.enrol", "svc.menu.enrol", showing(ServiceScreen::Enrol)},
        {"menu.pin", "svc.menu.pin", ServiceAction(ServiceAction::Kind::ChangePin)},
        {"menu.restart", "svc.menu.restart", ServiceAction(ServiceAction::Kind::Restart)},
        {"menu.leave", "svc.menu.leave", ServiceAction(ServiceAction::Kind::Leave)},
    };
    const int cols = 3, rows = static_cast<int>((items.size() + cols - 1) / cols);
    float gap = std::max(4.0f, std::round(m.gap * 0.7f));
    // Portrait: the buttons take up to 45% of the height (roomier than the 15 mm floor), the status the rest.
    float cellH = m.portrait ? std::max(m.touch, std::min(m.touch * 1.5f, (content.h * 0.45f - (rows - 1) * gap) / rows)) : m.touch;
    float gridH = rows * cellH + (rows - 1) * gap;
    Rect grid = m.portrait ? content.takeBottom(gridH) : content.takeRight(content.w * 0.56f);
    if (m.portrait) content.takeBottom(m.gap);
    else content.takeRight(m.gap * 1.5f);
    // The last action's outcome, under the status.
    const std::string notice = f.say(f.mode.notice());
    if (!notice.empty()) {
        Rect line = content.takeBottom(std::min(c.lineHeight(TextRole::Small) * 2.3f, content.h * 0.2f));
        drawServiceNotice(f, line, notice, true, false);
        content.takeBottom(gap);
    }
    drawStatus(f, content);

    float cellW = std::floor((grid.w - (cols - 1) * gap) / cols);
    if (!m.portrait) {
        cellH = std::floor(std::min((grid.h - (rows - 1) * gap) / rows, m.touch * 1.4f));
        gridH = rows * cellH + (rows - 1) * gap;
        grid.y += (grid.h - gridH) / 2;
    }
    for (size_t i = 0; i < items.size(); ++i) {
        Rect r{grid.x + static_cast<float>(i % cols) * (cellW + gap), grid.y + static_cast<float>(i / cols) * (cellH + gap), cellW, cellH};
        const Item& item = items[i];
        bool busyAction = item.action.kind == ServiceAction::Kind::Deliver || item.action.kind == ServiceAction::Kind::FetchConfig;
        ButtonStyle style = item.action.kind == ServiceAction::Kind::Leave ? ButtonStyle::Primary : ButtonStyle::Secondary;
        if (c.button(item.id, f.s(item.label), r, style, !(busyAction && f.mode.busy())))
            f.act(item.action);
    }
}

}  // namespace otklik::ui
