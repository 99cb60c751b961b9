// The layout rules (see layout_check.h).
#include "layout_check.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace otklik::e2e {

using nlohmann::json;

Box box(const json& e) { return {e["x"].get<double>(), e["y"].get<double>(), e["w"].get<double>(), e["h"].get<double>()}; }

bool overlap(const Box& a, const Box& b) {
    return a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
}

bool interactive(const json& e) {
    std::string role = e["role"];
    return role != "heading" && role != "textbox" && role != "qr" && role != "text" && role != "alert";
}

// Checks one element tree; minKeyMm lets keyboard keys go below 15 mm on small glass.
void checkTree(const json& tree, const std::string& name, double inches, double minKeyMm) {
    double w = tree["width"], h = tree["height"];
    double pxPerMm = std::sqrt(w * w + h * h) / (inches * 25.4);
    std::vector<const json*> targets;
    for (const auto& e : tree["elements"]) {
        Box b = box(e);
        std::string id = e["id"];
        EXPECT_GE(b.x, -0.5) << name << " " << id;
        EXPECT_GE(b.y, -0.5) << name << " " << id;
        EXPECT_LE(b.x + b.w, w + 0.5) << name << " " << id << " runs off the right edge";
        EXPECT_LE(b.y + b.h, h + 0.5) << name << " " << id << " runs off the bottom";
        if (!interactive(e)) continue;
        EXPECT_FALSE(e["label"].get<std::string>().empty()) << name << " " << id << " has no label to read out";
        double minMm = e["role"] == "key" ? minKeyMm : 15.0;
        EXPECT_GE(b.w / pxPerMm, minMm - 0.05) << name << " " << id << " is too narrow to tap";
        EXPECT_GE(b.h / pxPerMm, minMm - 0.05) << name << " " << id << " is too low to tap";
        targets.push_back(&e);
    }
    for (size_t i = 0; i < targets.size(); ++i)
        for (size_t j = i + 1; j < targets.size(); ++j)
            EXPECT_FALSE(overlap(box(*targets[i]), box(*targets[j])))
                << name << ": " << (*targets[i])["id"] << " overlaps " << (*targets[j])["id"];
}

}  // namespace otklik::e2e
