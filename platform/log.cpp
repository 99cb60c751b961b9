// stderr logging with journald priority prefixes.
#include "platform/log.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace otklik::log {

namespace {

std::string program = "otklik";

void write(int priority, const char* level, const std::string& message) {
    // Under systemd, stderr is a journal stream and JOURNAL_STREAM is set: use "<N>" prefixes.
    static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
    if (journal)
        std::fprintf(stderr, "<%d>%s\n", priority, message.c_str());
    else
        std::fprintf(stderr, "%s: %s: %s\n", program.c_str(), level, message.c_str());
}

}  // namespace

void setProgram(const std::string& name) { program = name; }

void info(const std::string& message) { write(6, "info", message); }
void warning(const std::string& message) { write(4, "warning", message); }
void error(const std::string& message) { write(3, "error", message); }

}  // namespace otklik::log
