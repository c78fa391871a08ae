#!/usr/bin/env bash
# Entry point of the README's two commands: `npm run demo` and `npm test`.
# Installs the npm dependencies (including the Node 24 binary from the `node` package) when they are missing or
# stale, brings the local stack up, then runs the requested job on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."

job="${1:?usage: scripts/run.sh demo|test [args...]}"
shift

if [[ ! -x node_modules/.bin/node || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
export PATH="$PWD/node_modules/.bin:$PATH"
echo "==> node $(node --version)"

bash stack/stack.sh up

case "$job" in
  demo) exec node src/bin/cli.ts demo "$@" ;;
  test)
    if [[ $# -gt 0 ]]; then exec vitest run "$@"; fi
    # The fault test restarts the Kafka broker and Redis; it runs alone, after everything else.
    vitest run --exclude test/processor/faults.test.ts
    exec vitest run test/processor/faults.test.ts
    ;;
  *) echo "unknown job: $job" >&2; exit 2 ;;
esac
