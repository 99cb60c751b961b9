// set-pin (see service_commands.h).
#include "service_commands.h"

#include <termios.h>
#include <unistd.h>

#include "kiosk/service/pin_guard.h"
#include "platform/clock.h"

namespace otklik::cli {

namespace {

// One line, without its end; asked for with echo off when `in` is a terminal.
std::string readSecretLine(std::FILE* in, std::FILE* out, const char* prompt) {
    const int fd = ::fileno(in);
    const bool tty = ::isatty(fd);
    termios saved{};
    if (tty) {
        std::fprintf(out, "%s", prompt);
        std::fflush(out);
        ::tcgetattr(fd, &saved);
        termios quiet = saved;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        ::tcsetattr(fd, TCSANOW, &quiet);
    }
    std::string line;
    for (int c; (c = std::fgetc(in)) != EOF && c != '\n';) line += static_cast<char>(c);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (tty) {
        ::tcsetattr(fd, TCSANOW, &saved);
        std::fprintf(out, "\n");
    }
    return line;
}

}  // namespace

int runSetPin(const std::string& dataDir, std::FILE* in, std::FILE* out) {
    std::string pin = readSecretLine(in, out, "new service PIN (6-12 digits): ");
    if (::isatty(::fileno(in)) && readSecretLine(in, out, "the same PIN again: ") != pin) {
        std::fprintf(stderr, "otklik-kiosk set-pin: the two entries differ; nothing was changed\n");
        return 2;
    }
    SystemClock clock;
    service::PinGuard guard(dataDir, clock);
    std::string error;
    if (!guard.setPin(pin, "local", error)) {
        bool refused = !pinProblem(pin).empty();
        std::fprintf(stderr, "otklik-kiosk set-pin: %s%s; nothing was changed\n", refused ? "that PIN is refused: " : "", error.c_str());
        return refused ? 2 : 1;
    }
    std::fprintf(out, "the service PIN is set (stored as a PBKDF2 hash in %s/%s, readable by this user only)\n", dataDir.c_str(), service::kPinFile);
    return 0;
}

}  // namespace otklik::cli
