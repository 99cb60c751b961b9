// otklik-hub's command line (see command_line.h): CLI11 parses it, hub_commands.h runs it.
#include "sync/hub/command_line.h"

#include <CLI/CLI.hpp>

#include "sync/hub/hub_commands.h"

namespace otklik::hub {

int runHubCommandLine(int argc, char** argv, const std::string& defaultAssetsDir, const Clock* serveClock) {
    CLI::App app{"otklik-hub: receives responses from Otklik terminals, serves their configuration, shows results"};
    app.require_subcommand(1);
    std::string db = "otklik-hub.db";
    auto addDb = [&](CLI::App* command) {
        command->add_option("--db", db, "SQLite file, or a postgresql:// URL")->envname("OTKLIK_HUB_DB")->capture_default_str();
    };

    ServeOptions serveOptions;
    auto* serveCommand = app.add_subcommand("serve", "Run the server");
    addDb(serveCommand);
    serveCommand->add_option("--listen", serveOptions.listen, "Address to listen on (default 0.0.0.0 with TLS, 127.0.0.1 without)");
    serveCommand->add_option("--port", serveOptions.port, "Port (default 8443 with TLS, 8080 without; 0 = any free port)");
    serveCommand->add_option("--cert", serveOptions.certFile, "TLS certificate chain (PEM)")->check(CLI::ExistingFile);
    serveCommand->add_option("--key", serveOptions.keyFile, "TLS private key (PEM)")->check(CLI::ExistingFile);
    serveCommand->add_option("--threads", serveOptions.threads, "request handler threads (and as many network/TLS threads)")->check(CLI::Range(1u, 64u))->capture_default_str();
    serveCommand->add_option("--pool", serveOptions.poolSize, "PostgreSQL connections")->check(CLI::Range(1, 256))->capture_default_str();
    serveCommand->add_option("--rate-limit", serveOptions.rateLimit, "Requests per second per terminal (0 = no limit)")
        ->check(CLI::Range(0.0, 100000.0))
        ->capture_default_str();
    serveCommand->add_option("--idle-timeout", serveOptions.idleTimeoutS, "Seconds a silent connection is kept")
        ->check(CLI::Range(1u, 3600u))
        ->capture_default_str();
    serveCommand->add_option("--max-connections-per-address", serveOptions.maxConnectionsPerAddress,
                             "Open connections one client address may hold (raise it behind a proxy)")
        ->check(CLI::Range(1u, 100000u))
        ->capture_default_str();
    serveCommand->add_option("--request-timeout", serveOptions.requestTimeoutS, "Seconds a request body may take to arrive")
        ->check(CLI::Range(1u, 3600u))
        ->capture_default_str();

    serveOptions.assetsDir = defaultAssetsDir;
    serveCommand->add_option("--assets", serveOptions.assetsDir, "Folder with i18n/ and questionnaires/ for the phone form")
        ->check(CLI::ExistingDirectory)
        ->capture_default_str();
    serveCommand->add_option("--qr-window", serveOptions.qrWindowS, "Seconds a QR code's token opens the phone form")
        ->check(CLI::Range(60u, 86400u))
        ->capture_default_str();

    auto* terminalCommand = app.add_subcommand("terminal", "Enrol, list and revoke terminals");
    terminalCommand->require_subcommand(1);
    std::string id, centre;
    auto* add = terminalCommand->add_subcommand("add", "Enrol a terminal; prints its token and QR secret once");
    addDb(add);
    add->add_option("id", id, "Terminal id: letters, digits, - _ .")->required();
    add->add_option("--centre", centre, "The centre it stands in")->required();
    bool asJson = false;
    auto* list = terminalCommand->add_subcommand("list", "List terminals");
    addDb(list);
    list->add_flag("--json", asJson, "One JSON object per line");
    EnrolCodeOptions enrolCode;
    auto* enrolCodeCommand =
        terminalCommand->add_subcommand("enrol-code", "A one-time code that enrols a terminal (new, or a replacement device) from its touchscreen");
    addDb(enrolCodeCommand);
    enrolCodeCommand->add_option("id", enrolCode.id, "Terminal id: letters, digits, - _ .")->required();
    enrolCodeCommand->add_option("--centre", enrolCode.centre, "The centre it stands in")->required();
    enrolCodeCommand->add_option("--ttl", enrolCode.ttl, "How long the code works: 30m, 2h, 1d (1m to 7d)")->capture_default_str();
    enrolCodeCommand->add_option("--file", enrolCode.file, "Also write an enrolment file for a USB stick (otklik-enrol.toml)");
    enrolCodeCommand->add_option("--url", enrolCode.url, "With --file: the hub's https:// address as terminals reach it");
    enrolCodeCommand->add_option("--ca-file", enrolCode.caFile, "With --file: the CA certificate (PEM) that signed the hub's")->check(CLI::ExistingFile);
    enrolCodeCommand->add_option("--pin", enrolCode.pins, "With --file: a sha256// public-key pin of the hub (repeat for the backup key)");
    auto* setPinCommand = terminalCommand->add_subcommand("set-pin", "Set a terminal's service PIN (read from stdin; delivered hashed)");
    addDb(setPinCommand);
    setPinCommand->add_option("id", id, "Terminal id")->required();
    std::string challenge, recoveryDate;
    auto* recoveryCommand =
        terminalCommand->add_subcommand("recovery-code", "The one-day code for a lost PIN, from the challenge the terminal's PIN pad shows");
    addDb(recoveryCommand);
    recoveryCommand->add_option("id", id, "Terminal id")->required();
    recoveryCommand->add_option("challenge", challenge, "The 8 digits the PIN pad shows")->required();
    recoveryCommand->add_option("--date", recoveryDate, "The UTC day it is for (default: today)");
    bool eventsJson = false;
    auto* eventsCommand = terminalCommand->add_subcommand("events", "What a terminal's service mode reported, newest first");
    addDb(eventsCommand);
    eventsCommand->add_option("id", id, "Terminal id")->required();
    eventsCommand->add_flag("--json", eventsJson, "One JSON object per line");
    auto* revoke = terminalCommand->add_subcommand("revoke", "Refuse a terminal's token from now on");
    addDb(revoke);
    revoke->add_option("id", id, "Terminal id")->required();

    auto* questionnaireCommand = app.add_subcommand("questionnaire", "Assign questionnaires");
    questionnaireCommand->require_subcommand(1);
    std::string file, forTerminal, forCentre;
    auto* set = questionnaireCommand->add_subcommand("set", "Validate a questionnaire file and assign it to a terminal or a centre");
    addDb(set);
    auto* byTerminal = set->add_option("--terminal", forTerminal, "Terminal id");
    auto* byCentre = set->add_option("--centre", forCentre, "Centre name");
    byTerminal->excludes(byCentre);
    set->add_option("file", file, "Questionnaire JSON (docs/questionnaire.md)")->required();

    auto* adminCommand = app.add_subcommand("admin-token", "Make a new admin token for /results (the old one stops working)");
    addDb(adminCommand);

    std::string format = "jsonl", since;
    auto* exportCommand = app.add_subcommand("export", "Write stored responses to stdout");
    addDb(exportCommand);
    exportCommand->add_option("--format", format, "jsonl or csv")->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
    exportCommand->add_option("--since", since, "Only responses completed on or after this date (YYYY-MM-DD, UTC)");
    exportCommand->add_option("--centre", forCentre, "Only this centre");
    exportCommand->add_option("--terminal", forTerminal, "Only this terminal");

    CLI11_PARSE(app, argc, argv);

    if (serveCommand->parsed()) {
        serveOptions.db = db;
        return serve(serveOptions, serveClock);
    }
    if (add->parsed()) return terminalAdd(db, id, centre);
    if (enrolCodeCommand->parsed()) return terminalEnrolCode(db, enrolCode);
    if (setPinCommand->parsed()) return terminalSetPin(db, id);
    if (recoveryCommand->parsed()) return terminalRecoveryCode(db, id, challenge, recoveryDate);
    if (eventsCommand->parsed()) return terminalEvents(db, id, eventsJson);
    if (list->parsed()) return terminalList(db, asJson);
    if (revoke->parsed()) return terminalRevoke(db, id);
    if (set->parsed()) {
        if (forTerminal.empty() == forCentre.empty()) {
            std::fprintf(stderr, "otklik-hub: say which terminal or centre gets the questionnaire: --terminal ID or --centre NAME\n");
            return 2;
        }
        return questionnaireSet(db, forTerminal, forCentre, file);
    }
    if (adminCommand->parsed()) return adminToken(db);
    if (exportCommand->parsed()) return exportResponses(db, format, since, forCentre, forTerminal);
    return 2;
}

}  // namespace otklik::hub
