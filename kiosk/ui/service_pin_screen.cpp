// service-pin: the technician's PIN pad — dots for the digits typed, what the last entry
// did (wrong, locked with a countdown, checking), the recovery challenge for a lost PIN, and
// keys of at least 15 mm: pin.0 … pin.9, pin.clear, pin.ok, pin.cancel.
#include <algorithm>
#include <cmath>

#include "kiosk/ui/service_screens.h"

namespace otklik::ui {

namespace {

void drawKeypad(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const bool enabled = !f.mode.busy() && f.mode.lockedForMs() == 0;
    float gap = std::max(4.0f, std::round(m.gap * 0.7f));
    float keyW = std::floor(std::min((area.w - 2 * gap) / 3, m.touch * 2.4f));
    float keyH = std::floor(std::min((area.h - 3 * gap) / 4, m.touch * 1.6f));
    float blockW = 3 * keyW + 2 * gap, blockH = 4 * keyH + 3 * gap;
    // At the bottom in portrait, nearest the hand; centred beside the text in landscape.
    float x0 = area.x + (area.w - blockW) / 2, y0 = m.portrait ? area.bottom() - blockH : area.y + (area.h - blockH) / 2;
    const char* labels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
    for (int i = 0; i < 12; ++i) {
        Rect r{x0 + (i % 3) * (keyW + gap), y0 + static_cast<float>(i / 3) * (keyH + gap), keyW, keyH};
        if (i == 9) {
            if (c.button("pin.clear", f.s("svc.pin.clear"), r, ButtonStyle::Secondary, enabled && f.mode.pinLength() > 0, false, "key"))
                f.act(ServiceAction::Kind::PinClear);
        } else if (i == 11) {
            if (c.button("pin.ok", f.s("svc.pin.ok"), r, ButtonStyle::Primary, enabled && f.mode.pinLength() > 0, false, "key"))
                f.act(ServiceAction::Kind::PinOk);
        } else if (c.button(std::string("pin.") + labels[i], labels[i], r, ButtonStyle::Secondary, enabled, false, "key")) {
            f.act(ServiceAction::Kind::PinKey, labels[i]);
        }
    }
}

}  // namespace

void drawServicePin(ServiceFrame& f, Rect area) {
    Canvas& c = f.c;
    const Metrics& m = c.m;
    const service::ServiceMode& s = f.mode;
    Rect content = area.inset(m.pad * 1.5f);
    Rect info = m.portrait ? content.takeTop(content.h * 0.36f) : content.takeLeft(content.w * 0.44f);
    if (m.portrait) content.takeTop(m.gap);
    else content.takeLeft(m.gap * 2);

    const char* titleKey = s.pinPurpose() == service::PinPurpose::NewPin       ? "svc.pin.new"
                           : s.pinPurpose() == service::PinPurpose::ConfirmPin ? "svc.pin.confirm"
                                                                                : "svc.pin.enter";
    Rect cancel = info.takeBottom(m.touch);
    float cancelW = std::max(m.touch * 2.2f, c.textWidth(TextRole::Body, f.s("svc.pin.cancel")) + 3 * m.pad);
    if (c.button("pin.cancel", f.s("svc.pin.cancel"), Rect{cancel.x, cancel.y, std::min(cancelW, cancel.w), cancel.h}, ButtonStyle::Secondary))
        f.act(ServiceAction::Kind::PinCancel);
    info.takeBottom(m.gap);

    Rect title = info.takeTop(std::min(c.textHeight(TextRole::Title, f.s(titleKey), info.w) + m.pad, info.h * 0.35f));
    c.text(TextRole::Title, f.s(titleKey), title, c.theme.text, Align::Left);
    c.note("pin.title", "heading", f.s(titleKey), title);

    // One dot per digit typed, never the digits.
    Rect dots = info.takeTop(std::min(m.touch * 0.8f, info.h * 0.3f));
    float r = std::min(dots.h * 0.28f, m.mm(3.0f));
    int shown = static_cast<int>(std::max<size_t>(s.pinLength(), 6));
    for (int i = 0; i < shown; ++i) {
        ImVec2 centre(dots.x + r + i * r * 3.2f, dots.center().y);
        if (centre.x + r > dots.right()) break;
        if (static_cast<size_t>(i) < s.pinLength()) c.circle(centre, r, c.theme.text);
        else c.ring(centre, r, c.theme.surfaceBorder, std::max(1.5f, r * 0.25f));
    }
    c.note("pin.entry", "textbox", std::string(s.pinLength(), '*'), dots);

    const service::Notice& notice = s.pinNotice();
    bool bad = notice.key == "svc.pin.wrong" || notice.key == "svc.pin.locked" || notice.key == "svc.pin.trivial" ||
               notice.key == "svc.pin.mismatch" || notice.key == "svc.pin.not_saved";
    Rect message = info.takeTop(std::min(c.lineHeight(TextRole::Small) * 3.2f, info.h * 0.5f));
    drawServiceNotice(f, message, f.say(notice), notice.key == "svc.pin.recovered", bad);

    if (s.pinPurpose() == service::PinPurpose::Enter && !s.challenge().empty()) {
        std::string challenge = s.challenge().substr(0, 4) + " " + s.challenge().substr(4);
        std::string text = f.f("svc.pin.challenge", {{"challenge", challenge}});
        Rect box = info.takeBottom(std::min(c.lineHeight(TextRole::Small) * 2.4f, info.h));
        c.text(TextRole::Small, text, box, c.theme.mutedText, Align::Left);
        c.note("pin.challenge", "text", challenge, box);
    }
    drawKeypad(f, content);
}

}  // namespace otklik::ui
