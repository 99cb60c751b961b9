// The kiosk's main loop: feeds pointer input to the UI one transition per frame, applies the
// UI's actions to the flow, hands finished responses to the store, and draws only when
// something changed. Runs interactively on a window or headless from a script. Between
// visitors it applies a new questionnaire (from the hub) and rebuilds the fonts for it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "kiosk/app/questionnaire_updates.h"
#include "kiosk/app/script.h"
#include "kiosk/app/storage_guard.h"
#include "kiosk/flow/flow.h"
#include "kiosk/flow/qr_rotation.h"
#include "kiosk/service/gesture.h"
#include "kiosk/service/service_mode.h"
#include "kiosk/ui/kiosk_ui.h"
#include "platform/clock.h"
#include "platform/display.h"
#include "sync/client/response_store.h"

struct ImGuiContext;

namespace otklik {

class KioskApp {
public:
    KioskApp(flow::Flow& flow, ui::KioskUi& ui, Display& display, Clock& clock, ResponseStore& store);
    ~KioskApp();
    KioskApp(const KioskApp&) = delete;
    KioskApp& operator=(const KioskApp&) = delete;

    // Builds the fonts and draws the first frame. False with `error` set on failure.
    bool start(std::string& error);
    // Where new questionnaires come from (nullptr: none; the default). It must outlive the
    // app. A new one is applied at the first moment the flow is at rest on the idle screen.
    void setQuestionnaireUpdates(QuestionnaireUpdates* updates) { updates_ = updates; }
    // What the QR codes hold and when they are renewed (nullptr: the UI's static link, the
    // default). It must outlive the app; its deadlines wake the loop like the flow's.
    void setQrRotation(flow::QrRotation* rotation) { qr_ = rotation; }
    // The technician's service mode (nullptr: none; the default), opened by the corner
    // gesture or Ctrl+Alt+S. It must outlive the app; `languages` are its language buttons.
    void setService(service::ServiceMode* mode, std::vector<std::string> languages);
    // Whether the idle screen shows the technicians' mark (undelivered for over an hour);
    // `waitForFresh` asks for an up-to-date answer (headless scripts), else a cached one.
    void setUndeliveredMark(std::function<bool(bool waitForFresh)> mark) { undeliveredMark_ = std::move(mark); }
    // Told each questionnaire the flow uses (at start and after a swap): the service status.
    void setOnQuestionnaire(std::function<void(const Questionnaire&)> on) { onQuestionnaire_ = std::move(on); }
    // Ends the loop with exit code 0 at the next chance (the service menu's restart).
    void requestExit() { exitRequested_ = true; }
    // Runs until the window closes or SIGTERM; returns the exit code.
    int runInteractive();
    // Runs a headless script; returns 0 (completed), 1 (an expectation or tap failed).
    int runScript(const std::vector<ScriptStep>& steps);

    // Timing of the last frames, for benchmarks.
    struct FrameStats {
        int64_t frames = 0;
        double lastBuildMs = 0;    // ImGui frame building
        double lastPresentMs = 0;  // rasterise and show
    };
    [[nodiscard]] const FrameStats& stats() const { return stats_; }
    // Draws and presents one frame now (benchmarks).
    void drawFrame() { frame(true); }

private:
    // Builds the font atlas for the flow's texts and hands it to the display.
    bool uploadFonts(std::string& error);
    // Takes a waiting questionnaire when no visitor is busy, swaps it in and rebuilds the fonts.
    void applyQuestionnaireUpdate();
    bool waitConfig(const ScriptStep& step);
    void frame(bool present);
    void apply(const std::vector<ui::UiAction>& actions);
    void tick();
    void checkStorageOnce();
    // Renews the QR codes when due and hands changed URLs to the UI (a frame follows).
    void refreshQr();
    [[nodiscard]] std::optional<int64_t> nextDeadline() const;
    flow::Instant now() const { return {clock_.monoMs(), clock_.wallMs()}; }
    // Applies queued pointer transitions, one frame each.
    void drainPointer(bool present);
    // Draws when the flow changed since the last frame.
    void settle(bool present);
    bool tap(const ScriptStep& step);
    // The service gesture through the same pointer path as a finger (headless step).
    void serviceGesture();
    // Asks for service mode; it opens once no visitor is busy.
    void requestService();
    void applyService(const std::vector<ui::ServiceAction>& actions);
    [[nodiscard]] bool serviceActive() const { return service_ && service_->active(); }
    [[nodiscard]] const char* screenName() const;
    void refreshUndeliveredMark(bool waitForFresh);
    bool writeTree(const std::string& path, std::string& error) const;

    flow::Flow& flow_;
    ui::KioskUi& ui_;
    Display& display_;
    Clock& clock_;
    StorageGuard storage_;
    ImGuiContext* imgui_ = nullptr;
    QuestionnaireUpdates* updates_ = nullptr;
    flow::QrRotation* qr_ = nullptr;
    void* fontTexture_ = nullptr;
    service::ServiceMode* service_ = nullptr;
    std::vector<std::string> serviceLanguages_;
    service::CornerGesture gesture_;
    bool serviceRequested_ = false;
    uint64_t drawnServiceRevision_ = 0;
    bool exitRequested_ = false;
    std::function<bool(bool)> undeliveredMark_;
    bool scripted_ = false;  // a headless script runs: what is shown is worked out now, not in the background
    std::function<void(const Questionnaire&)> onQuestionnaire_;
    int64_t nextMarkCheckMs_ = 0;

    std::deque<PointerEvent> pending_;
    float pointerX_ = -1e6f, pointerY_ = -1e6f;
    bool pointerDown_ = false;
    bool liftPointer_ = false;  // after a finger lifts: nothing is hovered any more
    uint64_t drawnRevision_ = 0;
    bool needFrame_ = true;
    bool storageChecked_ = false;
    int64_t lastFrameMs_ = 0;
    FrameStats stats_;
};

}  // namespace otklik
