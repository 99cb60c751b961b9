// libqrencode wrapper.
#include "qr_code.h"

#include <qrencode.h>

namespace otklik::ui {

std::optional<QrMatrix> encodeQr(const std::string& text) {
    QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) return std::nullopt;
    QrMatrix m;
    m.size = code->width;
    m.version = code->version;
    m.dark.resize(static_cast<size_t>(code->width) * code->width);
    for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;  // bit 0: dark
    QRcode_free(code);
    return m;
}

}  // namespace otklik::ui
