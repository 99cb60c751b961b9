// The on-screen keyboard's model: layouts (Russian, Ukrainian, Latin, digits), shift and
// automatic capitals, and editing of the comment text. Drawn by kiosk/ui, no UI code here.
#pragma once

#include <string>
#include <vector>

namespace otklik::flow {

struct KeyboardLayout {
    std::string code;                            // "ru", "uk", "en", "123"
    std::string name;                            // shown on the layout switch key: "АБВ", "ABC"
    std::vector<std::vector<std::string>> rows;  // character keys, lowercase, UTF-8
};

// Built-in layouts for the given languages (languages without one are skipped), then digits.
std::vector<KeyboardLayout> layoutsFor(const std::vector<std::string>& languages);

// Special keys, addressed as "key.<name>" in element ids.
inline constexpr const char* kKeySpace = "space";
inline constexpr const char* kKeyBackspace = "backspace";
inline constexpr const char* kKeyShift = "shift";
inline constexpr const char* kKeyLayout = "layout";

class TextEntry {
public:
    explicit TextEntry(std::vector<KeyboardLayout> layouts);

    // Applies a key: a character key's text, or one of the special key names.
    // Returns false when the key does not exist on the current layout or the text is full.
    bool press(const std::string& key);

    void reset(const std::string& language);   // empty text, layout of that language
    void selectLanguage(const std::string& language);
    void setText(const std::string& text) { text_ = text; }
    void setMaxLength(size_t chars) { maxLength_ = chars; }

    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] const KeyboardLayout& layout() const { return layouts_[layout_]; }
    [[nodiscard]] const KeyboardLayout& nextLayout() const { return layouts_[(layout_ + 1) % layouts_.size()]; }
    // Letters are shown and typed in capitals (after shift, or at a sentence start).
    [[nodiscard]] bool capitals() const;
    [[nodiscard]] bool shiftPressed() const { return shift_; }
    [[nodiscard]] size_t length() const;
    [[nodiscard]] size_t maxLength() const { return maxLength_; }
    // Every character any layout can type, for the font's glyph set.
    [[nodiscard]] std::string allCharacters() const;

private:
    std::vector<KeyboardLayout> layouts_;
    size_t layout_ = 0;
    std::string text_;
    bool shift_ = false;
    size_t maxLength_ = 500;
};

// Uppercase of one UTF-8 character from the built-in layouts (Latin, Cyrillic incl. і ї є ґ ё).
std::string upperCase(const std::string& ch);

}  // namespace otklik::flow
