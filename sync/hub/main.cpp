// otklik-hub: the central server and its administration commands (command_line.cpp parses
// the command line, hub_commands.h runs it).
#include "platform/log.h"
#include "sync/hub/command_line.h"

#ifndef OTKLIK_ASSETS_DIR
#error "OTKLIK_ASSETS_DIR must name the default assets folder"
#endif

int main(int argc, char** argv) {
    otklik::log::setProgram("otklik-hub");
    return otklik::hub::runHubCommandLine(argc, argv, OTKLIK_ASSETS_DIR, nullptr);
}
