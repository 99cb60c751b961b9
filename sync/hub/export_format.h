// What `otklik-hub export --format csv|jsonl` writes for each stored response: the fixed
// fields (where the row came from, when, which questionnaire) plus answers and flags, taken
// from the response JSON the terminal sent. Pure formatting, no store access.
//
// CSV follows RFC 4180: a header row, CRLF line ends, a cell quoted ("…", quotes doubled)
// when it holds a comma, a quote, CR or LF; UTF-8 without a byte order mark. `answers` and
// `flags` are compact JSON text in one cell each.
//
// Formula injection: spreadsheet programs run a cell that starts with = + - @ (and some read
// a leading TAB or CR the same way) as a formula, so a visitor's comment "=HYPERLINK(…)" would
// become a live link in an analyst's spreadsheet. Such a cell gets a leading apostrophe
// ("'=HYPERLINK(…)"), which spreadsheets show as text. The apostrophe is part of the CSV
// value: a program reading the CSV gets it back, so machine readers should use JSONL, which
// is never altered. Only text cells can start that way; ids, numbers and times never do.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/hub/hub_store.h"

namespace otklik::hub {

enum class ExportFormat { Csv, Jsonl };

const char* toString(ExportFormat format);
// "csv" / "jsonl" (case-sensitive); nullopt for anything else.
std::optional<ExportFormat> exportFormatFromString(std::string_view name);

// The fixed fields, in column order (CSV header and JSONL key order):
// id, seq, terminal_id, centre, questionnaire_id, questionnaire_version, service, channel,
// language, status, started_at, completed_at, received_at, presses, flags, answers, comment,
// clock_offset_ms (hub − terminal clock when the response was completed; null / empty cell
// when the terminal did not know it), completed_at_corrected (completed_at + clock_offset_ms,
// or completed_at when the offset is unknown), continues (the terminal response a phone
// response completes, else null). seq is null for phone responses.
const std::vector<std::string>& exportColumns();

// One response as an export object, keys in column order. Where the row comes from (id, seq, terminal_id, centre,
// service, channel, status, completed_at, received_at) is taken from the stored row; what
// only the body holds (language, questionnaire, started_at, presses, flags, answers, comment)
// from the body. A body that is not a JSON object (never stored by the API, but an export
// must not stop on one) gives empty values and "body_error" naming the problem.
nlohmann::ordered_json exportObject(const StoredRow& row);

// One CSV cell: formula guard, then RFC 4180 quoting when needed.
std::string csvCell(std::string_view value);

class ExportWriter {
public:
    ExportWriter(ExportFormat format, std::ostream& out);

    // CSV: the header row. JSONL: nothing (every line is self-describing).
    void header();
    // One line for `row` (JSONL: one compact JSON object and "\n"; CSV: a record and CRLF).
    void row(const StoredRow& row);
    // Records written by row() so far.
    [[nodiscard]] int64_t rows() const { return rows_; }

private:
    ExportFormat format_;
    std::ostream& out_;
    int64_t rows_ = 0;
};

}  // namespace otklik::hub
