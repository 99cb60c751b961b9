// The service menu's checks: service-network (the connection test's six steps, each passed
// or failed with its time and, on failure, what is wrong and what to do, in the technician's
// language), service-touch (a grid whose cells light when touched, to find dead zones) and
// service-display (colour bars, grey steps and a QR test code at the first screen's size).
#include <algorithm>
#include <cmath>

#include "kiosk/ui/service_screens.h"

namespace otklik::ui {

namespace {

const char* stepKey(const std::string& name) {
    if (name == "dns") return "svc.step.dns";
    if (name == "tcp") return "svc.step.tcp";
    if (name == "tls") return "svc.step.tls";
    if (name == "hub") return "svc.step.hub";
    if (name == "auth") return "svc.step.auth";
    return "svc.step.clock";
}

}  // namespace

void drawServiceNetwork(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect extra = drawServiceBottomBar(f, area);
    float runW = std::max(m.touch * 2.6f, c.textWidth(TextRole::Body, f.s("svc.net.run")) + 3 * m.pad);
    if (c.button("network.run", f.s("svc.net.run"), extra.takeRight(std::min(runW, extra.w)), ButtonStyle::Primary, !f.mode.busy()))
        f.act(ServiceAction::Kind::RunNetwork);
    Rect content = area.inset(m.pad * 1.5f);
    const auto& report = f.mode.network();
    if (!report) {
        c.text(TextRole::Body, f.s("svc.working"), content, c.theme.mutedText);
        return;
    }
    Rect verdict = content.takeTop(c.lineHeight(TextRole::Body) * 1.4f);
    const ConnectionStep* failed = report->firstFailure();
    std::string summary = failed ? f.s("svc.net.failed") : f.s("svc.net.passed");
    c.line(TextRole::Body, summary, verdict, failed ? c.theme.badText : c.theme.goodText);
    c.note("network.verdict", "text", summary, verdict);
    float rowH = content.h / static_cast<float>(std::max<size_t>(report->steps.size(), 1));
    for (const ConnectionStep& step : report->steps) {
        Rect row = content.takeTop(rowH).inset(0, m.pad * 0.2f);
        const bool ok = step.outcome == StepOutcome::Ok, fail = step.outcome == StepOutcome::Fail;
        float mark = std::min(row.h * 0.6f, m.touch * 0.45f);
        Rect markBox = row.takeLeft(mark + m.pad);
        ImVec2 centre(markBox.x + mark / 2, row.y + std::min(row.h / 2, c.lineHeight(TextRole::Body) * 0.6f));
        c.circle(centre, mark / 2, ok ? c.theme.success : fail ? c.theme.danger : c.theme.surfaceBorder);
        if (ok) c.checkMark(centre, mark * 0.55f, 0xFFFFFF, std::max(2.0f, mark * 0.1f));
        else if (fail) c.line(TextRole::Small, "!", Rect{centre.x - mark / 2, centre.y - mark / 2, mark, mark}, 0xFFFFFF, Align::Center);
        std::string head = f.s(stepKey(step.name));
        if (step.outcome != StepOutcome::Skip) head += " · " + std::to_string(step.ms) + " ms";
        Rect headBox = row.takeTop(std::min(c.lineHeight(TextRole::Body), row.h));
        c.line(TextRole::Body, head, headBox, c.theme.text);
        // What was found: the technician's words when the reason has them, else the test's own.
        std::string why = f.known("svc.why." + step.reason) ? f.s("svc.why." + step.reason) : step.detail;
        if (step.outcome == StepOutcome::Skip) why = f.s("svc.skipped");
        std::string text = why;
        if (fail) {
            std::string fix = f.known("svc.fix." + step.reason) ? f.s("svc.fix." + step.reason) : step.fix;
            text += " " + f.s("svc.fix") + fix;
        }
        c.textTop(TextRole::Small, text, row, fail ? c.theme.badText : c.theme.mutedText, Align::Left);
        c.note("network." + step.name, "text",
               std::string(ok ? "ok" : fail ? "FAIL" : "skip") + " " + step.name + ": " + why + (fail ? " " + f.s("svc.fix") + step.fix : ""), row);
    }
}

void drawServiceTouch(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect extra = drawServiceBottomBar(f, area);
    float doneW = std::max(m.touch * 2.2f, c.textWidth(TextRole::Body, f.s("svc.touch.done")) + 3 * m.pad);
    if (c.button("touch.done", f.s("svc.touch.done"), extra.takeRight(std::min(doneW, extra.w * 0.4f)), ButtonStyle::Primary))
        f.act(ServiceAction::Kind::TouchDone);
    const auto& cells = f.mode.touchCells();
    int reached = static_cast<int>(std::count(cells.begin(), cells.end(), true));
    std::string status = f.mode.touchFinished()
                             ? (reached == static_cast<int>(cells.size())
                                    ? f.s("svc.touch.result_all")
                                    : f.f("svc.touch.result_missed", {{"n", std::to_string(cells.size() - reached)}, {"total", std::to_string(cells.size())}}))
                             : f.s("svc.touch.hint");
    drawServiceNotice(f, extra, status, f.mode.touchFinished() && reached == static_cast<int>(cells.size()),
                      f.mode.touchFinished() && reached < static_cast<int>(cells.size()));
    // Cells of about the touch size, so a dead zone the size of a fingertip shows.
    int cols = std::max(2, static_cast<int>(area.w / (m.touch * 1.1f)));
    int rows = std::max(2, static_cast<int>(area.h / (m.touch * 1.1f)));
    float cw = area.w / cols, ch = area.h / rows;
    auto pointer = c.pointerDown();
    for (int r = 0; r < rows; ++r)
        for (int col = 0; col < cols; ++col) {
            int index = r * cols + col;
            Rect cell{area.x + col * cw, area.y + r * ch, cw, ch};
            bool lit = static_cast<size_t>(index) < cells.size() && cells[static_cast<size_t>(index)];
            c.fill(cell.inset(1), lit ? c.theme.success : (f.mode.touchFinished() ? c.theme.danger : c.theme.surface));
            c.outline(cell, c.theme.surfaceBorder, 1);
            c.note("touch." + std::to_string(r) + "." + std::to_string(col), "cell", lit ? "reached" : "not reached", cell);
            if (pointer && pointer->x >= cell.x && pointer->x < cell.right() && pointer->y >= cell.y && pointer->y < cell.bottom())
                f.actions.push_back(ServiceAction(ServiceAction::Kind::TouchCell, {}, index));
        }
    // The grid's size depends on the picture: the first frame sets it, the next draws it.
    if (static_cast<int>(cells.size()) != rows * cols)
        f.actions.push_back(ServiceAction(ServiceAction::Kind::TouchGrid, {}, rows * cols));
}

void drawServiceDisplay(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect extra = drawServiceBottomBar(f, area);
    drawServiceNotice(f, extra, f.s("svc.display.hint"), false, false);
    Rect content = area.inset(m.pad);
    // The code at the first screen's size: if it scans here, it scans there.
    float side = std::min({f.idleQrSide > 0 ? f.idleQrSide : content.h * 0.6f, content.h, content.w * 0.45f});
    Rect qrBox = m.portrait ? content.takeBottom(side) : content.takeRight(side);
    if (m.portrait) content.takeBottom(m.gap);
    else content.takeRight(m.gap);
    c.fill(qrBox, 0xFFFFFF);
    if (f.testQr) {
        Rect drawn = c.qr(*f.testQr, Rect{qrBox.x + (qrBox.w - side) / 2, qrBox.y + (qrBox.h - side) / 2, side, side});
        c.note("display.qr", "qr", "OTKLIK DISPLAY TEST", drawn);
    }
    // Colour bars (the classic eight) over grey steps from black to white in 11 steps.
    const Rgb bars[] = {0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF, 0x000000};
    Rect top = content.takeTop(content.h * 0.6f);
    float bw = top.w / 8;
    for (int i = 0; i < 8; ++i) c.fill(Rect{top.x + i * bw, top.y, bw + 0.5f, top.h}, bars[i]);
    c.note("display.bars", "text", "colour bars", top);
    float gw = content.w / 11;
    for (int i = 0; i < 11; ++i) {
        uint32_t v = static_cast<uint32_t>(std::lround(i * 25.5));
        c.fill(Rect{content.x + i * gw, content.y, gw + 0.5f, content.h}, (v << 16) | (v << 8) | v);
    }
    c.note("display.greys", "text", "grey steps 0-100%", content);
}

}  // namespace otklik::ui
