// Screen dispatch and font set-up for the visitor UI.
#include "kiosk_ui.h"

#include <map>

#include "kiosk/ui/screens.h"

namespace otklik::ui {

namespace {

void addLocalized(std::vector<std::string>& out, const LocalizedText& text) {
    for (const auto& [lang, s] : text) out.push_back(s);
}

// Every text the screens can show, so the atlas holds exactly those glyphs.
std::vector<std::string> allTexts(const flow::Flow& flow, const Strings& strings, const UiSettings& settings) {
    std::vector<std::string> out = strings.allTexts();
    const Questionnaire& q = flow.questionnaire();
    addLocalized(out, q.main.text);
    for (const auto& labels : q.faceLabels) addLocalized(out, labels);
    for (const auto& s : q.services) addLocalized(out, s.label);
    for (const auto& question : q.questions) {
        addLocalized(out, question.text);
        addLocalized(out, question.hint);
        for (const auto& o : question.options) addLocalized(out, o.label);
    }
    addLocalized(out, settings.centreName);
    out.push_back(flow.textEntry().allCharacters());
    out.push_back("⇧⌫|Aa!");
    return out;
}

}  // namespace

void ShownQr::show(const std::string& text) {
    if (text == url && (matrix || text.empty())) return;
    url = text;
    matrix = text.empty() ? std::nullopt : encodeQr(text);
}

KioskUi::KioskUi(const Strings& strings, UiSettings settings) : strings_(strings), settings_(std::move(settings)) {
    idleQr_.show(settings_.qrUrl);
}

void KioskUi::setQrUrls(const std::string& idleUrl, const std::string& continueUrl) {
    idleQr_.show(idleUrl);
    continueQr_.show(continueUrl);
}

bool KioskUi::buildFonts(int width, int height, const flow::Flow& flow, std::string& error) {
    return fonts_.build(fontSizesFor(width, height), allTexts(flow, strings_, settings_), error);
}

std::vector<UiAction> KioskUi::draw(const flow::Flow& flow, int width, int height) {
    std::vector<UiAction> actions;
    tree_.clear();
    bool large = flow.largeText();
    const Theme& theme = large ? highContrastTheme() : normalTheme();
    Metrics metrics = computeMetrics(width, height, settings_.diagonalInches, large, theme.borderWidthMm);

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    Canvas canvas(*ImGui::GetWindowDrawList(), theme, metrics, fonts_, large, tree_);
    Frame frame{canvas, flow, strings_, settings_, idleQr_, continueQr_, actions, undeliveredMark_};

    Rect screen{0, 0, metrics.width, metrics.height};
    canvas.fill(screen, theme.background);
    drawTopBar(frame, screen);
    switch (flow.screen()) {
        case flow::Screen::Idle: drawIdle(frame, screen); break;
        case flow::Screen::Question: drawQuestion(frame, screen); break;
        case flow::Screen::Comment: drawComment(frame, screen); break;
        case flow::Screen::Thanks: drawThanks(frame, screen); break;
        case flow::Screen::Unavailable: drawUnavailable(frame, screen); break;
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
    if (flow.screen() == flow::Screen::Idle)
        if (const Element* qr = tree_.find("qr")) idleQrSide_ = qr->w;
    return actions;
}

std::vector<ServiceAction> KioskUi::drawService(const service::ServiceMode& mode, const std::vector<std::string>& languages, int width,
                                                int height) {
    std::vector<ServiceAction> actions;
    tree_.clear();
    const Theme& theme = normalTheme();
    Metrics metrics = computeMetrics(width, height, settings_.diagonalInches, false, theme.borderWidthMm);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(static_cast<float>(width), static_cast<float>(height)));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("##service", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBringToFrontOnFocus);
    Canvas canvas(*ImGui::GetWindowDrawList(), theme, metrics, fonts_, false, tree_);
    if (!testQr_) testQr_ = encodeQr("OTKLIK DISPLAY TEST");
    ServiceFrame frame{canvas, mode, strings_, languages, testQr_, idleQrSide_, actions};
    Rect screen{0, 0, metrics.width, metrics.height};
    canvas.fill(screen, theme.background);
    using service::ServiceScreen;
    static const std::map<ServiceScreen, const char*> kTitles = {
        {ServiceScreen::Pin, "svc.title"},          {ServiceScreen::Menu, "svc.title"},      {ServiceScreen::Network, "svc.net.title"},
        {ServiceScreen::Touch, "svc.menu.touch"},   {ServiceScreen::Display, "svc.menu.display"}, {ServiceScreen::Enrol, "svc.enrol.title"},
        {ServiceScreen::Usb, "svc.usb.title"},      {ServiceScreen::Settings, "svc.menu.settings"}};
    drawServiceTopBar(frame, screen, strings_.get(kTitles.at(mode.screen()), mode.language()));
    switch (mode.screen()) {
        case ServiceScreen::Pin: drawServicePin(frame, screen); break;
        case ServiceScreen::Menu: drawServiceMenu(frame, screen); break;
        case ServiceScreen::Network: drawServiceNetwork(frame, screen); break;
        case ServiceScreen::Touch: drawServiceTouch(frame, screen); break;
        case ServiceScreen::Display: drawServiceDisplay(frame, screen); break;
        case ServiceScreen::Enrol: drawServiceEnrol(frame, screen); break;
        case ServiceScreen::Usb: drawServiceUsb(frame, screen); break;
        case ServiceScreen::Settings: drawServiceSettings(frame, screen); break;
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
    return actions;
}

}  // namespace otklik::ui
