// Problems found in a file a person edited (device config, questionnaire, UI strings):
// each names the file, the place inside it, what is wrong and how to fix it.
#pragma once

#include <string>
#include <vector>

namespace otklik {

struct Problem {
    std::string file;     // path as the user gave it
    std::string place;    // e.g. "line 4, column 7" or "questions[2].options[0].label.uk"
    std::string message;  // what is wrong
    std::string fix;      // what to do about it

    // "file: place: message. Fix: fix"
    [[nodiscard]] std::string describe() const;
};

// Collects problems while a file is checked; checking goes on after the first one so the
// technician sees every mistake in one run instead of one per restart.
class Problems {
public:
    explicit Problems(std::string file) : file_(std::move(file)) {}

    void add(std::string place, std::string message, std::string fix);
    void addAll(const Problems& other);

    [[nodiscard]] bool empty() const { return list_.empty(); }
    [[nodiscard]] const std::vector<Problem>& list() const { return list_; }
    [[nodiscard]] const std::string& file() const { return file_; }
    // All problems, one per line.
    [[nodiscard]] std::string describe() const;

private:
    std::string file_;
    std::vector<Problem> list_;
};

}  // namespace otklik
