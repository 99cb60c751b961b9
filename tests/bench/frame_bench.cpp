// frame_bench: times N full kiosk frames (ImGui build + software rasterise + present) at a given size on SDL's offscreen and X11 drivers, cycling through the visitor screens.
//
// Usage: frame_bench --config FILE [--size 1920x1080] [--frames 300] [--driver offscreen|x11|all]
//                    [--data-dir DIR]
// With --data-dir the responses the tour finishes are committed to a real outbox in DIR
// (inside the timed frame, as in the kiosk), to show that a large outbox does not slow frames.
// `all` (the default) runs offscreen, then X11 if DISPLAY is set. The app is wired as in
// kiosk/main.cpp (windowed, not fullscreen, on X11), but with a ManualClock so that screen
// changes come from the headless script runner, and a MemoryStore (storage is not part of a
// frame). Between two timed frames the flow is moved one step along a tour (idle -> face
// chosen -> service question -> star questions -> reasons -> comment keyboard -> thank-you ->
// idle), untimed, so consecutive timed frames never show the same picture. For every timed
// frame the wall time of KioskApp::drawFrame() is recorded, with this process's CPU time and
// KioskApp::stats() (build vs. rasterise+present).
//
// With --delivery-chaos N (and --data-dir) the outbox starts with a backlog of N pending
// responses, and a real uploader drains it through a fault proxy into a real hub (both in a
// child process on CPU 1; this process keeps to CPU 0, as a one-core terminal would). Tour
// laps alternate between the uploader stopped and running, so both meet the same machine,
// and the figures are printed for each: delivery must not change the frame time.
#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/app/kiosk_app.h"
#include "kiosk/app/script.h"
#include "kiosk/app/settings_from_config.h"
#include "kiosk/config/kiosk_setup.h"
#include "kiosk/flow/flow.h"
#include "kiosk/ui/kiosk_ui.h"
#include "platform/clock.h"
#include "platform/display.h"
#include "tests/fakes/memory_store.h"
#include "sync/client/http_client.h"
#include "sync/client/outbox.h"
#include "sync/client/uploader.h"
#include "tests/bench/chaos_hub_child.h"
#include "tests/support/outbox_fill.h"

#ifndef OTKLIK_ASSETS_DIR
#error "OTKLIK_ASSETS_DIR must name the default assets folder"
#endif

namespace {

using namespace otklik;

// One step of the tour per timed frame; the last one returns to idle, so it repeats.
const char* const kTour[] = {
    "tap rate.2",              // idle, the chosen face highlighted
    "wait 700",                // question: which service
    "tap answer.job_search",   // stars: waiting time
    "tap answer.2",            // stars: service time
    "tap answer.4",            // stars: staff
    "tap answer.4",            // stars: premises
    "tap answer.3",            // stars: information
    "tap answer.5",            // multi: what went wrong
    "tap answer.waited_long",  // multi, one chosen
    "tap answer.no_seats",     // multi, two chosen
    "tap nav.next",            // comment with the on-screen keyboard
    "tap key.layout",          // keyboard: the other layout
    "tap key.shift",           // keyboard: capitals
    "tap nav.skip",            // thank-you with its countdown bar
    "wait 2500",               // thank-you, bar half way
    "wait 3500",               // idle again
    "tap lang.en",             // idle in English
    "tap lang.ru",             // idle in Russian
};

struct Sample {
    bool delivering;  // the uploader was running during this frame (--delivery-chaos)
    double totalMs;
    double cpuMs;  // this process's CPU time for the frame: less sensitive to other load than wall time
    double buildMs;
    double presentMs;
    std::string screen;
};

// The UI thread's own CPU time: the uploader's thread, when running, is not counted.
double cpuNowMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    // Nearest rank: the smallest value with at least p% of the samples at or below it.
    size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(v.size()))));
    return v[std::min(rank, v.size()) - 1];
}

bool parseSize(const std::string& text, int& w, int& h) {
    return std::sscanf(text.c_str(), "%dx%d", &w, &h) == 2 && w >= 320 && h >= 240;
}

void printFigures(const char* title, const std::vector<Sample>& samples) {
    std::vector<double> total, cpu;
    for (const auto& s : samples) {
        total.push_back(s.totalMs);
        cpu.push_back(s.cpuMs);
    }
    std::printf("  %-34s %4zu frames  median %6.2f ms  p99 %6.2f ms  max %6.2f ms  UI-thread CPU median %6.2f ms  p99 %6.2f ms\n",
                title, samples.size(), percentile(total, 50), percentile(total, 99), percentile(total, 100), percentile(cpu, 50),
                percentile(cpu, 99));
}

int runDriver(const std::string& driver, const KioskSetup& setup, int width, int height, int frames, const std::string& dataDir,
              const bench::ChaosHub* chaos, const test::TestPki* pki) {
    SDL_SetHint(SDL_HINT_VIDEODRIVER, driver.c_str());  // the display sets "offscreen" itself when headless

    ManualClock clock;
    flow::Flow flow(setup.questionnaire, flowSettings(setup.config));
    ui::KioskUi ui(setup.strings, uiSettings(setup.config));

    DisplayOptions options;
    options.headless = driver == "offscreen";
    options.fullscreen = false;
    options.orientation = setup.config.orientation;
    options.width = width;
    options.height = height;
    std::string error;
    auto display = openSdlDisplay(options, error);
    if (!display) {
        std::fprintf(stderr, "frame_bench: %s: %s\n", driver.c_str(), error.c_str());
        return 1;
    }
    const char* actual = SDL_GetCurrentVideoDriver();
    if (!actual || driver != actual) {
        std::fprintf(stderr, "frame_bench: asked for SDL video driver %s but got %s (is SDL_VIDEODRIVER set?)\n",
                     driver.c_str(), actual ? actual : "none");
        return 1;
    }
    fakes::MemoryStore memory;
    std::unique_ptr<Outbox> outbox;
    if (!dataDir.empty()) {
        outbox = std::make_unique<Outbox>(OutboxSettings{dataDir, "", 90, 0, 80}, clock);
        if (std::string problem = outbox->probe(); !problem.empty()) {
            std::fprintf(stderr, "frame_bench: outbox in %s: %s\n", dataDir.c_str(), problem.c_str());
            return 1;
        }
    }
    ResponseStore& store = outbox ? static_cast<ResponseStore&>(*outbox) : memory;
    KioskApp app(flow, ui, *display, clock, store);
    if (!app.start(error)) {
        std::fprintf(stderr, "frame_bench: %s: %s\n", driver.c_str(), error.c_str());
        return 1;
    }

    std::vector<ScriptParse> tour;
    for (const char* step : kTour) {
        tour.push_back(parseScript(step, "tour"));
        if (!tour.back().error.empty()) {
            std::fprintf(stderr, "frame_bench: %s\n", tour.back().error.c_str());
            return 1;
        }
    }

    // --delivery-chaos: the real uploader, as kiosk/app/delivery.cpp makes it, over real HTTPS.
    std::unique_ptr<HttpClient> client;
    std::unique_ptr<Uploader> uploader;
    SystemClock wallClock;
    if (chaos) {
        TlsSettings tls;
        tls.caFile = pki->caCert;
        client = std::make_unique<HttpClient>(tls, HttpTimeouts{}, std::string());
        UploaderSettings settings;
        settings.hubUrl = chaos->url;
        settings.token = chaos->token;
        settings.firstSyncJitterMs = 0;
        settings.backoffBaseMs = 200;  // chaos fails often: keep the uploader busy, the worst case for frames
        settings.backoffCapMs = 2000;
        uploader = std::make_unique<Uploader>(settings, *outbox, *client, wallClock);
    }
    int64_t deliveredBefore = outbox ? outbox->summary().delivered : 0;

    const int tourLength = static_cast<int>(tour.size());
    const int warmup = tourLength;  // one untimed lap: first-use costs (glyph lookups, allocations)
    std::vector<Sample> samples;
    samples.reserve(static_cast<size_t>(frames));
    for (int i = 0; i < warmup + frames; ++i) {
        // Laps alternate: uploader stopped, uploader running (started and stopped untimed).
        bool delivering = uploader && i >= warmup && ((i - warmup) / tourLength) % 2 == 1;
        if (uploader && i % tourLength == 0) {
            if (delivering) uploader->start();
            else uploader->stop();
        }
        if (app.runScript(tour[static_cast<size_t>(i % tourLength)].steps) != 0) {
            std::fprintf(stderr, "frame_bench: the tour broke at step \"%s\" (see above)\n", kTour[i % tourLength]);
            return 1;
        }
        double cpuStarted = cpuNowMs();
        auto started = std::chrono::steady_clock::now();
        app.drawFrame();
        double total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        double cpu = cpuNowMs() - cpuStarted;
        if (i < warmup) continue;
        samples.push_back({delivering, total, cpu, app.stats().lastBuildMs, app.stats().lastPresentMs, flow::screenName(flow.screen())});
    }

    if (uploader) {
        uploader->stop();
        std::vector<Sample> quiet, busy;
        for (const auto& s : samples) (s.delivering ? busy : quiet).push_back(s);
        std::printf("frame_bench: delivery chaos, driver %s, %dx%d, laps of %d frames alternating\n", driver.c_str(), display->width(),
                    display->height(), tourLength);
        printFigures("uploader stopped", quiet);
        printFigures("uploader draining through chaos", busy);
        SyncStatus status = uploader->status();
        std::printf("  the uploader delivered %lld responses during its laps; %lld still pending; last error: %s\n",
                    static_cast<long long>(outbox->summary().delivered - deliveredBefore), static_cast<long long>(status.pending),
                    status.lastError.empty() ? "none" : status.lastError.c_str());
        std::vector<double> q, b;
        for (const auto& s : quiet) q.push_back(s.totalMs);
        for (const auto& s : busy) b.push_back(s.totalMs);
        std::printf("RESULT chaos=1 quiet_median_ms=%.3f quiet_p99_ms=%.3f busy_median_ms=%.3f busy_p99_ms=%.3f\n", percentile(q, 50),
                    percentile(q, 99), percentile(b, 50), percentile(b, 99));
        return 0;
    }

    std::vector<double> total, cpu, build, present;
    std::map<std::string, std::vector<double>> byScreen;
    for (const auto& s : samples) {
        total.push_back(s.totalMs);
        cpu.push_back(s.cpuMs);
        build.push_back(s.buildMs);
        present.push_back(s.presentMs);
        byScreen[s.screen].push_back(s.totalMs);
    }
    std::printf("frame_bench: driver %s, %dx%d, %zu timed frames over %d distinct screen states (+%d warm-up)\n",
                driver.c_str(), display->width(), display->height(), samples.size(), tourLength, warmup);
    std::printf("  full frame   median %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", percentile(total, 50),
                percentile(total, 99), percentile(total, 100));
    std::printf("  CPU time     median %7.2f ms  p99 %7.2f ms  (this process only)\n", percentile(cpu, 50), percentile(cpu, 99));
    std::printf("  build (ImGui) median %6.2f ms  p99 %7.2f ms\n", percentile(build, 50), percentile(build, 99));
    std::printf("  raster+present median %5.2f ms  p99 %7.2f ms\n", percentile(present, 50), percentile(present, 99));
    for (const auto& [screen, v] : byScreen)
        std::printf("  screen %-8s %4zu frames  median %7.2f ms  p99 %7.2f ms\n", screen.c_str(), v.size(),
                    percentile(v, 50), percentile(v, 99));
    // One machine-readable line for kiosk_vs_chromium.sh.
    std::printf("RESULT driver=%s frames=%zu median_ms=%.3f p99_ms=%.3f max_ms=%.3f build_median_ms=%.3f "
                "present_median_ms=%.3f present_p99_ms=%.3f cpu_median_ms=%.3f cpu_p99_ms=%.3f\n",
                driver.c_str(), samples.size(), percentile(total, 50), percentile(total, 99), percentile(total, 100),
                percentile(build, 50), percentile(present, 50), percentile(present, 99), percentile(cpu, 50),
                percentile(cpu, 99));
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config, size = "1920x1080", driver = "all", dataDir;
    int frames = 300, chaosBacklog = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "frame_bench: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--config") config = value();
        else if (a == "--size") size = value();
        else if (a == "--frames") frames = std::atoi(value().c_str());
        else if (a == "--driver") driver = value();
        else if (a == "--data-dir") dataDir = value();
        else if (a == "--delivery-chaos") chaosBacklog = std::atoi(value().c_str());
        else {
            std::fprintf(stderr,
                         "usage: frame_bench --config FILE [--size 1920x1080] [--frames 300] [--driver offscreen|x11|all] [--data-dir DIR]\n"
                         "                   [--delivery-chaos BACKLOG]\n");
            return 2;
        }
    }
    int width = 0, height = 0;
    if (!parseSize(size, width, height) || frames < 1 ||
        (driver != "offscreen" && driver != "x11" && driver != "all")) {
        std::fprintf(stderr, "frame_bench: bad --size, --frames or --driver\n");
        return 2;
    }
    KioskSetupLoad load = loadKioskSetup(config, defaultDeviceConfig(OTKLIK_ASSETS_DIR, "/tmp/otklik-frame-bench"));
    if (!load.setup) {
        std::fprintf(stderr, "%s", load.describe().c_str());
        return 2;
    }
    if (chaosBacklog > 0 && dataDir.empty()) {
        std::fprintf(stderr, "frame_bench: --delivery-chaos needs --data-dir (the outbox the uploader drains)\n");
        return 2;
    }
    // Before any thread starts: the hub's child process, then the backlog.
    std::optional<test::TestPki> pki;
    bench::ChaosHub chaos;
    if (chaosBacklog > 0) {
        std::filesystem::create_directories(dataDir + "/pki");
        pki = test::makeTestPki(dataDir + "/pki");
        std::filesystem::remove(dataDir + "/hub.db");
        chaos = bench::startChaosHub(dataDir + "/hub.db", *pki, load.setup->config.terminalId, 1);
        if (!bench::pinToCpu(0)) std::printf("frame_bench: could not keep to CPU 0; figures include the hub's work\n");
        {
            ManualClock clock;
            Outbox schema(OutboxSettings{dataDir, "", 90, 0, 80}, clock);
            (void)schema.probe();
        }
        test::fillOutbox(dataDir, chaosBacklog, chaosBacklog, load.setup->config.terminalId);
    }
    std::vector<std::string> drivers;
    if (driver == "all") {
        drivers.push_back("offscreen");
        const char* display = std::getenv("DISPLAY");
        if (display && *display) drivers.push_back("x11");
        else std::printf("frame_bench: DISPLAY is not set, so no X11 run (run under xvfb-run for one)\n");
    } else {
        drivers.push_back(driver);
    }
    for (const auto& d : drivers)
        if (int rc = runDriver(d, *load.setup, width, height, frames, dataDir, chaosBacklog > 0 ? &chaos : nullptr, pki ? &*pki : nullptr)) {
            bench::stopChaosHub(chaos);
            return rc;
        }
    bench::stopChaosHub(chaos);
    return 0;
}
