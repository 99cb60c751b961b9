// The visitor screens drawn with Dear ImGui from the flow's state. Reads the flow, emits
// actions; knows nothing of storage, network or SDL. Call draw() between ImGui::NewFrame()
// and ImGui::Render().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kiosk/flow/flow.h"
#include "kiosk/ui/elements.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/qr_code.h"
#include "kiosk/ui/service_screens.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/strings.h"

namespace otklik::ui {

// What a tap asks the flow to do.
struct UiAction {
    enum class Kind { Rate, Choose, Next, Back, Skip, Finish, Language, LargeText, Key };
    Kind kind = Kind::Next;
    std::string value;  // option id, language code or key name
    int rating = 0;     // Rate
};

struct UiSettings {
    LocalizedText centreName;    // per language; "*" for all
    std::string qrUrl;           // what the idle screen's QR code holds until setQrUrls says otherwise
    double diagonalInches = 21.5;
    bool insecureBanner = false; // delivery runs without TLS checks: a red warning on every screen
};

// A QR code as shown: the text it holds and its modules, encoded once per text.
struct ShownQr {
    std::string url;                // "" = no code
    std::optional<QrMatrix> matrix;

    // Encodes `text` unless this already holds it: never once per frame.
    void show(const std::string& text);
};

class KioskUi {
public:
    KioskUi(const Strings& strings, UiSettings settings);

    // Builds the font atlas for a picture of this size into the current ImGui context, with
    // the glyphs of every text this flow can show. The caller uploads the atlas.
    bool buildFonts(int width, int height, const flow::Flow& flow, std::string& error);

    // Draws the current screen into a full-size ImGui window and returns what was tapped.
    std::vector<UiAction> draw(const flow::Flow& flow, int width, int height);
    // The same for service mode's screens (service_screens.h); `languages` are the buttons.
    std::vector<ServiceAction> drawService(const service::ServiceMode& mode, const std::vector<std::string>& languages, int width, int height);

    // What the QR codes hold from now on (flow::QrRotation decides): the idle and unavailable
    // screens' code, and the comment screen's "continue on your phone" code ("" = none).
    // Only a changed text is encoded again.
    void setQrUrls(const std::string& idleUrl, const std::string& continueUrl);

    // The technicians' mark on the first screen: nothing delivered for over an hour although
    // responses are pending (docs/technician.md). True when it changed (a frame is due).
    bool setUndeliveredMark(bool shown) {
        bool changed = shown != undeliveredMark_;
        undeliveredMark_ = shown;
        return changed;
    }
    [[nodiscard]] double diagonalInches() const { return settings_.diagonalInches; }

    [[nodiscard]] const ElementTree& elements() const { return tree_; }
    [[nodiscard]] const std::optional<QrMatrix>& qrCode() const { return idleQr_.matrix; }

private:
    const Strings& strings_;
    UiSettings settings_;
    Fonts fonts_;
    ElementTree tree_;
    ShownQr idleQr_;
    ShownQr continueQr_;
    std::optional<QrMatrix> testQr_;  // the display test's code
    float idleQrSide_ = 0;            // the side the first screen's code was last drawn at
    bool undeliveredMark_ = false;
};

}  // namespace otklik::ui
