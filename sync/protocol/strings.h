// Interface strings the visitor reads (buttons, hints, thank-you text) in every language,
// loaded from assets/i18n/ui.json so that adding a language is configuration, not code.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics.h"

namespace otklik {

class Strings {
public:
    // Text for key in lang; the key itself when missing (validation prevents that in practice).
    [[nodiscard]] const std::string& get(const std::string& key, const std::string& lang) const;
    // get() with "{name}" placeholders replaced.
    [[nodiscard]] std::string format(const std::string& key, const std::string& lang,
                                     const std::map<std::string, std::string>& values) const;
    [[nodiscard]] bool has(const std::string& key, const std::string& lang) const;
    [[nodiscard]] const std::vector<std::string>& languages() const { return languages_; }
    // Every text in every language, for building the font's glyph set.
    [[nodiscard]] std::vector<std::string> allTexts() const;

    void set(const std::string& key, const std::string& lang, std::string text);
    void addLanguage(const std::string& lang);

private:
    std::map<std::string, std::map<std::string, std::string>> byKey_;
    std::vector<std::string> languages_;
};

struct StringsLoad {
    std::optional<Strings> strings;
    Problems problems;
};

// Parses ui.json and checks that every key in `requiredKeys` exists in every language of
// `requiredLanguages`.
StringsLoad parseStrings(const std::string& jsonText, const std::string& file,
                         const std::vector<std::string>& requiredKeys,
                         const std::vector<std::string>& requiredLanguages);
StringsLoad loadStrings(const std::string& path, const std::vector<std::string>& requiredKeys,
                        const std::vector<std::string>& requiredLanguages);

}  // namespace otklik
