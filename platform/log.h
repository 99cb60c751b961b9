// Log lines on stderr, which systemd puts in the journal with their priority ("<6>" prefixes
// are read by journald; on a terminal they are left out).
#pragma once

#include <string>

namespace otklik::log {

// Name shown before each line on a terminal.
void setProgram(const std::string& name);

void info(const std::string& message);
void warning(const std::string& message);
void error(const std::string& message);

}  // namespace otklik::log
