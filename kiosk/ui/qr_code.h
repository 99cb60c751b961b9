// QR code modules for a text (the one place libqrencode is called).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace otklik::ui {

struct QrMatrix {
    int size = 0;                // modules per side, without the quiet zone
    int version = 0;
    std::vector<uint8_t> dark;   // size*size, row-major, 1 = dark module

    [[nodiscard]] bool isDark(int x, int y) const { return dark[static_cast<size_t>(y) * size + x] != 0; }
};

// Error correction level M (15%): scans from a metre away and survives a smudge.
std::optional<QrMatrix> encodeQr(const std::string& text);

// Modules of quiet zone kept white around the code, as the QR standard asks.
inline constexpr int kQrQuietZone = 4;

}  // namespace otklik::ui
