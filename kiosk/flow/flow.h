// The visitor's journey as a state machine: idle (main 1-5 question) -> follow-up
// questions -> comment -> thank-you -> idle, with timeouts, language switching, the large
// text mode and folding of repeated presses. Pure logic: time comes in as arguments, the
// finished response goes out through takeFinished(); no UI, storage or clock calls here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/flow/keyboard.h"
#include "sync/protocol/questionnaire.h"
#include "sync/protocol/response.h"

namespace otklik::flow {

enum class Screen {
    Idle,         // main question, faces, QR code
    Question,     // one follow-up question
    Comment,      // a text question with the on-screen keyboard
    Thanks,       // shown only after the response was stored
    Unavailable,  // storage is failing: please use the QR code
};
const char* screenName(Screen screen);

// A moment on both clocks: monotonic for timeouts, wall for the response's timestamps.
struct Instant {
    int64_t monoMs = 0;
    int64_t wallMs = 0;
};

struct Settings {
    std::string terminalId;
    std::string bootId;
    std::vector<std::string> languages;  // shown on the language buttons; the first is the default
    int64_t idleTimeoutMs = 30000;       // no touch this long mid-flow: keep a partial response, back to idle
    int64_t thanksMs = 5000;             // thank-you screen duration
    int64_t repeatIntervalMs = 600;      // face taps this close together fold into one response
};

// What the forward button of a question screen does right now.
enum class Forward {
    Next,      // answered: go on
    Skip,      // optional and unanswered: go on without an answer
    Blocked,   // required and unanswered: nothing to do until answered
};

class Flow {
public:
    Flow(Questionnaire questionnaire, Settings settings);

    // --- a new questionnaire, between visitors only ---
    // No visitor is busy: the idle screen with no response open, unsaved or being acknowledged.
    [[nodiscard]] bool atRest() const;
    // Swaps the questionnaire when atRest(), so every response is answered and recorded under
    // one questionnaire version; false (nothing changes) otherwise. The device config's
    // languages must all be in it (the caller checks, as at start-up).
    bool replaceQuestionnaire(Questionnaire questionnaire);

    // --- service mode, between visitors ---
    // A technician asks for service mode: the visitor's open response is kept as a partial
    // one (stored like after the idle timeout), a thank-you screen ends. True once the flow is
    // at rest (call again after the store has answered).
    bool interrupt(Instant now);
    // New settings (enrolment gave the terminal its id; the service menu changed the first
    // language or the idle timeout). Taken at once at rest (true); otherwise kept and taken
    // by tick() as soon as the flow is at rest (false), so no response mixes two settings.
    bool updateSettings(Settings settings);

    // --- visitor actions (each counts as a touch for the idle timeout) ---
    void rate(int value, Instant now);                      // a face on the idle screen
    void choose(const std::string& optionId, Instant now);  // an answer on a question screen
    void next(Instant now);
    void back(Instant now);
    void skip(Instant now);
    void finish(Instant now);                               // end now, keeping what was answered
    void setLanguage(const std::string& code, Instant now);
    void toggleLargeText(Instant now);
    void typeKey(const std::string& key, Instant now);      // comment keyboard
    void touched(Instant now);                              // any touch, even on nothing

    // Timeouts: call when nextDeadline() has passed (calling early is harmless).
    void tick(Instant now);
    [[nodiscard]] std::optional<int64_t> nextDeadline() const;

    // --- handing the finished response to storage ---
    // The response to store now, once; the flow waits (ignoring input) until stored().
    [[nodiscard]] std::optional<Response> takeFinished();
    [[nodiscard]] bool waitingForStore() const { return waitingForStore_; }
    // ok: thank the visitor (complete) or return to idle (partial). Not ok: Unavailable.
    void stored(bool ok, Instant now);
    // Storage is known not to work (at start-up): show Unavailable unless a visitor is busy.
    void storageUnavailable(Instant now);
    // Storage works again: leave the Unavailable screen.
    void storageRecovered(Instant now);

    // --- what the screens show ---
    [[nodiscard]] Screen screen() const { return screen_; }
    [[nodiscard]] const std::string& language() const { return language_; }
    [[nodiscard]] bool largeText() const { return largeText_; }
    [[nodiscard]] const Questionnaire& questionnaire() const { return questionnaire_; }
    [[nodiscard]] const Settings& settings() const { return settings_; }
    // The settings in force once the flow is at rest: the ones waiting, else settings().
    // Build a change on these, so two changes made before the flow rests both count.
    [[nodiscard]] const Settings& nextSettings() const { return pendingSettings_ ? *pendingSettings_ : settings_; }
    // The question on a Question or Comment screen; nullptr elsewhere.
    [[nodiscard]] const Question* current() const;
    [[nodiscard]] const Answer* answer(const std::string& questionId) const;
    // The face highlighted on the idle screen (the open response's rating), 0 if none.
    [[nodiscard]] int selectedRating() const;
    // 1-based position among the questions this visitor will see (main question = 1).
    [[nodiscard]] int progressIndex() const;
    [[nodiscard]] int progressTotal() const;
    [[nodiscard]] bool canGoBack() const;
    [[nodiscard]] bool canFinish() const;
    [[nodiscard]] Forward forward() const;
    [[nodiscard]] bool isLastQuestion() const;
    [[nodiscard]] const TextEntry& textEntry() const { return text_; }
    // Milliseconds left on the thank-you screen (for its countdown bar).
    [[nodiscard]] int64_t thanksRemainingMs(Instant now) const;
    // Changes on every visible change, so the UI redraws only when needed.
    [[nodiscard]] uint64_t revision() const { return revision_; }
    // The id of the response the current visitor is answering; nullptr when none is open.
    [[nodiscard]] const std::string* openResponseId() const { return open_ ? &open_->id : nullptr; }
    // How many visitors have started a response so far (QR rotation: a new code after each).
    [[nodiscard]] uint64_t visitorsStarted() const { return visitorsStarted_; }

private:
    bool visible(const Question& q) const;
    std::optional<size_t> nextVisible(std::optional<size_t> after) const;
    void show(std::optional<size_t> index);  // a question, or finish when nullopt
    void advance(Instant now);
    void end(ResponseStatus status, Instant now);
    void resetVisitor();
    void startResponse(Instant now);
    bool acceptsInput() const { return !waitingForStore_ && screen_ != Screen::Unavailable; }
    void bump() { ++revision_; }

    Questionnaire questionnaire_;         // owned: replaced between visitors
    Settings settings_;
    std::optional<Settings> pendingSettings_;  // updateSettings() away from rest
    Screen screen_ = Screen::Idle;
    std::string language_;
    bool largeText_ = false;

    std::optional<Response> open_;        // the current visitor's response
    std::optional<Response> finished_;    // ended, not yet handed to storage
    ResponseStatus endedStatus_ = ResponseStatus::Complete;
    bool waitingForStore_ = false;
    std::optional<size_t> question_;      // index into questionnaire_.questions
    std::vector<size_t> history_;         // questions shown before, for Back
    TextEntry text_;

    int64_t lastTouchMs_ = 0;
    int64_t lastRateMs_ = 0;
    std::optional<int64_t> ackUntilMs_;   // idle face highlighted until then, then follow-ups
    int64_t thanksUntilMs_ = 0;
    uint64_t revision_ = 1;
    uint64_t visitorsStarted_ = 0;
};

}  // namespace otklik::flow
