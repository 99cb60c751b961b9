#!/usr/bin/env bash
# `make fuzz`: builds the QR token fuzz target with clang's libFuzzer under AddressSanitizer +
# UBSan (only the token sources, not the project) and runs it for FUZZ_RUNS inputs (default
# 1,000,000), starting from the seeds in tests/fuzz/corpus. Prints the numbers at the end.
# FUZZ_BUILD_DIR (default build-fuzz) holds the binary, the inputs it found, the log and any
# crash-* file; the checked-in seeds are only read.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
runs="${FUZZ_RUNS:-1000000}"
mkdir -p "$out/found"

if ! command -v clang++ >/dev/null; then
  echo "run-fuzz: clang++ is missing: run ./packaging/install-deps.sh --with-fuzz" >&2
  exit 1
fi

sources=(tests/fuzz/qr_token_fuzz.cpp sync/protocol/qr_token.cpp sync/protocol/base32.cpp sync/protocol/crypto.cpp)
echo "run-fuzz: building $out/qr_token_fuzz"
clang++ -std=c++20 -O1 -g -Wall -Wextra -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" "${sources[@]/#/$root/}" -lcrypto -o "$out/qr_token_fuzz"

cd "$out"  # libFuzzer writes crash-*/leak-* files into the working folder
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "run-fuzz: $runs inputs, seeds from tests/fuzz/corpus, new finds kept in $out/found"
start=$(date +%s.%N)
set +e
./qr_token_fuzz -runs="$runs" -max_len=320 -print_final_stats=1 found "$root/tests/fuzz/corpus" >fuzz.log 2>&1
status=$?
set -e
end=$(date +%s.%N)
if ((status != 0)); then tail -n 40 fuzz.log; else grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' fuzz.log || true; fi

echo
echo "run-fuzz: command: $out/qr_token_fuzz -runs=$runs -max_len=320 -print_final_stats=1 found $root/tests/fuzz/corpus"
grep -E '^Done [0-9]+ runs' fuzz.log || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' fuzz.log || true
awk -v s="$start" -v e="$end" 'BEGIN { printf "run-fuzz: wall time %.1f s\n", e - s }'
if ((status != 0)); then
  echo "run-fuzz: FAILED (exit $status): see $out/fuzz.log and the crash-* file there; replay with $out/qr_token_fuzz FILE" >&2
  exit "$status"
fi
echo "run-fuzz: no crash, no invariant broken, no sanitizer report"
