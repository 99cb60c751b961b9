// Reading small TOML files whole (see toml_file.h).
#include "toml_file.h"

#include "sync/protocol/file_io.h"

namespace otklik {

std::optional<toml::table> readTomlFile(const std::string& path, std::string& error) {
    auto text = readWholeFile(path, error);
    if (!text) {
        error = path + ": " + error;
        return std::nullopt;
    }
    try {
        return toml::parse(*text, path);
    } catch (const toml::parse_error& e) {
        error = path + ": not valid TOML (" + std::string(e.description()) + ", line " + std::to_string(e.source().begin.line) + ")";
        return std::nullopt;
    }
}

std::vector<std::string> tomlStringsAt(const toml::table& table, std::string_view key) {
    std::vector<std::string> out;
    if (const toml::array* items = table[key].as_array())
        for (const auto& item : *items)
            if (auto text = item.value<std::string>()) out.push_back(*text);
    return out;
}

}  // namespace otklik
