#!/usr/bin/env bash
# `make demo`: a local hub (HTTPS on localhost:8443, SQLite) and the kiosk with the default
# questionnaire delivering to it. In a window when a display exists; otherwise headless,
# touring every screen in every language and orientation and saving a screenshot of each.
# Then it says where the results are.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kiosk="$root/build/kiosk/otklik-kiosk"
hubdir="$root/build/demo/hub"

hub_pid=$("$root/packaging/demo/start-hub.sh" | tail -1)
trap 'kill "$hub_pid" 2>/dev/null || true' EXIT
config="$root/build/demo/kiosk-hub.toml"
echo "demo: hub running at https://localhost:8443 (log: $hubdir/hub.log)"

results() {
  echo "demo: the hub holds $("$root/build/sync/hub/otklik-hub" export --db "$hubdir/hub.db" | wc -l) responses;" \
       "the kiosk's own view: $("$kiosk" status --config "$config" | sed -n 's/^responses: *//p')"
  if command -v node >/dev/null && [[ -x /usr/bin/chromium ]]; then
    node "$root/tests/web/page.js" --url https://localhost:8443/results --cookie "otklik_admin=$(cat "$hubdir/admin_token")" \
      --ca-cert "$hubdir/ca.pem" --width 1366 --height 900 --screenshot "$root/build/demo/results.png" >/dev/null 2>&1 &&
      echo "demo: the results page as a browser shows it: $root/build/demo/results.png"
  fi
  echo "demo: to browse the results yourself: ./packaging/demo/start-hub.sh --foreground, then open https://localhost:8443/results"
  echo "      (trust $hubdir/ca.pem; sign in with the admin token in $hubdir/admin_token)"
}

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  echo 204816 | "$kiosk" set-pin --config "$config" >/dev/null
  echo "demo: opening the kiosk in a 1280x800 window (Escape closes it; Ctrl+Alt+S or the corner gesture opens service mode, PIN 204816)"
  "$kiosk" --config "$config" --windowed 1280x800
  results
  exit 0
fi

out="$root/build/demo/screens"
rm -rf "$out"
mkdir -p "$out"
cd "$out"
echo "demo: no display found, touring the screens headless (the technician's service screens too: PIN 204816)"
echo 204816 | "$kiosk" set-pin --config "$config" >/dev/null
for size in 1920x1080 1080x1920; do
  for lang in ru uk en; do
    prefix="$size-$lang"
    for tour in tour service-tour; do
      sed -e "s/@LANG@/$lang/g" -e "s/@PREFIX@/$prefix/g" "$root/packaging/demo/$tour.script" > "$tour-$prefix.script"
      "$kiosk" --config "$config" --headless --size "$size" --script "$tour-$prefix.script" 2>>"$out/kiosk.log"
      rm "$tour-$prefix.script"
    done
  done
done
echo "demo: $(ls "$out"/*.png | wc -l) screenshots in $out:"
ls "$out"/*.png | sed 's/^/  /'
echo "demo: kiosk log in $out/kiosk.log"
results
