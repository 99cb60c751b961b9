// The elements drawn in the last frame (id, role, label, rectangle), so scripts and tests can
// tap by id and read what is on screen. Ids are a contract: see docs/headless.md.
#pragma once

#include <string>
#include <vector>

namespace otklik::ui {

struct Element {
    std::string id;      // e.g. "rate.3", "answer.no_seats", "nav.next", "key.й"
    std::string role;    // button, face, star, option, checkbox, key, language, toggle, heading, textbox, qr
    std::string label;   // the text a visitor sees (or would hear from a screen reader)
    float x = 0, y = 0, w = 0, h = 0;
    bool enabled = true;
    bool selected = false;

    [[nodiscard]] bool interactive() const { return role != "heading" && role != "textbox" && role != "qr" && role != "text"; }
};

class ElementTree {
public:
    void clear() { elements_.clear(); }
    void add(Element element) { elements_.push_back(std::move(element)); }
    [[nodiscard]] const Element* find(const std::string& id) const;
    [[nodiscard]] const std::vector<Element>& all() const { return elements_; }

private:
    std::vector<Element> elements_;
};

}  // namespace otklik::ui
