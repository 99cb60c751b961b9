// Every interface string key the kiosk screens use; ui.json must have each in every language.
#pragma once

#include <string>
#include <vector>

namespace otklik {

inline const std::vector<std::string>& uiStringKeys() {
    static const std::vector<std::string> keys = {
        "language.name", "language.short", "idle.tap_hint", "idle.qr_title", "idle.qr_hint",
        "face.1", "face.2", "face.3", "face.4", "face.5", "answer.yes", "answer.no",
        "nav.back", "nav.next", "nav.done", "nav.skip", "nav.finish", "progress", "multi.hint",
        "comment.placeholder", "comment.qr_title", "key.space", "thanks.title", "thanks.text", "large.on", "large.off",
        "unavailable.title", "unavailable.text", "dev.insecure",
    };
    return keys;
}

}  // namespace otklik
