#!/usr/bin/env bash
# `make demo`: the kiosk with the default questionnaire. In a window when a display exists;
# otherwise headless, touring every screen in every language and orientation and saving a
# screenshot of each, then printing where they are.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kiosk="$root/build/kiosk/otklik-kiosk"
config="$root/packaging/demo/kiosk.toml"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo "demo: opening the kiosk in a 1280x800 window (Escape closes it)"
  exec "$kiosk" --config "$config" --windowed 1280x800
fi

out="$root/build/demo/screens"
rm -rf "$out"
mkdir -p "$out"
cd "$out"
echo "demo: no display found, touring the screens headless"
for size in 1920x1080 1080x1920; do
  for lang in ru uk en; do
    prefix="$size-$lang"
    sed -e "s/@LANG@/$lang/g" -e "s/@PREFIX@/$prefix/g" "$root/packaging/demo/tour.script" > "tour-$prefix.script"
    "$kiosk" --config "$config" --headless --size "$size" --script "tour-$prefix.script" 2>>"$out/kiosk.log"
    rm "tour-$prefix.script"
  done
done
echo "demo: $(ls "$out"/*.png | wc -l) screenshots in $out:"
ls "$out"/*.png | sed 's/^/  /'
echo "demo: kiosk log in $out/kiosk.log"
