#!/usr/bin/env bash
# outbox.sh: the outbox's benchmarks in one run: commit latency next to raw write+fsync (empty
# outbox and a million rows), then kiosk frame time with each outbox attached, side by side.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
dir=build/bench/outbox
./build/tests/bench/outbox_bench --dir "$dir" --keep
echo
echo "frame time at 1920x1080 (offscreen), responses committed to the outbox inside the timed frames:"
for outbox in empty full; do
  printf '  %-6s ' "$outbox"
  ./build/tests/bench/frame_bench --config packaging/demo/kiosk.toml --driver offscreen --frames 300 --data-dir "$dir/$outbox" \
    2>/dev/null | grep '^  full frame'
done
rm -rf "$dir"
