// Process running and file collection for end-to-end tests.
#include "kiosk_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace otklik::e2e {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

nlohmann::json KioskRun::tree(const std::string& name) const {
    std::ifstream in(path(name));
    if (!in) throw std::runtime_error("no element tree " + path(name) + "; kiosk log:\n" + log);
    return nlohmann::json::parse(in);
}

std::string freshDir(const std::string& name) {
    // One folder per test process: the normal and the sanitizer build may run at once.
    fs::path dir = fs::temp_directory_path() / ("otklik-e2e-" + std::to_string(::getpid())) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

int runCommand(const std::vector<std::string>& argv, std::string& output, const std::string& workDir, bool withStderr) {
    static std::atomic<int> counter{0};
    std::string outPath = (fs::temp_directory_path() /
                           ("otklik-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".out")).string();
    // posix_spawn rather than fork: nothing may allocate between fork and exec in a test
    // process that may have other threads.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addchdir_np(&actions, workDir.c_str());
    posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (withStderr) posix_spawn_file_actions_adddup2(&actions, 1, 2);
    else posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        output = "cannot start " + argv[0] + ": " + std::strerror(rc);
        return 127;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    output = slurp(outPath);
    fs::remove(outPath);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string writeConfig(const std::string& dir, const std::string& extraToml, double inches) {
    std::string path = dir + "/kiosk.toml";
    std::ofstream out(path);
    out << "terminal_id = \"test-terminal-07\"\n"
        << "languages = [\"ru\", \"uk\", \"en\"]\n"
        << "assets_dir = \"" << OTKLIK_SOURCE_DIR << "/assets\"\n"
        << "data_dir = \"" << dir << "/data\"\n"
        << "qr_base_url = \"" << kTestQrUrl << "\"\n"
        << "centre_name = \"МФЦ №1\"\n"
        << extraToml << "\n"
        << "[screen]\ndiagonal_inches = " << inches << "\n";
    return path;
}

KioskRun runKiosk(const std::string& name, const std::string& script, const std::vector<std::string>& args) {
    KioskRun run;
    run.dir = freshDir(name);
    std::ofstream(run.dir + "/script.txt") << script;
    bool hasConfig = false;
    for (const auto& a : args) hasConfig = hasConfig || a == "--config";
    std::vector<std::string> argv = {OTKLIK_KIOSK_BINARY, "--headless", "--script", "script.txt", "--responses-out", "responses.jsonl"};
    if (!hasConfig) {
        argv.push_back("--config");
        argv.push_back(writeConfig(run.dir));
    }
    argv.insert(argv.end(), args.begin(), args.end());
    run.exitCode = runCommand(argv, run.log, run.dir);
    std::ifstream in(run.dir + "/responses.jsonl");
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) run.responses.push_back(nlohmann::json::parse(line));
    return run;
}

std::string decodeQr(const std::string& png) {
    std::string out;
    if (runCommand({"zbarimg", "--quiet", "--raw", png}, out, ".", false) != 0) return "";
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

QrTokenCheck verifyTestQrUrl(const std::string& url, int64_t nowMs) {
    size_t at = url.find("/Q/");
    if (url.rfind("HTTPS://", 0) != 0 || at == std::string::npos) return {};
    QrTerminalLookup lookup = [](const std::string& id) -> std::optional<QrTerminalKey> {
        if (id != "test-terminal-07") return std::nullopt;
        return QrTerminalKey{kTestQrSecret, 0};
    };
    return verifyQrToken(url.substr(at + 3), lookup, QrAgeRules{}, nowMs);
}

}  // namespace otklik::e2e
