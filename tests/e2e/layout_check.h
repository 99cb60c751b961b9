// The layout rules every screen must keep, checked on an element tree the kiosk wrote: every
// element on the screen, every target at least 15 mm (keys may shrink on small glass), and no
// two tappable elements overlapping.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace otklik::e2e {

struct Box {
    double x, y, w, h;
};

Box box(const nlohmann::json& element);
bool overlap(const Box& a, const Box& b);
// Everything a finger can tap (not headings, text, text boxes or QR codes).
bool interactive(const nlohmann::json& element);

// Checks one element tree with GoogleTest expectations naming `name`; keys (role "key") may go
// down to `minKeyMm` on small glass.
void checkTree(const nlohmann::json& tree, const std::string& name, double inches, double minKeyMm);

}  // namespace otklik::e2e
