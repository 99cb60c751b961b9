// How the picture should stand on the panel, as the technician configured it.
#pragma once

namespace otklik {

enum class Orientation {
    Auto,       // whatever the panel reports
    Landscape,  // wider than tall; rotate a portrait-reporting panel
    Portrait,   // taller than wide; rotate a landscape-reporting panel
};

}  // namespace otklik
