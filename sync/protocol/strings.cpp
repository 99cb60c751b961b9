// Loading and lookup of the visitor-facing interface strings.
#include "strings.h"

#include <algorithm>

#include "file_io.h"
#include "json_check.h"
#include "suggest.h"

namespace otklik {

namespace jc = json_check;

const std::string& Strings::get(const std::string& key, const std::string& lang) const {
    auto k = byKey_.find(key);
    if (k == byKey_.end()) return key;
    auto l = k->second.find(lang);
    if (l != k->second.end()) return l->second;
    if (!languages_.empty()) {
        auto first = k->second.find(languages_.front());
        if (first != k->second.end()) return first->second;
    }
    return key;
}

std::string Strings::format(const std::string& key, const std::string& lang,
                            const std::map<std::string, std::string>& values) const {
    std::string out = get(key, lang);
    for (const auto& [name, value] : values) {
        std::string token = "{" + name + "}";
        for (size_t at = out.find(token); at != std::string::npos; at = out.find(token, at + value.size()))
            out.replace(at, token.size(), value);
    }
    return out;
}

bool Strings::has(const std::string& key, const std::string& lang) const {
    auto k = byKey_.find(key);
    return k != byKey_.end() && k->second.count(lang);
}

std::vector<std::string> Strings::allTexts() const {
    std::vector<std::string> out;
    for (const auto& [key, langs] : byKey_)
        for (const auto& [lang, text] : langs) out.push_back(text);
    return out;
}

void Strings::set(const std::string& key, const std::string& lang, std::string text) {
    byKey_[key][lang] = std::move(text);
}

void Strings::addLanguage(const std::string& lang) {
    if (std::find(languages_.begin(), languages_.end(), lang) == languages_.end()) languages_.push_back(lang);
}

StringsLoad parseStrings(const std::string& jsonText, const std::string& file,
                         const std::vector<std::string>& requiredKeys,
                         const std::vector<std::string>& requiredLanguages) {
    StringsLoad out{std::nullopt, Problems(file)};
    auto root = jc::parse(jsonText, out.problems);
    if (!root) return out;
    if (!root->is_object()) {
        out.problems.add("top level", "is " + jc::typeName(*root) + ", expected an object",
                         "write {\"<language>\": {\"<key>\": \"<text>\", ...}, ...}");
        return out;
    }
    Strings strings;
    for (const auto& [lang, table] : root->items()) {
        if (!jc::isLanguageCode(lang)) {
            out.problems.add(lang, "is not a language code", "use a two- or three-letter lowercase code such as \"ru\"");
            continue;
        }
        if (!table.is_object()) {
            out.problems.add(lang, "is " + jc::typeName(table) + ", expected an object of strings", "write {\"key\": \"text\", ...}");
            continue;
        }
        strings.addLanguage(lang);
        for (const auto& [key, text] : table.items()) {
            if (!text.is_string()) {
                out.problems.add(lang + "." + key, "is " + jc::typeName(text) + ", expected text", "put the text in double quotes");
                continue;
            }
            strings.set(key, lang, text.get<std::string>());
        }
    }
    for (const auto& lang : requiredLanguages) {
        if (!root->contains(lang)) {
            out.problems.add(lang, "language missing", "add a \"" + lang + "\" section with every interface string");
            continue;
        }
        // A section that is not an object was reported above; listing each of its keys as
        // missing too would bury that one problem.
        const auto& table = *root->find(lang);
        if (!table.is_object()) continue;
        // Keys the kiosk does not use are most likely misspellings of missing ones. Past a few
        // hundred they are not typos, and comparing each with every key would only be slow.
        std::vector<std::string_view> unused;
        for (const auto& item : table.items())
            if (std::find(requiredKeys.begin(), requiredKeys.end(), item.key()) == requiredKeys.end()) unused.push_back(item.key());
        if (unused.size() > 500) unused.clear();
        for (const auto& key : requiredKeys) {
            if (strings.has(key, lang) || table.contains(key)) continue;  // present but mistyped: reported above
            std::string typo = closestName(key, unused);
            out.problems.add(lang + "." + key, "string missing",
                             typo.empty() ? "add \"" + key + "\": \"...\" in this language"
                                          : "rename \"" + typo + "\" to \"" + key + "\", or add \"" + key + "\": \"...\" in this language");
        }
    }
    if (out.problems.empty()) out.strings = std::move(strings);
    return out;
}

StringsLoad loadStrings(const std::string& path, const std::vector<std::string>& requiredKeys,
                        const std::vector<std::string>& requiredLanguages) {
    std::string error;
    auto text = readWholeFile(path, error);
    if (!text) {
        StringsLoad out{std::nullopt, Problems(path)};
        out.problems.add("", error, "check assets_dir in the device config; the package installs ui.json there");
        return out;
    }
    return parseStrings(*text, path, requiredKeys, requiredLanguages);
}

}  // namespace otklik
