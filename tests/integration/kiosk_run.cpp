// Running the real kiosk against a test hub (see kiosk_run.h).
#include "tests/integration/kiosk_run.h"

#include <fstream>

#include <gtest/gtest.h>

#ifndef OTKLIK_KIOSK_BINARY
#error "OTKLIK_KIOSK_BINARY must name the otklik-kiosk binary"
#endif

namespace otklik::test {

std::string writeKioskConfig(const std::string& dir, const std::string& terminal, const std::string& hubUrl, const std::string& token,
                             const std::string& caFile, const std::string& extraHub) {
    std::string path = dir + "/kiosk.toml";
    std::ofstream(path) << "terminal_id = \"" << terminal << "\"\nassets_dir = \"" OTKLIK_SOURCE_DIR "/assets\"\ndata_dir = \"" << dir
                        << "/data\"\n\n[hub]\nurl = \"" << hubUrl << "\"\ntoken = \"" << token << "\"\nca_file = \"" << caFile << "\"\n"
                        << extraHub;
    return path;
}

std::string writeVisitorScript(const std::string& dir, const std::string& name, int visitors) {
    std::string path = dir + "/" + name;
    std::ofstream out(path);
    for (int i = 0; i < visitors; ++i) out << "tap rate." << (1 + i % 5) << "\nwait 700\ntap nav.finish\nwait 6000\n";
    return path;
}

std::vector<nlohmann::json> kioskExport(const std::string& config) {
    CommandResult r = runProgram({OTKLIK_KIOSK_BINARY, "export", "--config", config, "--format", "jsonl", "--state", "all"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return jsonLines(r.out);
}

CommandResult runKiosk(const std::string& config, const std::string& script, const std::string& responsesOut) {
    std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY, "--config", config, "--headless", "--size", "800x480", "--script", script};
    if (!responsesOut.empty()) argv.insert(argv.end(), {"--responses-out", responsesOut});
    return runProgram(argv);
}

}  // namespace otklik::test
