// Lookup in the last frame's element list.
#include "elements.h"

namespace otklik::ui {

const Element* ElementTree::find(const std::string& id) const {
    for (const auto& e : elements_)
        if (e.id == id) return &e;
    return nullptr;
}

}  // namespace otklik::ui
