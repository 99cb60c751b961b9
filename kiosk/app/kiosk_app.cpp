// Main loop, input feeding and the headless script runner.
#include "kiosk_app.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "platform/log.h"

namespace otklik {

namespace {

double elapsedMs(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

KioskApp::KioskApp(flow::Flow& flow, ui::KioskUi& ui, Display& display, Clock& clock, ResponseStore& store)
    : flow_(flow), ui_(ui), display_(display), clock_(clock), storage_(flow, store) {
    IMGUI_CHECKVERSION();
    imgui_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing to remember between runs; a kiosk starts the same way every time
    io.LogFilename = nullptr;
    io.MouseDrawCursor = false;
    // Lines as plain anti-aliased geometry rather than sampled from the font atlas: one code
    // path in our rasteriser, and crisp at every size.
    ImGui::GetStyle().AntiAliasedLinesUseTex = false;
}

KioskApp::~KioskApp() { ImGui::DestroyContext(imgui_); }

bool KioskApp::uploadFonts(std::string& error) {
    if (!ui_.buildFonts(display_.width(), display_.height(), flow_, error)) return false;
    ImGuiIO& io = ImGui::GetIO();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
    void* texture = display_.uploadAlphaTexture(pixels, w, h);
    if (!texture) {
        error = "cannot upload the font atlas (" + std::to_string(w) + "x" + std::to_string(h) + ")";
        return false;
    }
    if (fontTexture_) display_.releaseTexture(fontTexture_);
    fontTexture_ = texture;
    io.Fonts->SetTexID(texture);
    io.Fonts->ClearTexData();  // the display holds its own copy now
    return true;
}

bool KioskApp::start(std::string& error) {
    if (!uploadFonts(error)) return false;
    lastFrameMs_ = clock_.monoMs();
    refreshQr();
    frame(true);
    return true;
}

void KioskApp::applyQuestionnaireUpdate() {
    // Never mid-visitor: the response being answered keeps the version it was started under.
    if (!updates_ || !flow_.atRest()) return;
    std::optional<Questionnaire> next = updates_->take();
    if (!next) return;
    // The same id and version is the same questionnaire as far as responses can tell (a hub
    // with none assigned hands back the terminal's own): no font rebuild for nothing.
    if (next->id == flow_.questionnaire().id && next->version == flow_.questionnaire().version) return;
    Questionnaire before = flow_.questionnaire();
    std::string id = next->id, version = next->version;
    flow_.replaceQuestionnaire(std::move(*next));
    std::string error;
    if (!uploadFonts(error)) {
        log::error("questionnaire \"" + id + "\" version \"" + version + "\" is not used: " + error +
                   "; the terminal goes on with version \"" + before.version + "\"");
        flow_.replaceQuestionnaire(std::move(before));
        if (!uploadFonts(error)) log::error("the fonts cannot be rebuilt either: " + error);
    } else {
        log::info("questionnaire \"" + id + "\" version \"" + version + "\" is in use from now on (was version \"" + before.version + "\")");
        if (onQuestionnaire_) onQuestionnaire_(flow_.questionnaire());
    }
    needFrame_ = true;
}

void KioskApp::frame(bool present) {
    auto started = std::chrono::steady_clock::now();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(static_cast<float>(display_.width()), static_cast<float>(display_.height()));
    int64_t nowMs = clock_.monoMs();
    io.DeltaTime = std::max(0.001f, static_cast<float>(nowMs - lastFrameMs_) / 1000.0f);
    lastFrameMs_ = nowMs;
    io.MousePos = ImVec2(pointerX_, pointerY_);
    io.MouseDown[0] = pointerDown_;

    ImGui::NewFrame();
    std::vector<ui::UiAction> actions;
    std::vector<ui::ServiceAction> serviceActions;
    if (serviceActive()) {
        serviceActions = ui_.drawService(*service_, serviceLanguages_, display_.width(), display_.height());
        drawnServiceRevision_ = service_->revision();
    } else {
        actions = ui_.draw(flow_, display_.width(), display_.height());
    }
    ImGui::Render();
    stats_.lastBuildMs = elapsedMs(started);
    if (present) {
        auto presentStart = std::chrono::steady_clock::now();
        display_.present(*ImGui::GetDrawData());
        stats_.lastPresentMs = elapsedMs(presentStart);
    }
    ++stats_.frames;
    drawnRevision_ = flow_.revision();
    needFrame_ = false;
    if (liftPointer_ && !pointerDown_) {
        pointerX_ = pointerY_ = -1e6f;
        liftPointer_ = false;
        needFrame_ = true;  // redraw without the finger so nothing stays highlighted
    }
    apply(actions);
    applyService(serviceActions);
    storage_.poll(now());
}

void KioskApp::setService(service::ServiceMode* mode, std::vector<std::string> languages) {
    service_ = mode;
    serviceLanguages_ = std::move(languages);
    // The corners are 20 mm squares, or 12% of the short side on small glass.
    ui::Metrics m = ui::computeMetrics(display_.width(), display_.height(), ui_.diagonalInches(), false, 0.5f);
    gesture_.setCornerPx(std::max(m.mm(20.0f), 0.12f * std::min(m.width, m.height)));
}

void KioskApp::requestService() {
    if (!service_ || service_->active()) return;
    serviceRequested_ = true;
    log::info("service: service mode asked for");
}

void KioskApp::applyService(const std::vector<ui::ServiceAction>& actions) {
    using Kind = ui::ServiceAction::Kind;
    for (const auto& a : actions) {
        if (!serviceActive()) return;
        service::ServiceMode& s = *service_;
        if (a.kind != Kind::TouchGrid) s.touched(clock_.monoMs());
        switch (a.kind) {
            case Kind::Language: s.setLanguage(a.value); break;
            case Kind::PinKey: s.pinKey(a.value.empty() ? '?' : a.value[0]); break;
            case Kind::PinClear: s.pinClear(); break;
            case Kind::PinOk: s.pinOk(); break;
            case Kind::PinCancel: s.pinCancel(); break;
            case Kind::Show: s.show(a.screen); break;
            case Kind::Back: s.back(); break;
            case Kind::RunNetwork: s.runNetworkTest(); break;
            case Kind::Deliver: s.deliverNow(); break;
            case Kind::FetchConfig: s.fetchConfigNow(); break;
            case Kind::ChangePin: s.changePin(); break;
            case Kind::TouchCell: s.touchCell(a.index); break;
            case Kind::TouchGrid: s.setTouchGrid(a.index); break;
            case Kind::TouchDone: s.finishTouchTest(); break;
            case Kind::CodeKey: s.codeKey(a.value.empty() ? '?' : a.value[0]); break;
            case Kind::CodeBackspace: s.codeBackspace(); break;
            case Kind::CodeOk: s.codeOk(); break;
            case Kind::CodeUsb: s.codeFromUsb(); break;
            case Kind::EnrolContinue:
                if (s.enrolOnly()) s.changePin();
                else s.back();
                break;
            case Kind::ExportUsb: s.exportUsb(); break;
            case Kind::EditSettings: s.editSettings(a.settings); break;
            case Kind::SaveSettings: s.saveSettings(); break;
            case Kind::Restart: s.restart(); break;
            case Kind::Leave: s.close("left from the menu"); break;
        }
    }
}

const char* KioskApp::screenName() const {
    return serviceActive() ? service::serviceScreenName(service_->screen()) : flow::screenName(flow_.screen());
}

void KioskApp::refreshUndeliveredMark(bool waitForFresh) {
    if (!undeliveredMark_ || clock_.monoMs() < nextMarkCheckMs_) return;
    nextMarkCheckMs_ = clock_.monoMs() + 60'000;
    if (ui_.setUndeliveredMark(undeliveredMark_(waitForFresh))) needFrame_ = true;
}

void KioskApp::apply(const std::vector<ui::UiAction>& actions) {
    for (const auto& a : actions) {
        flow::Instant t = now();
        switch (a.kind) {
            case ui::UiAction::Kind::Rate: flow_.rate(a.rating, t); break;
            case ui::UiAction::Kind::Choose: flow_.choose(a.value, t); break;
            case ui::UiAction::Kind::Next: flow_.next(t); break;
            case ui::UiAction::Kind::Back: flow_.back(t); break;
            case ui::UiAction::Kind::Skip: flow_.skip(t); break;
            case ui::UiAction::Kind::Finish: flow_.finish(t); break;
            case ui::UiAction::Kind::Language: flow_.setLanguage(a.value, t); break;
            case ui::UiAction::Kind::LargeText: flow_.toggleLargeText(t); break;
            case ui::UiAction::Kind::Key: flow_.typeKey(a.value, t); break;
        }
    }
}

void KioskApp::tick() {
    flow_.tick(now());
    storage_.poll(now());
    if (serviceRequested_ && service_ && flow_.interrupt(now())) {
        // The visitor's answers so far are stored (as a partial response) before the pad shows.
        serviceRequested_ = false;
        service_->open(clock_.monoMs());
    }
    if (serviceActive()) {
        service_->tick(clock_.monoMs());
        if (!service_->active()) needFrame_ = true;  // closed itself: the visitor screens again
    }
    refreshUndeliveredMark(scripted_);
    refreshQr();
}

void KioskApp::refreshQr() {
    if (!qr_ || !qr_->update(flow_, now())) return;
    ui_.setQrUrls(qr_->idleUrl(), qr_->continueUrl());
    needFrame_ = true;
}

std::optional<int64_t> KioskApp::nextDeadline() const {
    std::optional<int64_t> earliest;
    std::optional<int64_t> serviceDeadline = serviceActive() ? service_->nextDeadline() : std::nullopt;
    std::optional<int64_t> markDeadline = undeliveredMark_ ? std::optional<int64_t>(nextMarkCheckMs_) : std::nullopt;
    for (auto deadline : {flow_.nextDeadline(), storage_.nextDeadline(), qr_ ? qr_->nextDeadline() : std::nullopt, serviceDeadline, markDeadline})
        if (deadline && (!earliest || *deadline < *earliest)) earliest = deadline;
    return earliest;
}

void KioskApp::drainPointer(bool present) {
    while (!pending_.empty()) {
        PointerEvent e = pending_.front();
        pending_.pop_front();
        if (service_ && !service_->active()) {
            service::CornerGesture::Seen seen = gesture_.feed(e, clock_.monoMs(), static_cast<float>(display_.width()));
            if (seen.opened) requestService();
            if (seen.swallow) continue;  // the gesture's tap: never a visitor's button
        }
        pointerX_ = e.x;
        pointerY_ = e.y;
        if (e.kind == PointerEvent::Kind::Move) {
            // Moves matter only while pressed (dragging off a button cancels it).
            if (pointerDown_ && (pending_.empty() || pending_.front().kind != PointerEvent::Kind::Move)) frame(present);
            continue;
        }
        pointerDown_ = e.kind == PointerEvent::Kind::Down;
        if (e.kind == PointerEvent::Kind::Up && e.touch) liftPointer_ = true;
        // ImGui 1.86 sees one button state per frame: a press and a release in the same frame
        // would be lost, so every transition gets its own frame.
        frame(present);
    }
}

void KioskApp::settle(bool present) {
    // A tap may change the screen, which may arm a timer that has already passed in simulated
    // time; loop until nothing changes.
    for (int guard = 0; guard < 16; ++guard) {
        tick();
        applyQuestionnaireUpdate();
        bool serviceChanged = serviceActive() && drawnServiceRevision_ != service_->revision();
        if (!needFrame_ && !serviceChanged && drawnRevision_ == flow_.revision()) return;
        frame(present);
    }
}

void KioskApp::checkStorageOnce() {
    // After the first frame, not before: a large outbox's quick_check must not delay the
    // picture. The outbox has been opening on its own thread since it was created.
    if (storageChecked_) return;
    storageChecked_ = true;
    storage_.start(now());
}

int KioskApp::runInteractive() {
    checkStorageOnce();
    for (;;) {
        int timeout = -1;
        if (exitRequested_) return 0;
        if (needFrame_ || drawnRevision_ != flow_.revision() || (serviceActive() && drawnServiceRevision_ != service_->revision())) {
            timeout = 0;
        } else if (auto deadline = nextDeadline()) {
            timeout = static_cast<int>(std::max<int64_t>(0, *deadline - clock_.monoMs()));
        }
        DisplayEvents events = display_.wait(timeout);
        if (events.quit) return 0;
        if (events.serviceKey) requestService();
        pending_.insert(pending_.end(), events.pointer.begin(), events.pointer.end());
        if (events.redraw) needFrame_ = true;
        drainPointer(true);
        settle(true);
    }
}

bool KioskApp::writeTree(const std::string& path, std::string& error) const {
    nlohmann::json elements = nlohmann::json::array();
    for (const auto& e : ui_.elements().all()) {
        elements.push_back({{"id", e.id}, {"role", e.role}, {"label", e.label},
                            {"x", static_cast<int>(e.x)}, {"y", static_cast<int>(e.y)},
                            {"w", static_cast<int>(e.w)}, {"h", static_cast<int>(e.h)},
                            {"enabled", e.enabled}, {"selected", e.selected}});
    }
    nlohmann::json tree = {{"screen", screenName()},
                           {"language", serviceActive() ? service_->language() : flow_.language()},
                           {"large_text", flow_.largeText()},
                           {"width", display_.width()},
                           {"height", display_.height()},
                           {"elements", elements}};
    std::ofstream out(path);
    out << tree.dump(2) << "\n";
    if (!out) {
        error = "cannot write " + path;
        return false;
    }
    return true;
}

bool KioskApp::tap(const ScriptStep& step) {
    const ui::Element* e = ui_.elements().find(step.argument);
    if (!e || !e->enabled) {
        std::string present;
        for (const auto& other : ui_.elements().all())
            if (other.interactive() && other.enabled) present += (present.empty() ? "" : " ") + other.id;
        std::fprintf(stderr, "script line %d: %s \"%s\" on the %s screen; tappable now: %s\n", step.line,
                     e ? "cannot tap disabled" : "no element", step.argument.c_str(), screenName(), present.c_str());
        return false;
    }
    float x = e->x + e->w / 2, y = e->y + e->h / 2;
    pending_.push_back(PointerEvent{PointerEvent::Kind::Down, x, y, true});
    pending_.push_back(PointerEvent{PointerEvent::Kind::Up, x, y, true});
    drainPointer(false);
    return true;
}

void KioskApp::serviceGesture() {
    // Down in the top-left corner, held 3.1 s (simulated), up; then a tap in the top-right.
    float corner = 8, right = static_cast<float>(display_.width()) - 8;
    auto* manual = dynamic_cast<ManualClock*>(&clock_);
    pending_.push_back(PointerEvent{PointerEvent::Kind::Down, corner, corner, true});
    drainPointer(false);
    if (manual) manual->advance(3100);
    settle(false);
    pending_.push_back(PointerEvent{PointerEvent::Kind::Up, corner, corner, true});
    pending_.push_back(PointerEvent{PointerEvent::Kind::Down, right, corner, true});
    pending_.push_back(PointerEvent{PointerEvent::Kind::Up, right, corner, true});
    drainPointer(false);
}

bool KioskApp::waitConfig(const ScriptStep& step) {
    // Real time, not simulated: the config comes over the network on the sync thread.
    if (updates_ && updates_->waitArrived(step.ms)) return true;
    std::fprintf(stderr, "script line %d: no new config from the hub arrived within %lld ms%s\n", step.line,
                 static_cast<long long>(step.ms), updates_ ? "" : " (the device config has no [hub] url)");
    return false;
}

int KioskApp::runScript(const std::vector<ScriptStep>& steps) {
    scripted_ = true;
    checkStorageOnce();
    auto* manual = dynamic_cast<ManualClock*>(&clock_);
    for (const auto& step : steps) {
        // Service mode's slow work (a PIN check, the connection test) happens on its worker in
        // real time: each step starts once it is done, so a script reads like a technician.
        if (serviceActive() && !service_->waitIdle(60'000, clock_.monoMs()))
            std::fprintf(stderr, "script line %d: service mode's work did not finish within 60 s\n", step.line);
        settle(false);
        if (exitRequested_) {
            log::info("headless: the app asked to restart; the script ends here");
            return 0;
        }
        switch (step.kind) {
            case ScriptStep::Kind::Tap:
                if (!tap(step)) return 1;
                break;
            case ScriptStep::Kind::Wait: {
                // Advance simulated time deadline by deadline so every timer fires in order.
                int64_t remaining = step.ms;
                while (remaining > 0) {
                    int64_t stepMs = remaining;
                    if (auto deadline = nextDeadline())
                        stepMs = std::clamp<int64_t>(*deadline - clock_.monoMs(), 0, remaining);
                    if (manual) manual->advance(std::max<int64_t>(stepMs, 1));
                    remaining -= std::max<int64_t>(stepMs, 1);
                    settle(false);
                }
                break;
            }
            case ScriptStep::Kind::Shot: {
                frame(true);
                std::string error;
                if (!display_.savePng(step.argument, error)) {
                    std::fprintf(stderr, "script line %d: %s\n", step.line, error.c_str());
                    return 1;
                }
                break;
            }
            case ScriptStep::Kind::Tree: {
                std::string error;
                if (!writeTree(step.argument, error)) {
                    std::fprintf(stderr, "script line %d: %s\n", step.line, error.c_str());
                    return 1;
                }
                break;
            }
            case ScriptStep::Kind::WaitConfig:
                if (!waitConfig(step)) return 1;
                break;
            case ScriptStep::Kind::Expect:
                if (step.argument != screenName()) {
                    std::fprintf(stderr, "script line %d: expected the %s screen, but the %s screen is showing\n", step.line,
                                 step.argument.c_str(), screenName());
                    return 1;
                }
                break;
            case ScriptStep::Kind::ServiceGesture: serviceGesture(); break;
            case ScriptStep::Kind::Type:
                for (char ch : step.argument) {
                    ScriptStep key = step;
                    key.argument = (serviceActive() && service_->screen() == service::ServiceScreen::Pin ? "pin." : "code.") + std::string(1, ch);
                    if (!tap(key)) return 1;
                    if (serviceActive() && !service_->waitIdle(60'000, clock_.monoMs())) return 1;
                    settle(false);
                }
                break;
        }
    }
    if (serviceActive()) (void)service_->waitIdle(60'000, clock_.monoMs());
    settle(false);
    return 0;
}

}  // namespace otklik
