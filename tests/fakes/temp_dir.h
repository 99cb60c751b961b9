// A fresh, empty folder for one test's files, per test process (the normal and the sanitizer
// build may run at the same time): /tmp/otklik-unit-<pid>/<name>.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace otklik::fakes {

inline std::string freshTempDir(const std::string& name) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("otklik-unit-" + std::to_string(::getpid())) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

}  // namespace otklik::fakes
