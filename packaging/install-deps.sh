#!/usr/bin/env bash
# Installs every Debian 12 package Otklik needs to build, run, test and benchmark.
# Idempotent and quick when everything is present: it asks dpkg first and calls apt only
# for what is missing, so `make demo` / `make test` can run it every time.
set -euo pipefail

build_pkgs=(
  cmake g++ make pkg-config ninja-build
  libsdl2-dev libimgui-dev libstb-dev libqrencode-dev
  libcurl4-openssl-dev libsqlite3-dev libssl-dev zlib1g-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libspdlog-dev
  libsystemd-dev libmicrohttpd-dev libpq-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-dejavu-core
  openssl  # the CLI: `make demo` makes its local hub's demo CA and certificate with it
)
# postgresql: the hub's tests start throwaway clusters of their own (tests/support/
# postgres_server.cpp) on private ports; the package's default cluster is neither needed nor used.
# chromium + nodejs: tests open the hub's pages in headless Chromium (tests/web/page.js) and
# lint the OpenAPI document (Redocly CLI from npm). util-linux and coreutils are Essential,
# named for what tests use of them: unshare -n (diagnose without a network), flock (the
# kiosk's lock from outside), sha256sum -c (the USB export's sums).
test_pkgs=(
  zbar-tools sqlite3 postgresql postgresql-client chromium nodejs npm util-linux coreutils
)
bench_pkgs=(
  xvfb xauth procps chromium nodejs
)
# `make fuzz`: clang with libFuzzer and the sanitizer runtimes. libclang-rt-14-dev is only a
# Recommends of clang, and we install without recommends, so it is named here.
fuzz_pkgs=(
  clang libclang-rt-14-dev
)

want=("${build_pkgs[@]}" "${test_pkgs[@]}")
for option in "$@"; do
  case $option in
    --with-bench) want+=("${bench_pkgs[@]}") ;;
    --with-fuzz) want+=("${fuzz_pkgs[@]}") ;;
    *) echo "install-deps: unknown option $option (known: --with-bench, --with-fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  # A Node.js build that bundles npm (NodeSource's nodejs, as on our machines) conflicts with
  # Debian's npm package: a working node / npm command is enough.
  if [[ $p == nodejs || $p == npm ]] && command -v "${p/nodejs/node}" >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the web checks (Redocly CLI for OpenApi.Lint, axe-core for page.js --axe), exactly as locked; only when
# node_modules is missing or older than the lock, so this stays quick.
web="$(cd "$(dirname "$0")/.." && pwd)/tests/web"
if [[ ! -d $web/node_modules || $web/package-lock.json -nt $web/node_modules ]]; then
  echo "install-deps: npm ci in tests/web"
  npm ci --prefix "$web" --no-audit --no-fund
  touch "$web/node_modules"
fi
