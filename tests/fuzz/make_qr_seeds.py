#!/usr/bin/env python3
"""Writes the QR token fuzz seeds in tests/fuzz/corpus/qr_token/, and prints the known answers that
tests/unit/qr_token_test.cpp checks. A second implementation of docs/qr-token.md, written
from the document with Python's own hmac and base64, so the C++ one is checked against it."""
import base64
import hashlib
import hmac
import os
import struct
import uuid

FUZZ_KEY = "otklik-fuzz-qr-secret"  # kKey in qr_token_fuzz.cpp
UNIT_KEY = "k0Xw3Jm1p8ZqB7vR2yT5nL9cF4hG6dS0aE1uI3oP5sQ"  # kSecret in qr_token_test.cpp


def token(key, terminal_id, issued_at_s, nonce, response_id=None):
    payload = bytes([0x10 | (1 if response_id else 0), len(terminal_id)]) + terminal_id.encode()
    payload += struct.pack(">I", issued_at_s) + bytes(nonce)
    if response_id:
        payload += uuid.UUID(response_id).bytes
    tag = hmac.new(key.encode(), b"otklik-qr" + payload, hashlib.sha256).digest()[:10]
    return base64.b32encode(payload + tag).decode().rstrip("=")


RESPONSE = "019385c2-7a1e-7c3d-9a4f-0b1c2d3e4f50"
SEEDS = {
    "valid-short-id": token(FUZZ_KEY, "t1", 1790000000, [1, 2, 3, 4, 5, 6, 7, 8]),
    "valid-typical": token(FUZZ_KEY, "demo-vladivostok-01", 1790000000, [0xDE, 0xAD, 0xBE, 0xEF, 0, 1, 2, 3]),
    "valid-with-response": token(FUZZ_KEY, "demo-vladivostok-01", 1790000123, [9, 8, 7, 6, 5, 4, 3, 2], RESPONSE),
    "valid-longest": token(FUZZ_KEY, "Z" * 64, 0xFFFFFFFF, [255] * 8, "ffffffff-ffff-ffff-ffff-ffffffffffff"),
    "valid-epoch": token(FUZZ_KEY, "a.b_c-9", 0, [0] * 8),
    "other-key": token("another-terminal-secret", "demo-vladivostok-01", 1790000000, [1] * 8),
}

if __name__ == "__main__":
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "qr_token")
    os.makedirs(corpus, exist_ok=True)
    for name, text in SEEDS.items():
        with open(os.path.join(corpus, name), "w") as f:
            f.write(text)
    print("known answer:", token(UNIT_KEY, "demo-vladivostok-01", 1790000000, [1, 2, 3, 4, 5, 6, 7, 8]))
    print("with response:", token(UNIT_KEY, "demo-vladivostok-01", 1790000000, [1, 2, 3, 4, 5, 6, 7, 8], RESPONSE))
