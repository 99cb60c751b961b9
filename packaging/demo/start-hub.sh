#!/usr/bin/env bash
# start-hub.sh: a local otklik-hub for `make demo` — SQLite in build/demo/hub/, HTTPS on
# https://localhost:8443 with a demo CA and certificate made here (the demo kiosk trusts that
# CA through its ca_file), the demo terminal enrolled, and a kiosk config with its [hub]
# section written to build/demo/kiosk-hub.toml. Prints the hub's pid on the last line.
#   --foreground   run the hub in this terminal instead (Ctrl+C stops it)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
hub="$root/build/sync/hub/otklik-hub"
dir="$root/build/demo/hub"
db="$dir/hub.db"
port=8443
mkdir -p "$dir"

# A demo CA and a certificate for localhost / 127.0.0.1, made once.
if [[ ! -f $dir/cert.pem ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Otklik demo CA" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$dir/key.pem" -out "$dir/cert.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/cert.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 825 \
    -extfile "$dir/ext.cnf" -out "$dir/cert.pem" 2>/dev/null
  rm -f "$dir/cert.csr" "$dir/ext.cnf"
fi

# The demo terminal, enrolled once; its token and QR secret go into the kiosk's config (the
# secret signs the QR codes the phone form accepts). A demo folder from before QR secrets is
# enrolled afresh, with the demo kiosk's data.
terminal=$(sed -n 's/^terminal_id = "\(.*\)"/\1/p' "$root/packaging/demo/kiosk.toml")
if [[ ! -f $dir/token || ! -s $dir/qr_secret ]]; then
  # A new hub knows none of the demo kiosk's earlier responses: start the kiosk afresh too,
  # rather than have it report the hub as having lost them.
  rm -f "$db" "$db"-wal "$db"-shm
  rm -rf "$root/build/demo/data"
  "$hub" terminal add "$terminal" --centre "МФЦ «Мои документы», Владивосток" --db "$db" 2>/dev/null > "$dir/enrolment"
  sed -n 's/^token: //p' "$dir/enrolment" > "$dir/token"
  sed -n 's/^qr_secret: //p' "$dir/enrolment" > "$dir/qr_secret"
  rm "$dir/enrolment"
  "$hub" questionnaire set --centre "МФЦ «Мои документы», Владивосток" "$root/assets/questionnaires/default.json" --db "$db" >/dev/null
fi
{
  sed -e "s#\.\./\.\./#$root/#g" "$root/packaging/demo/kiosk.toml"
  printf '\n[hub]\nurl = "https://localhost:%s"\ntoken = "%s"\nqr_secret = "%s"\nca_file = "%s"\nbatch_size = 50\n' \
    "$port" "$(cat "$dir/token")" "$(cat "$dir/qr_secret")" "$dir/ca.pem"
} > "$root/build/demo/kiosk-hub.toml"

args=(serve --db "$db" --listen 127.0.0.1 --port "$port" --cert "$dir/cert.pem" --key "$dir/key.pem")
if [[ ${1:-} == --foreground ]]; then
  echo "demo hub: https://localhost:$port/results (admin token in $dir/admin_token; trust $dir/ca.pem)"
  exec "$hub" "${args[@]}"
fi
"$hub" "${args[@]}" > "$dir/serve.out" 2> "$dir/hub.log" &
pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$dir/serve.out" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "demo hub failed to start:" >&2; cat "$dir/hub.log" >&2; exit 1; }
  sleep 0.1
done
# The first start prints the admin token once; keep it for the demo's visitors.
grep -q '^admin_token: ' "$dir/serve.out" && sed -n 's/^admin_token: //p' "$dir/serve.out" > "$dir/admin_token"
echo "$pid"
