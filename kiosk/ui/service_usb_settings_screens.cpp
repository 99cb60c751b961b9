// service-usb (every stored response written to a USB stick as CSV and JSONL with a SHA-256
// sums file; nothing deleted) and service-settings (the first language, the orientation, the
// idle timeout and, where the backlight can be set, the brightness; kept in the overrides file).
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "kiosk/ui/service_screens.h"

namespace otklik::ui {

namespace {

constexpr std::array<int, 8> kIdleSteps = {10, 15, 20, 30, 45, 60, 90, 120};

// The next step of the idle timeout up or down from `idleS` (which may be any configured value).
int stepIdle(int idleS, int direction) {
    if (direction < 0) {
        int best = kIdleSteps.front();
        for (int step : kIdleSteps)
            if (step < idleS) best = step;
        return best;
    }
    for (int step : kIdleSteps)
        if (step > idleS) return step;
    return kIdleSteps.back();
}

}  // namespace

void drawServiceUsb(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const service::ServiceMode& s = f.mode;
    Rect extra = drawServiceBottomBar(f, area);
    const std::string& label = f.s("svc.usb.export");
    float w = std::max(m.touch * 3.0f, c.textWidth(TextRole::Body, label) + 3 * m.pad);
    if (c.button("usb.export", label, extra.takeRight(std::min(w, extra.w)), ButtonStyle::Primary, !s.busy() && !s.usbMount().empty()))
        f.act(ServiceAction::Kind::ExportUsb);
    Rect content = area.inset(m.pad * 2);
    Rect where = content.takeTop(c.lineHeight(TextRole::Body) * 2.6f);
    std::string stick = s.usbMount().empty() ? f.s("svc.usb.none") : f.f("svc.usb.found", {{"path", s.usbMount()}});
    c.text(TextRole::Body, stick, where, s.usbMount().empty() ? c.theme.badText : c.theme.text, Align::Left);
    c.note("usb.mount", "text", s.usbMount(), where);
    content.takeTop(m.gap);
    std::string message;
    bool good = false, bad = false;
    if (s.busy()) {
        message = f.s("svc.working");
    } else if (const auto& r = s.usbResult()) {
        good = r->ok;
        bad = !r->ok;
        message = r->ok ? f.f("svc.usb.done", {{"n", std::to_string(r->responses)}}) + " — " + r->folder + ". " + f.s("svc.usb.kept")
                        : f.s("svc.usb.failed") + " — " + r->message;
    }
    drawServiceNotice(f, content, message, good, bad);
}

void drawServiceSettings(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const service::ServiceMode& s = f.mode;
    service::SettingsValues v = s.editing();
    Rect extra = drawServiceBottomBar(f, area);
    const std::string& saveLabel = f.s("svc.set.save");
    float w = std::max(m.touch * 2.6f, c.textWidth(TextRole::Body, saveLabel) + 3 * m.pad);
    if (c.button("settings.save", saveLabel, extra.takeRight(std::min(w, extra.w * 0.45f)), ButtonStyle::Primary, !s.busy()))
        f.act(ServiceAction::Kind::SaveSettings);
    extra.takeRight(m.gap);
    drawServiceNotice(f, extra, f.say(s.notice()), s.notice().key.rfind("svc.settings.saved", 0) == 0, s.notice().key == "svc.settings.not_saved");

    Rect content = area.inset(m.pad * 1.5f, m.pad);
    float gap = std::max(3.0f, m.gap * 0.5f);
    // Four settings in four rows, the name beside its buttons; where four rows of buttons do
    // not fit (a 7" panel lying down), two columns of two, the name above.
    const float labelH = c.lineHeight(TextRole::Small) * 1.1f;
    const bool twoColumns = !m.portrait && (content.h - 3 * gap) / 4 < m.touch;
    const bool labelAbove = m.portrait || twoColumns;
    const int rows = twoColumns ? 2 : 4;
    float rowH = std::min((content.h - (rows - 1) * gap) / rows, m.touch * 1.4f + (labelAbove ? labelH : 0));
    float columnW = twoColumns ? (content.w - 2 * m.gap) / 2 : content.w;
    float labelW = labelAbove ? 0 : content.w * 0.3f;
    int placed = 0;
    auto row = [&](const char* labelKey) {
        Rect r{content.x + (twoColumns && placed % 2 ? columnW + 2 * m.gap : 0), content.y + static_cast<float>(twoColumns ? placed / 2 : placed) * (rowH + gap),
               columnW, rowH};
        ++placed;
        if (labelAbove) {
            Rect label = r.takeTop(std::min(labelH, r.h * 0.3f));
            c.line(TextRole::Small, f.s(labelKey), label, c.theme.mutedText);
        } else {
            c.line(TextRole::Body, f.s(labelKey), r.takeLeft(labelW), c.theme.text);
        }
        return r.inset(0, std::max(0.0f, (r.h - m.touch) / 2));
    };
    // A row of choices, each a button; the chosen one shows selected.
    auto choices = [&](Rect r, const std::vector<std::pair<std::string, std::string>>& options, const std::string& chosen,
                       const std::function<void(const std::string&)>& pick) {
        float bw = (r.w - (options.size() - 1) * gap) / static_cast<float>(options.size());
        for (size_t i = 0; i < options.size(); ++i) {
            Rect b{r.x + static_cast<float>(i) * (bw + gap), r.y, bw, m.touch};
            if (c.button(options[i].first, options[i].second, b, ButtonStyle::Secondary, true, options[i].first == chosen, "option"))
                pick(options[i].first);
        }
    };
    auto edited = [&](const service::SettingsValues& next) { f.actions.push_back(ServiceAction::edit(next)); };

    std::vector<std::pair<std::string, std::string>> languages;
    for (const auto& code : f.languages) languages.emplace_back("settings.language." + code, f.strings.get("language.short", code));
    choices(row("svc.set.language"), languages, "settings.language." + v.firstLanguage, [&](const std::string& id) {
        service::SettingsValues next = v;
        next.firstLanguage = id.substr(std::string("settings.language.").size());
        edited(next);
    });
    const char* names[] = {"auto", "landscape", "portrait"};
    const Orientation values[] = {Orientation::Auto, Orientation::Landscape, Orientation::Portrait};
    std::vector<std::pair<std::string, std::string>> orientations;
    std::string chosen;
    for (int i = 0; i < 3; ++i) {
        orientations.emplace_back(std::string("settings.orientation.") + names[i], f.s(std::string("svc.set.") + names[i]));
        if (values[i] == v.orientation) chosen = orientations.back().first;
    }
    choices(row("svc.set.orientation"), orientations, chosen, [&](const std::string& id) {
        service::SettingsValues next = v;
        for (int i = 0; i < 3; ++i)
            if (id == std::string("settings.orientation.") + names[i]) next.orientation = values[i];
        edited(next);
    });
    // A value between minus and plus buttons.
    auto stepper = [&](Rect r, const std::string& id, const std::string& value, bool enabled, const std::function<void(int)>& step) {
        float bw = std::max(m.touch, std::min(r.w * 0.25f, m.touch * 1.6f));
        if (c.button(id + ".minus", "−", Rect{r.x, r.y, bw, m.touch}, ButtonStyle::Secondary, enabled)) step(-1);
        if (c.button(id + ".plus", "+", Rect{r.right() - bw, r.y, bw, m.touch}, ButtonStyle::Secondary, enabled)) step(1);
        Rect middle{r.x + bw + gap, r.y, r.w - 2 * (bw + gap), m.touch};
        c.text(TextRole::Body, value, middle, enabled ? c.theme.text : c.theme.mutedText);
        c.note(id, "text", value, middle);
    };
    stepper(row("svc.set.idle"), "settings.idle", f.f("svc.unit.s", {{"n", std::to_string(v.idleS)}}), true, [&](int d) {
        service::SettingsValues next = v;
        next.idleS = stepIdle(v.idleS, d);
        edited(next);
    });
    stepper(row("svc.set.brightness"), "settings.brightness",
            v.brightnessPercent ? std::to_string(*v.brightnessPercent) + "%" : f.s("svc.set.not_adjustable"), v.brightnessPercent.has_value(),
            [&](int d) {
                service::SettingsValues next = v;
                next.brightnessPercent = std::clamp(*v.brightnessPercent + d * 10, 10, 100);
                edited(next);
            });
}

}  // namespace otklik::ui
