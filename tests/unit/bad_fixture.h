// Table-driven checks of malformed fixture files, shared by the questionnaire and device
// config tests: each file must be refused with a problem at an exact place, whose message and
// fix contain the expected words, and every file in the folder must have its row.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sync/protocol/diagnostics.h"

namespace otklik::testing {

struct BadFixture {
    const char* name;     // file in the fixture folder
    const char* place;    // exact place of the expected problem
    const char* message;  // part of its message
    const char* fix;      // part of its fix
};

// gtest names the case in failures with this rather than a byte dump.
inline std::ostream& operator<<(std::ostream& out, const BadFixture& c) { return out << c.name; }

inline std::string fixtureTestName(const ::testing::TestParamInfo<BadFixture>& info) {
    std::string name = std::filesystem::path(info.param.name).stem().string();
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

// The expected problem is among `problems`, with the expected fix.
inline void expectProblem(const Problems& problems, const BadFixture& c) {
    const auto& list = problems.list();
    auto it = std::find_if(list.begin(), list.end(), [&](const Problem& p) {
        return p.place == c.place && p.message.find(c.message) != std::string::npos;
    });
    ASSERT_NE(it, list.end()) << "expected at \"" << c.place << "\": " << c.message << "\ngot:\n" << problems.describe();
    EXPECT_NE(it->fix.find(c.fix), std::string::npos) << it->describe();
}

// Every file in `folder` has exactly one row, and there are at least `minimum` of them.
inline void expectEveryFixtureListed(const std::vector<BadFixture>& cases, const std::filesystem::path& folder, size_t minimum) {
    std::set<std::string> listed;
    for (const auto& c : cases) EXPECT_TRUE(listed.insert(c.name).second) << "listed twice: " << c.name;
    std::set<std::string> present;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) present.insert(entry.path().filename().string());
    EXPECT_EQ(listed, present);
    EXPECT_GE(present.size(), minimum);
}

}  // namespace otklik::testing
