// Config pull with ETag: fetch, validate, save durably, post to the UI thread; refuse the bad.
#include "config_puller.h"

#include "platform/log.h"
#include "sync/client/http_client.h"
#include "sync/protocol/file_io.h"

namespace otklik {

namespace {

constexpr size_t kMaxConfigErrorBytes = 500;     // the heartbeat's config_error limit (openapi.yaml)
constexpr size_t kMaxConfigReplyBytes = 4u << 20; // the same cap as any config file the kiosk reads

// At most `limit` bytes, cut at a UTF-8 character boundary.
std::string clip(const std::string& text, size_t limit) {
    if (text.size() <= limit) return text;
    size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

}  // namespace

ConfigPuller::ConfigPuller(ConfigPullerSettings settings, HttpTransport& transport, const Clock& clock, ConfigValidator validator,
                           ConfigMailbox& mailbox)
    : settings_(std::move(settings)),
      transport_(transport),
      clock_(clock),
      validator_(std::move(validator)),
      mailbox_(mailbox),
      nextPullMonoMs_(clock.monoMs()) {
    // The same choice the kiosk made at start (which logs it): its ETag goes in If-None-Match,
    // so an unchanged config costs the hub a 304 after every restart.
    held_ = loadSavedHubConfig(settings_.dataDir, validator_).config;
}

int64_t ConfigPuller::msUntilDue() { return nextPullMonoMs_ - clock_.monoMs(); }

void ConfigPuller::run() {
    PullOutcome outcome = pull();
    nextPullMonoMs_ = clock_.monoMs() + std::max<int64_t>(settings_.intervalMs, 1000);
    std::lock_guard lock(mutex_);
    report_.outcome = outcome;
    report_.atMs = clock_.wallMs();
    const std::string held = !held_ ? "the terminal's own questionnaire"
                             : held_->hasQuestionnaire() ? "questionnaire version " + held_->questionnaireVersion
                                                         : "no questionnaire from the hub: the terminal's own";
    switch (outcome) {
        case PullOutcome::NotModified:
        case PullOutcome::Unchanged: report_.what = "unchanged (" + held + ")"; break;
        case PullOutcome::Accepted: report_.what = "new config: " + held + "; it is used from the next visitor on"; break;
        case PullOutcome::Refused: report_.what = "refused: " + error_; break;
        case PullOutcome::Failed: report_.what = "the hub did not give a config (see Test connection)"; break;
    }
}

ConfigPuller::Report ConfigPuller::lastReport() const {
    std::lock_guard lock(mutex_);
    return report_;
}

std::string ConfigPuller::ifNoneMatch() const {
    std::lock_guard lock(mutex_);
    std::string tags = held_ ? held_->etag : "";
    if (!refusedEtag_.empty()) tags += (tags.empty() ? "" : ", ") + refusedEtag_;
    return tags;
}

PullOutcome ConfigPuller::pull() {
    HttpRequest request;
    request.method = "GET";
    request.url = hubRouteUrl(settings_.hubUrl, "/api/v1/config");
    request.headers = {{"Authorization", "Bearer " + settings_.token}, {"Accept", "application/json"}};
    if (std::string tags = ifNoneMatch(); !tags.empty()) request.headers.emplace_back("If-None-Match", tags);
    request.maxReplyBytes = kMaxConfigReplyBytes;
    HttpResult result = transport_.send(request);
    // Network and hub trouble is the uploader's to report (it logs and shows it in `status`);
    // the next pull simply tries again.
    if (!result.replied()) return PullOutcome::Failed;
    if (result.status == 304) {
        // The hub is back on the config held (after one it sent was refused): nothing is refused now.
        std::lock_guard lock(mutex_);
        if (held_ && result.header("etag") == held_->etag) {
            error_.clear();
            refusedEtag_.clear();
            refusedBody_.clear();
        }
        return PullOutcome::NotModified;
    }
    if (result.status != 200) return PullOutcome::Failed;

    std::string etag = result.header("etag").value_or("");
    std::string error;
    auto config = parseHubConfig(result.body, etag, error);
    if (!config) return refuse(error, etag, result.body);
    {
        std::lock_guard lock(mutex_);
        if (held_ && held_->body == config->body) {
            held_->etag = etag;  // a hub that changed its tags (or sends none): same content, nothing to apply
            error_.clear();
            refusedEtag_.clear();
            refusedBody_.clear();
            return PullOutcome::Unchanged;
        }
    }
    std::string why = validator_ ? validator_(*config) : "";
    if (!why.empty()) return refuse(why, etag, config->body);
    return accept(std::move(*config));
}

PullOutcome ConfigPuller::accept(HubConfig config) {
    const std::string current = settings_.dataDir + "/" + kHubConfigFile;
    const std::string previous = settings_.dataDir + "/" + kPreviousHubConfigFile;
    std::optional<HubConfig> before;
    {
        std::lock_guard lock(mutex_);
        before = held_;
    }
    // Previous first, then current: each write is atomic, so a crash anywhere leaves
    // hub-config.json old or new and never torn.
    std::string error;
    bool saved = (!before || writeFileDurably(previous, hubConfigFileText(*before), error)) &&
                 writeFileDurably(current, hubConfigFileText(config), error);
    if (!saved)
        log::warning("config pull: the new config is used but could not be saved, so the next start uses the old one: " + error);
    log::info(config.hasQuestionnaire()
                  ? "config pull: new config from the hub, questionnaire version \"" + config.questionnaireVersion +
                        "\"; it is applied at the next idle screen"
                  : "config pull: new config from the hub, which assigns no questionnaire: the terminal's own is used");
    {
        std::lock_guard lock(mutex_);
        held_ = config;
        error_.clear();
        refusedEtag_.clear();
        refusedBody_.clear();
    }
    if (onAccepted_) onAccepted_(config);
    mailbox_.post(std::move(config));
    return PullOutcome::Accepted;
}

PullOutcome ConfigPuller::refuse(const std::string& why, const std::string& etag, const std::string& body) {
    std::lock_guard lock(mutex_);
    bool known = (!etag.empty() && etag == refusedEtag_) || body == refusedBody_;
    error_ = clip(why, kMaxConfigErrorBytes);
    refusedEtag_ = etag;
    refusedBody_ = body;
    if (!known)
        log::error("config pull: the hub's new config is refused and the terminal keeps the one it has. " + why +
                   " — correct the questionnaire on the hub (`otklik-hub questionnaire set`)");
    return PullOutcome::Refused;
}

std::string ConfigPuller::configError() const {
    std::lock_guard lock(mutex_);
    return error_;
}

std::optional<HubSettings> ConfigPuller::settings() const {
    std::lock_guard lock(mutex_);
    if (!held_) return std::nullopt;
    return held_->settings;
}

std::string ConfigPuller::heldEtag() const {
    std::lock_guard lock(mutex_);
    return held_ ? held_->etag : "";
}

}  // namespace otklik
