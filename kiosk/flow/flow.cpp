// The visitor's journey: transitions, timeouts and the response being built.
#include "flow.h"

#include <algorithm>
#include <cassert>

#include "sync/protocol/condition.h"
#include "sync/protocol/uuid.h"

namespace otklik::flow {

const char* screenName(Screen screen) {
    switch (screen) {
        case Screen::Idle: return "idle";
        case Screen::Question: return "question";
        case Screen::Comment: return "comment";
        case Screen::Thanks: return "thanks";
        case Screen::Unavailable: return "unavailable";
    }
    return "unknown";
}

Flow::Flow(Questionnaire questionnaire, Settings settings)
    : questionnaire_(std::move(questionnaire)), settings_(std::move(settings)), text_(layoutsFor(settings_.languages)) {
    assert(!settings_.languages.empty() && "Flow needs at least one language; the config check guarantees it");
    language_ = settings_.languages.front();
    text_.reset(language_);
}

bool Flow::atRest() const {
    return screen_ == Screen::Idle && !open_ && !finished_ && !waitingForStore_ && !ackUntilMs_;
}

bool Flow::interrupt(Instant now) {
    if (waitingForStore_ || finished_) return false;  // the store is answering; ask again after
    if (open_) {
        end(ResponseStatus::Partial, now);
        return false;
    }
    if (screen_ == Screen::Thanks) {
        screen_ = Screen::Idle;
        resetVisitor();
        bump();
    }
    return atRest() || screen_ == Screen::Unavailable;
}

bool Flow::updateSettings(Settings settings) {
    if (settings.languages.empty()) return false;
    if (!atRest()) {
        pendingSettings_ = std::move(settings);
        return false;
    }
    pendingSettings_.reset();
    settings_ = std::move(settings);
    resetVisitor();
    bump();
    return true;
}

bool Flow::replaceQuestionnaire(Questionnaire questionnaire) {
    if (!atRest()) return false;
    questionnaire_ = std::move(questionnaire);
    bump();
    return true;
}

// ---- conditions and order ----

namespace {

bool visibleWith(const Question& q, const Answers& answers) { return !q.showIf || conditionHolds(*q.showIf, answers); }

const Answers kNoAnswers;

}  // namespace

bool Flow::visible(const Question& q) const { return visibleWith(q, open_ ? open_->answers : kNoAnswers); }

std::optional<size_t> Flow::nextVisible(std::optional<size_t> after) const {
    size_t start = after ? *after + 1 : 0;
    for (size_t i = start; i < questionnaire_.questions.size(); ++i)
        if (visible(questionnaire_.questions[i])) return i;
    return std::nullopt;
}

// ---- visitor actions ----

void Flow::touched(Instant now) {
    lastTouchMs_ = now.monoMs;
}

void Flow::startResponse(Instant now) {
    Response r;
    r.id = newUuidV7(now.wallMs);
    r.terminalId = settings_.terminalId;
    r.questionnaireId = questionnaire_.id;
    r.questionnaireVersion = questionnaire_.version;
    r.bootId = settings_.bootId;
    r.startedAtMs = now.wallMs;
    r.startedMonoMs = now.monoMs;
    open_ = std::move(r);
    ++visitorsStarted_;
}

void Flow::rate(int value, Instant now) {
    if (!acceptsInput() || screen_ != Screen::Idle || value < 1 || value > 5) return;
    touched(now);
    if (open_ && ackUntilMs_ && now.monoMs - lastRateMs_ <= settings_.repeatIntervalMs) {
        // Another press while the first is still being acknowledged: the same visitor (or a
        // child hammering the faces). Fold it in and say so, rather than count a new visitor.
        open_->presses += 1;
        open_->repeated = true;
    } else if (!open_) {
        startResponse(now);
    }
    open_->answers[questionnaire_.main.id].rating = value;
    if (largeText_) open_->largeText = true;
    lastRateMs_ = now.monoMs;
    ackUntilMs_ = now.monoMs + settings_.repeatIntervalMs;
    bump();
}

void Flow::choose(const std::string& optionId, Instant now) {
    const Question* q = current();
    if (!acceptsInput() || screen_ != Screen::Question || !q || !open_) return;
    touched(now);
    Answer& a = open_->answers[q->id];
    switch (q->type) {
        case QuestionType::Faces:
        case QuestionType::Stars: {
            if (optionId.size() != 1 || optionId[0] < '1' || optionId[0] > '5') return;
            a = Answer{};
            a.rating = optionId[0] - '0';
            break;
        }
        case QuestionType::YesNo:
            if (optionId != "yes" && optionId != "no") return;
            a = Answer{};
            a.selected = {optionId};
            break;
        case QuestionType::Single:
        case QuestionType::Service: {
            const auto& list = q->type == QuestionType::Service ? questionnaire_.services : q->options;
            if (std::none_of(list.begin(), list.end(), [&](const Option& o) { return o.id == optionId; })) return;
            a = Answer{};
            a.selected = {optionId};
            if (q->type == QuestionType::Service) open_->service = optionId;
            break;
        }
        case QuestionType::Multi: {
            if (std::none_of(q->options.begin(), q->options.end(), [&](const Option& o) { return o.id == optionId; })) return;
            auto it = std::find(a.selected.begin(), a.selected.end(), optionId);
            if (it == a.selected.end()) {
                a.selected.push_back(optionId);
            } else {
                a.selected.erase(it);
            }
            if (a.selected.empty()) open_->answers.erase(q->id);
            bump();
            return;  // several may be chosen: the visitor moves on with Next
        }
        case QuestionType::Text:
            return;
    }
    bump();
    advance(now);  // one answer is enough: moving on saves the visitor a tap
}

void Flow::next(Instant now) {
    if (!acceptsInput() || !current()) return;
    touched(now);
    if (forward() != Forward::Next) return;
    advance(now);
}

void Flow::skip(Instant now) {
    const Question* q = current();
    if (!acceptsInput() || !q || !open_) return;
    touched(now);
    if (forward() != Forward::Skip) return;
    open_->answers.erase(q->id);
    advance(now);
}

void Flow::back(Instant now) {
    if (!acceptsInput() || !current()) return;
    touched(now);
    if (history_.empty()) {
        // Back from the first follow-up: the main question again, the rating kept and changeable.
        question_.reset();
        screen_ = Screen::Idle;
        ackUntilMs_.reset();
        bump();
        return;
    }
    size_t previous = history_.back();
    history_.pop_back();
    show(previous);
}

void Flow::finish(Instant now) {
    if (!acceptsInput() || !canFinish()) return;
    touched(now);
    end(ResponseStatus::Complete, now);
}

void Flow::setLanguage(const std::string& code, Instant now) {
    if (!acceptsInput()) return;
    if (std::find(settings_.languages.begin(), settings_.languages.end(), code) == settings_.languages.end()) return;
    touched(now);
    language_ = code;
    text_.selectLanguage(code);
    bump();
}

void Flow::toggleLargeText(Instant now) {
    if (!acceptsInput()) return;
    touched(now);
    largeText_ = !largeText_;
    if (open_ && largeText_) open_->largeText = true;
    bump();
}

void Flow::typeKey(const std::string& key, Instant now) {
    const Question* q = current();
    if (!acceptsInput() || screen_ != Screen::Comment || !q || !open_) return;
    touched(now);
    if (!text_.press(key)) return;
    // Keep the answer in step with the text so a visitor who walks away mid-sentence still
    // leaves what they typed in the partial response.
    if (text_.text().empty())
        open_->answers.erase(q->id);
    else
        open_->answers[q->id].text = text_.text();
    bump();
}

// ---- transitions ----

void Flow::show(std::optional<size_t> index) {
    question_ = index;
    if (!index) return;
    const Question& q = questionnaire_.questions[*index];
    screen_ = q.type == QuestionType::Text ? Screen::Comment : Screen::Question;
    if (q.type == QuestionType::Text) {
        text_.reset(language_);
        text_.setMaxLength(static_cast<size_t>(q.maxLength));
        if (const Answer* a = answer(q.id)) text_.setText(a->text);
    }
    bump();
}

void Flow::advance(Instant now) {
    if (question_) history_.push_back(*question_);
    auto next = nextVisible(question_);
    if (!next) {
        end(ResponseStatus::Complete, now);
        return;
    }
    show(next);
}

void Flow::end(ResponseStatus status, Instant now) {
    if (!open_) return;
    Response r = std::move(*open_);
    open_.reset();
    // Answers to questions that a later change made invisible are not what the visitor
    // ended up saying; drop them (e.g. reasons for a low rating the visitor then raised).
    for (const auto& q : questionnaire_.questions)
        if (r.answers.count(q.id) && !visibleWith(q, r.answers)) r.answers.erase(q.id);
    r.status = status;
    r.language = language_;
    r.completedAtMs = now.wallMs;
    r.completedMonoMs = now.monoMs;
    endedStatus_ = status;
    finished_ = std::move(r);
    waitingForStore_ = true;
    ackUntilMs_.reset();
    bump();
}

void Flow::resetVisitor() {
    language_ = settings_.languages.front();
    largeText_ = false;
    history_.clear();
    question_.reset();
    ackUntilMs_.reset();
    text_.reset(language_);
}

std::optional<Response> Flow::takeFinished() {
    std::optional<Response> out = std::move(finished_);
    finished_.reset();
    return out;
}

void Flow::stored(bool ok, Instant now) {
    if (!waitingForStore_) return;
    waitingForStore_ = false;
    if (!ok) {
        screen_ = Screen::Unavailable;
        resetVisitor();
        bump();
        return;
    }
    if (endedStatus_ == ResponseStatus::Complete) {
        screen_ = Screen::Thanks;
        thanksUntilMs_ = now.monoMs + settings_.thanksMs;
    } else {
        screen_ = Screen::Idle;  // the visitor has gone: nobody to thank
        resetVisitor();
    }
    bump();
}

void Flow::storageUnavailable(Instant) {
    if (open_ || waitingForStore_ || screen_ == Screen::Unavailable) return;
    screen_ = Screen::Unavailable;
    resetVisitor();
    bump();
}

void Flow::storageRecovered(Instant now) {
    if (screen_ != Screen::Unavailable) return;
    screen_ = Screen::Idle;
    touched(now);
    bump();
}

void Flow::tick(Instant now) {
    if (waitingForStore_) return;
    if (pendingSettings_ && atRest()) (void)updateSettings(std::move(*pendingSettings_));
    if (ackUntilMs_ && now.monoMs >= *ackUntilMs_) {
        ackUntilMs_.reset();
        history_.clear();
        show(nextVisible(std::nullopt));
        if (!question_) end(ResponseStatus::Complete, now);  // a one-question terminal
        return;
    }
    if (screen_ == Screen::Thanks && now.monoMs >= thanksUntilMs_) {
        screen_ = Screen::Idle;
        resetVisitor();
        bump();
        return;
    }
    if (open_ && now.monoMs - lastTouchMs_ >= settings_.idleTimeoutMs) end(ResponseStatus::Partial, now);
}

std::optional<int64_t> Flow::nextDeadline() const {
    if (waitingForStore_) return std::nullopt;
    if (ackUntilMs_) return *ackUntilMs_;
    if (screen_ == Screen::Thanks) return thanksUntilMs_;
    if (open_) return lastTouchMs_ + settings_.idleTimeoutMs;
    return std::nullopt;
}

// ---- what the screens show ----

const Question* Flow::current() const {
    if (!question_ || (screen_ != Screen::Question && screen_ != Screen::Comment)) return nullptr;
    return &questionnaire_.questions[*question_];
}

const Answer* Flow::answer(const std::string& questionId) const {
    if (!open_) return nullptr;
    auto it = open_->answers.find(questionId);
    return it == open_->answers.end() ? nullptr : &it->second;
}

int Flow::selectedRating() const {
    const Answer* a = answer(questionnaire_.main.id);
    return a ? a->rating : 0;
}

int Flow::progressTotal() const {
    int total = 1;
    for (const auto& q : questionnaire_.questions)
        if (visible(q)) ++total;
    return total;
}

int Flow::progressIndex() const {
    if (!question_) return 1;
    int index = 2;
    for (size_t i = 0; i < *question_; ++i)
        if (visible(questionnaire_.questions[i])) ++index;
    return index;
}

bool Flow::canGoBack() const { return current() != nullptr; }

bool Flow::canFinish() const {
    if (!current()) return false;
    for (size_t i = *question_; i < questionnaire_.questions.size(); ++i) {
        const Question& q = questionnaire_.questions[i];
        if (!q.optional && visible(q) && !answer(q.id)) return false;
    }
    return true;
}

Forward Flow::forward() const {
    const Question* q = current();
    if (!q) return Forward::Blocked;
    if (answer(q->id)) return Forward::Next;
    return q->optional ? Forward::Skip : Forward::Blocked;
}

bool Flow::isLastQuestion() const { return current() && !nextVisible(question_); }

int64_t Flow::thanksRemainingMs(Instant now) const {
    if (screen_ != Screen::Thanks) return 0;
    return std::max<int64_t>(0, thanksUntilMs_ - now.monoMs);
}

}  // namespace otklik::flow
