// The technician's service screens, drawn with the visitor screens' canvas and look from
// service::ServiceMode's state; taps come back as ServiceActions the app applies. Element ids
// are a contract (docs/headless.md, "Service mode").
#pragma once

#include <string>
#include <vector>

#include "kiosk/service/service_mode.h"
#include "kiosk/ui/canvas.h"
#include "kiosk/ui/qr_code.h"
#include "sync/protocol/strings.h"

namespace otklik::ui {

struct ServiceAction {
    enum class Kind {
        Language, PinKey, PinClear, PinOk, PinCancel, Show, Back, RunNetwork, Deliver, FetchConfig, ChangePin,
        TouchCell, TouchGrid, TouchDone, CodeKey, CodeBackspace, CodeOk, CodeUsb, EnrolContinue, ExportUsb, EditSettings,
        SaveSettings, Restart, Leave,
    };
    Kind kind = Kind::Back;
    std::string value;      // language code, key character
    int index = 0;          // touch cell; TouchGrid: how many cells the grid has
    service::ServiceScreen screen = service::ServiceScreen::Menu;
    service::SettingsValues settings;

    ServiceAction() = default;
    explicit ServiceAction(Kind k, std::string v = {}, int i = 0) : kind(k), value(std::move(v)), index(i) {}
    static ServiceAction show(service::ServiceScreen s) {
        ServiceAction a(Kind::Show);
        a.screen = s;
        return a;
    }
    static ServiceAction edit(service::SettingsValues values) {
        ServiceAction a(Kind::EditSettings);
        a.settings = std::move(values);
        return a;
    }
};

struct ServiceFrame {
    Canvas& c;
    const service::ServiceMode& mode;
    const Strings& strings;
    std::vector<std::string> languages;  // the language buttons
    const std::optional<QrMatrix>& testQr;  // the display test's code
    float idleQrSide = 0;                   // how large the first screen's code is drawn
    std::vector<ServiceAction>& actions;

    [[nodiscard]] const std::string& lang() const { return mode.language(); }
    // Service screens are for technicians: a language without their strings falls back to English.
    [[nodiscard]] const std::string& textLang(const std::string& key) const;
    [[nodiscard]] const std::string& s(const std::string& key) const { return strings.get(key, textLang(key)); }
    // Whether there is a text for `key` (in this language or in English).
    [[nodiscard]] bool known(const std::string& key) const { return strings.has(key, lang()) || strings.has(key, "en"); }
    [[nodiscard]] std::string f(const std::string& key, const std::vector<std::pair<std::string, std::string>>& values) const;
    // A notice in the technician's language, its English detail after a dash.
    [[nodiscard]] std::string say(const service::Notice& notice) const;
    void act(ServiceAction action) { actions.push_back(std::move(action)); }
    void act(ServiceAction::Kind kind, std::string value = {}) { actions.push_back(ServiceAction(kind, std::move(value))); }
};

// Title and language buttons, cut from the top of `screen`.
void drawServiceTopBar(ServiceFrame& f, Rect& screen, const std::string& title);
// A bottom row with the back button (and room left of it for `extra`), cut from `screen`.
Rect drawServiceBottomBar(ServiceFrame& f, Rect& screen, const char* backId = "service.back");
// A message line: green when `good`, red when `bad`, muted otherwise.
void drawServiceNotice(ServiceFrame& f, const Rect& r, const std::string& text, bool good, bool bad);

void drawServicePin(ServiceFrame& f, Rect area);
void drawServiceMenu(ServiceFrame& f, Rect area);
void drawServiceNetwork(ServiceFrame& f, Rect area);
void drawServiceTouch(ServiceFrame& f, Rect area);
void drawServiceDisplay(ServiceFrame& f, Rect area);
void drawServiceEnrol(ServiceFrame& f, Rect area);
void drawServiceUsb(ServiceFrame& f, Rect area);
void drawServiceSettings(ServiceFrame& f, Rect area);

}  // namespace otklik::ui
