#!/usr/bin/env bash
# OpenApi.Lint: lints docs/api/openapi.yaml with the Redocly CLI pinned in package-lock.json
# (recommended rules, exceptions in .redocly.lint-ignore.yaml). Exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")"
cli=node_modules/@redocly/cli/bin/cli.js
if ! command -v node >/dev/null; then
  echo "OpenApi.Lint: node is not installed. Fix: run packaging/install-deps.sh" >&2
  exit 1
fi
if [[ ! -f $cli ]]; then
  echo "OpenApi.Lint: $PWD/$cli is missing. Fix: run packaging/install-deps.sh (it runs npm ci here)" >&2
  exit 1
fi
# No telemetry and no update check: tests stay offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
exec node "$cli" lint --config redocly.yaml --format=codeframe ../../docs/api/openapi.yaml
