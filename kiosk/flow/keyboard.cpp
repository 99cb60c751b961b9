// On-screen keyboard layouts and text editing.
#include "keyboard.h"

#include <algorithm>
#include <cassert>

namespace otklik::flow {

namespace {

std::vector<std::string> split(const std::string& utf8) {
    std::vector<std::string> out;
    for (size_t i = 0; i < utf8.size();) {
        unsigned char c = static_cast<unsigned char>(utf8[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        out.push_back(utf8.substr(i, n));
        i += n;
    }
    return out;
}

KeyboardLayout make(std::string code, std::string name, std::initializer_list<const char*> rows) {
    KeyboardLayout layout{std::move(code), std::move(name), {}};
    for (const char* row : rows) layout.rows.push_back(split(row));
    return layout;
}

const std::vector<KeyboardLayout>& builtIn() {
    static const std::vector<KeyboardLayout> layouts = {
        make("ru", "АБВ", {"йцукенгшщзхъ", "фывапролджэ", "ячсмитьбюё,."}),
        make("uk", "ҐЄЇ", {"йцукенгшщзхї", "фівапролджє", "ячсмитьбюґ’,."}),
        make("en", "ABC", {"qwertyuiop", "asdfghjkl", "zxcvbnm,.'"}),
        make("123", "123", {"1234567890", "-/:;()«»\"", ".,?!'@№%+="}),
    };
    return layouts;
}

// Lowercase -> uppercase pairs for the letters the layouts contain.
const std::vector<std::pair<std::string, std::string>>& caseTable() {
    static const std::vector<std::pair<std::string, std::string>> table = [] {
        std::vector<std::pair<std::string, std::string>> t;
        auto lower = split("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ");
        auto upper = split("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐ");
        assert(lower.size() == upper.size() && "case table halves must match");
        for (size_t i = 0; i < lower.size(); ++i) t.emplace_back(lower[i], upper[i]);
        return t;
    }();
    return table;
}

}  // namespace

std::string upperCase(const std::string& ch) {
    if (ch.size() == 1 && ch[0] >= 'a' && ch[0] <= 'z') return std::string(1, static_cast<char>(ch[0] - 32));
    for (const auto& [lower, upper] : caseTable())
        if (lower == ch) return upper;
    return ch;
}

std::vector<KeyboardLayout> layoutsFor(const std::vector<std::string>& languages) {
    std::vector<KeyboardLayout> out;
    for (const auto& lang : languages)
        for (const auto& layout : builtIn())
            if (layout.code == lang) out.push_back(layout);
    // A visitor whose language has no layout still needs letters: fall back to Latin.
    if (out.empty()) out.push_back(builtIn()[2]);
    out.push_back(builtIn().back());
    return out;
}

TextEntry::TextEntry(std::vector<KeyboardLayout> layouts) : layouts_(std::move(layouts)) {
    assert(!layouts_.empty() && "TextEntry needs at least one layout; use layoutsFor()");
}

size_t TextEntry::length() const { return split(text_).size(); }

bool TextEntry::capitals() const {
    if (shift_) return true;
    // Sentence start: empty text, or after ". ", "! ", "? " or a new line.
    auto end = text_.find_last_not_of(' ');
    if (end == std::string::npos) return true;
    char last = text_[end];
    return end + 1 < text_.size() && (last == '.' || last == '!' || last == '?');
}

bool TextEntry::press(const std::string& key) {
    if (key == kKeyShift) {
        shift_ = !shift_;
        return true;
    }
    if (key == kKeyLayout) {
        layout_ = (layout_ + 1) % layouts_.size();
        return true;
    }
    if (key == kKeyBackspace) {
        if (text_.empty()) return false;
        size_t i = text_.size() - 1;
        while (i > 0 && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80) --i;
        text_.erase(i);
        return true;
    }
    if (length() >= maxLength_) return false;
    if (key == kKeySpace) {
        if (text_.empty() || text_.back() == ' ') return false;  // no leading or double spaces
        text_ += ' ';
        return true;
    }
    const auto& rows = layouts_[layout_].rows;
    bool onLayout = std::any_of(rows.begin(), rows.end(), [&](const auto& row) {
        return std::find(row.begin(), row.end(), key) != row.end();
    });
    if (!onLayout) return false;
    text_ += capitals() ? upperCase(key) : key;
    shift_ = false;
    return true;
}

void TextEntry::reset(const std::string& language) {
    text_.clear();
    shift_ = false;
    layout_ = 0;
    selectLanguage(language);
}

void TextEntry::selectLanguage(const std::string& language) {
    for (size_t i = 0; i < layouts_.size(); ++i)
        if (layouts_[i].code == language) layout_ = i;
}

std::string TextEntry::allCharacters() const {
    std::string out;
    for (const auto& layout : layouts_) {
        out += layout.name;
        for (const auto& row : layout.rows)
            for (const auto& key : row) out += key + upperCase(key);
    }
    return out;
}

}  // namespace otklik::flow
