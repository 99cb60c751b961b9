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
    std::vector<ui::UiAction> actions = ui_.draw(flow_, display_.width(), display_.height());
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
    storage_.poll(now());
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
    refreshQr();
}

void KioskApp::refreshQr() {
    if (!qr_ || !qr_->update(flow_, now())) return;
    ui_.setQrUrls(qr_->idleUrl(), qr_->continueUrl());
    needFrame_ = true;
}

std::optional<int64_t> KioskApp::nextDeadline() const {
    std::optional<int64_t> earliest;
    for (auto deadline : {flow_.nextDeadline(), storage_.nextDeadline(), qr_ ? qr_->nextDeadline() : std::nullopt})
        if (deadline && (!earliest || *deadline < *earliest)) earliest = deadline;
    return earliest;
}

void KioskApp::drainPointer(bool present) {
    while (!pending_.empty()) {
        PointerEvent e = pending_.front();
        pending_.pop_front();
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
        if (!needFrame_ && drawnRevision_ == flow_.revision()) return;
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
        if (needFrame_ || drawnRevision_ != flow_.revision()) {
            timeout = 0;
        } else if (auto deadline = nextDeadline()) {
            timeout = static_cast<int>(std::max<int64_t>(0, *deadline - clock_.monoMs()));
        }
        DisplayEvents events = display_.wait(timeout);
        if (events.quit) return 0;
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
    nlohmann::json tree = {{"screen", flow::screenName(flow_.screen())},
                           {"language", flow_.language()},
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
                     e ? "cannot tap disabled" : "no element", step.argument.c_str(), flow::screenName(flow_.screen()),
                     present.c_str());
        return false;
    }
    float x = e->x + e->w / 2, y = e->y + e->h / 2;
    pending_.push_back(PointerEvent{PointerEvent::Kind::Down, x, y, true});
    pending_.push_back(PointerEvent{PointerEvent::Kind::Up, x, y, true});
    drainPointer(false);
    return true;
}

bool KioskApp::waitConfig(const ScriptStep& step) {
    // Real time, not simulated: the config comes over the network on the sync thread.
    if (updates_ && updates_->waitArrived(step.ms)) return true;
    std::fprintf(stderr, "script line %d: no new config from the hub arrived within %lld ms%s\n", step.line,
                 static_cast<long long>(step.ms), updates_ ? "" : " (the device config has no [hub] url)");
    return false;
}

int KioskApp::runScript(const std::vector<ScriptStep>& steps) {
    checkStorageOnce();
    auto* manual = dynamic_cast<ManualClock*>(&clock_);
    for (const auto& step : steps) {
        settle(false);
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
                if (step.argument != flow::screenName(flow_.screen())) {
                    std::fprintf(stderr, "script line %d: expected the %s screen, but the %s screen is showing\n", step.line,
                                 step.argument.c_str(), flow::screenName(flow_.screen()));
                    return 1;
                }
                break;
        }
    }
    settle(false);
    return 0;
}

}  // namespace otklik
