// Shared by the screen files: the frame context and one draw function per screen.
#pragma once

#include <string>
#include <vector>

#include "kiosk/flow/flow.h"
#include "kiosk/ui/canvas.h"
#include "kiosk/ui/kiosk_ui.h"

namespace otklik::ui {

struct Frame {
    Canvas& c;
    const flow::Flow& flow;
    const Strings& strings;
    const UiSettings& settings;
    const ShownQr& qr;          // idle and unavailable screens
    const ShownQr& continueQr;  // comment screen: continue this response on the phone
    std::vector<UiAction>& actions;
    bool undeliveredMark = false;  // the technicians' mark on the idle screen

    [[nodiscard]] const std::string& lang() const { return flow.language(); }
    // Interface string in the visitor's language.
    [[nodiscard]] const std::string& s(const std::string& key) const { return strings.get(key, lang()); }
    // Questionnaire text in the visitor's language.
    [[nodiscard]] const std::string& t(const LocalizedText& text) const;
    void act(UiAction::Kind kind, std::string value = {}, int rating = 0) {
        actions.push_back(UiAction{kind, std::move(value), rating});
    }
};

// Top bar (centre name, language buttons, large-text toggle); cut from the top of `screen`.
void drawTopBar(Frame& f, Rect& screen);
// Bottom bar (back, finish, skip/next); cut from the bottom of `screen`.
void drawNavBar(Frame& f, Rect& screen);
// "Question n of N" and a bar; cut from the top of `area`.
void drawProgress(Frame& f, Rect& area);

void drawIdle(Frame& f, Rect area);
void drawQuestion(Frame& f, Rect area);
void drawComment(Frame& f, Rect area);
void drawThanks(Frame& f, Rect area);
void drawUnavailable(Frame& f, Rect area);

// A QR code with its title and hint, as on the idle and unavailable screens.
void drawQrCard(Frame& f, const Rect& card);
// The comment screen's "continue on your phone" card, cut from the right of `area` only when
// a code big enough to scan fits there; otherwise nothing is drawn and `area` stays whole.
void drawContinueCard(Frame& f, Rect& area);

}  // namespace otklik::ui
