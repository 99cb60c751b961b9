// service-enrol: the code pad for enrolment — the 32 letters and digits of an enrolment code
// (code.<char>), code.backspace and code.ok, code.usb for an enrolment file on a USB stick —
// then what the hub said: enrolled (with the connection test right after) or why not.
#include <algorithm>
#include <cmath>

#include "kiosk/ui/service_screens.h"
#include "sync/protocol/enrol_code.h"

namespace otklik::ui {

namespace {

void drawCodePad(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const bool enabled = !f.mode.busy();
    const int keys = static_cast<int>(kEnrolCodeAlphabet.size()) + 2;  // and backspace, OK
    // As square as the area allows: the most room for each key on any shape of glass.
    const int cols = std::clamp(static_cast<int>(std::ceil(std::sqrt(keys * area.w / std::max(area.h, 1.0f)))), 4, 12);
    const int rows = (keys + cols - 1) / cols;
    float gap = std::max(3.0f, std::round(m.gap * 0.5f));
    float keyW = std::floor(std::min((area.w - (cols - 1) * gap) / cols, m.touch * 1.6f));
    float keyH = std::floor(std::min((area.h - (rows - 1) * gap) / rows, m.touch * 1.4f));
    float x0 = area.x + (area.w - (cols * keyW + (cols - 1) * gap)) / 2;
    float y0 = area.y + (area.h - (rows * keyH + (rows - 1) * gap)) / 2;
    for (int i = 0; i < keys; ++i) {
        Rect r{x0 + static_cast<float>(i % cols) * (keyW + gap), y0 + static_cast<float>(i / cols) * (keyH + gap), keyW, keyH};
        if (i < static_cast<int>(kEnrolCodeAlphabet.size())) {
            std::string ch(1, kEnrolCodeAlphabet[static_cast<size_t>(i)]);
            if (c.button("code." + ch, ch, r, ButtonStyle::Secondary, enabled && f.mode.code().size() < kEnrolCodeLength, false, "key"))
                f.act(ServiceAction::Kind::CodeKey, ch);
        } else if (i == keys - 2) {
            if (c.button("code.backspace", "⌫", r, ButtonStyle::Secondary, enabled && !f.mode.code().empty(), false, "key"))
                f.act(ServiceAction::Kind::CodeBackspace);
        } else if (c.button("code.ok", f.s("svc.pin.ok"), r, ButtonStyle::Primary, enabled && f.mode.code().size() == kEnrolCodeLength, false,
                            "key")) {
            f.act(ServiceAction::Kind::CodeOk);
        }
    }
}

// The outcome of a successful enrolment: who the terminal is now, the connection test.
void drawEnrolled(ServiceFrame& f, Rect area, const service::EnrolOutcome& outcome) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    Rect next = area.takeBottom(m.touch);
    const bool choosePin = f.mode.enrolOnly();
    const std::string& label = f.s(choosePin ? "svc.enrol.set_pin" : "svc.enrol.continue");
    float w = std::max(m.touch * 2.6f, c.textWidth(TextRole::Body, label) + 3 * m.pad);
    if (c.button(choosePin ? "enrol.pin" : "enrol.continue", label, Rect{next.right() - std::min(w, next.w), next.y, std::min(w, next.w), next.h},
                 ButtonStyle::Primary))
        f.act(ServiceAction::Kind::EnrolContinue);
    area.takeBottom(m.gap);
    if (!outcome.test) return;
    float lineH = area.h / 7;
    for (const ConnectionStep& step : outcome.test->steps) {
        Rect row = area.takeTop(lineH);
        bool ok = step.outcome == StepOutcome::Ok;
        std::string text = std::string(ok ? "✓ " : "✗ ") + f.s("svc.step." + step.name);
        if (!ok && step.outcome == StepOutcome::Fail)
            text += ": " + (f.known("svc.why." + step.reason) ? f.s("svc.why." + step.reason) : step.detail);
        c.line(TextRole::Small, text, row, ok ? c.theme.goodText : c.theme.badText);
    }
}

}  // namespace

void drawServiceEnrol(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const service::ServiceMode& s = f.mode;
    Rect content = area.inset(m.pad * 1.5f);
    Rect info = m.portrait ? content.takeTop(content.h * 0.3f) : content.takeLeft(content.w * 0.34f);
    if (m.portrait) content.takeTop(m.gap);
    else content.takeLeft(m.gap * 1.5f);

    // Back (or out, before any PIN exists) and the USB stick's file, at the bottom of the info.
    Rect buttons = info.takeBottom(m.touch);
    info.takeBottom(m.gap);
    float half = std::floor((buttons.w - m.gap) / 2);
    if (c.button("service.back", f.s("svc.back"), Rect{buttons.x, buttons.y, half, buttons.h}, ButtonStyle::Secondary, !s.busy(), false,
                 "button", Icon::ChevronLeft))
        f.act(ServiceAction::Kind::Back);
    if (c.button("code.usb", f.s("svc.enrol.usb"), Rect{buttons.x + half + m.gap, buttons.y, half, buttons.h}, ButtonStyle::Secondary,
                 !s.busy() && s.usbEnrolmentFile()))
        f.act(ServiceAction::Kind::CodeUsb);

    Rect hint = info.takeTop(std::min(c.textHeight(TextRole::Small, f.s("svc.enrol.hint"), info.w) + m.pad * 0.5f, info.h * 0.3f));
    c.text(TextRole::Small, f.s("svc.enrol.hint"), hint, c.theme.mutedText, Align::Left);
    // The code as typed so far, with places for the rest: 7KQ2-M9··
    std::string shown;
    for (size_t i = 0; i < kEnrolCodeLength; ++i) {
        if (i == 4) shown += "-";
        shown += i < s.code().size() ? std::string(1, s.code()[i]) : "·";
    }
    Rect codeBox = info.takeTop(std::min(c.lineHeight(TextRole::Huge) * 1.2f, info.h * 0.4f));
    c.text(TextRole::Huge, shown, codeBox, c.theme.text, Align::Left);
    c.note("code.entry", "textbox", s.code(), codeBox);

    std::string message;
    bool good = false, bad = false;
    if (s.busy()) {
        message = f.s("svc.working");
    } else if (const auto& outcome = s.enrolOutcome()) {
        good = outcome->enrolled;
        bad = !good;
        if (good) {
            message = f.f("svc.enrol.done", {{"id", outcome->message}});
        } else {
            std::string key = "svc.enrol." + outcome->reason;
            message = (f.known(key) ? f.s(key) : f.s("svc.enrol.failed")) + " — " + outcome->message;
            if (!outcome->fix.empty()) message += ". " + f.s("svc.fix") + outcome->fix;
        }
    } else if (s.usbMount().empty() == false && !s.usbEnrolmentFile()) {
        message = f.s("svc.enrol.no_usb");
    }
    drawServiceNotice(f, info, message, good, bad);

    if (s.enrolOutcome() && s.enrolOutcome()->enrolled) drawEnrolled(f, content, *s.enrolOutcome());
    else drawCodePad(f, content);
}

}  // namespace otklik::ui
