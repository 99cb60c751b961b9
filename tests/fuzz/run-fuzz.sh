#!/usr/bin/env bash
# `make fuzz`: builds each fuzz target with clang's libFuzzer under AddressSanitizer + UBSan
# (only the sources it needs, not the project) and runs it for FUZZ_RUNS inputs (default
# 1,000,000), starting from its seeds in tests/fuzz/corpus/<target>/. Prints the numbers at
# the end of each. Targets:
#   qr_token      the QR token parser and verifier (sync/protocol/qr_token.cpp)
#   batch_reader  the hub's batch body readers, fast against reference (sync/hub/batch_reader.cpp)
# FUZZ_TARGETS picks some (default: all). FUZZ_BUILD_DIR (default build-fuzz) holds the
# binaries and, per target, the inputs it found, its log and any crash-* file; the checked-in
# seeds are only read.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
runs="${FUZZ_RUNS:-1000000}"
targets="${FUZZ_TARGETS:-qr_token batch_reader}"

if ! command -v clang++ >/dev/null; then
  echo "run-fuzz: clang++ is missing: run ./packaging/install-deps.sh --with-fuzz" >&2
  exit 1
fi

fuzz_one() {
  local target=$1 max_len sources libs
  case $target in
    qr_token)
      sources=(tests/fuzz/qr_token_fuzz.cpp sync/protocol/qr_token.cpp sync/protocol/base32.cpp sync/protocol/crypto.cpp)
      libs=(-lcrypto) max_len=320 ;;
    batch_reader)
      sources=(tests/fuzz/batch_reader_fuzz.cpp sync/hub/batch_reader.cpp sync/hub/json_body.cpp sync/protocol/response.cpp)
      libs=(-lsimdjson) max_len=4096 ;;
    *) echo "run-fuzz: unknown target $target (known: qr_token, batch_reader)" >&2; return 2 ;;
  esac
  local dir="$out/$target" binary="$out/${target}_fuzz"
  mkdir -p "$dir/found"
  echo "run-fuzz: building $binary"
  clang++ -std=c++20 -O1 -g -Wall -Wextra -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" "${sources[@]/#/$root/}" "${libs[@]}" -o "$binary"

  local command=("$binary" -runs="$runs" -max_len="$max_len" -print_final_stats=1 found "$root/tests/fuzz/corpus/$target")
  echo "run-fuzz: $target: $runs inputs, seeds from tests/fuzz/corpus/$target, new finds kept in $dir/found"
  local start end status
  start=$(date +%s.%N)
  set +e
  # libFuzzer writes crash-*/leak-* files into the working folder.
  (cd "$dir" && UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" "${command[@]}" >fuzz.log 2>&1)
  status=$?
  set -e
  end=$(date +%s.%N)
  if ((status != 0)); then tail -n 40 "$dir/fuzz.log"; else grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$dir/fuzz.log" || true; fi

  echo "run-fuzz: command (in $dir): ${command[*]}"
  grep -E '^Done [0-9]+ runs' "$dir/fuzz.log" || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$dir/fuzz.log" || true
  awk -v s="$start" -v e="$end" -v t="$target" 'BEGIN { printf "run-fuzz: %s: wall time %.1f s\n", t, e - s }'
  if ((status != 0)); then
    echo "run-fuzz: $target FAILED (exit $status): see $dir/fuzz.log and the crash-* file there; replay with $binary FILE" >&2
    return "$status"
  fi
  echo "run-fuzz: $target: no crash, no invariant broken, no sanitizer report"
  echo
}

for target in $targets; do fuzz_one "$target"; done
