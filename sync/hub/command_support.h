// What the otklik-hub subcommands share (hub_commands.cpp, terminal_commands.cpp): opening the
// store with a message on failure, reading a file named on the command line, naming an
// unknown terminal, exit codes.
#pragma once

#include <memory>
#include <string>

#include "sync/hub/hub_store.h"

namespace otklik::hub {

inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;
inline constexpr int kBadInput = 2;

// Opens and upgrades the store, or says why not on stderr (and returns null).
std::unique_ptr<HubStore> openStore(const std::string& db, int poolSize = 1);
// The file's text, or false after saying why on stderr.
bool readFile(const std::string& path, std::string& text);
// Says on stderr that no terminal has this id and returns kBadInput.
int noSuchTerminal(const std::string& id);

}  // namespace otklik::hub
