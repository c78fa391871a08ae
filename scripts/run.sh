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

case "$job" in
  demo)
    # Ctrl-C stops the demo's own components; the stack goes down again only if this run brought it up.
    stack_was_up=0
    bash stack/stack.sh status >/dev/null 2>&1 && stack_was_up=1
    bash stack/stack.sh up
    node src/bin/cli.ts demo "$@" &
    demo_pid=$!
    trap 'kill -INT "$demo_pid" 2>/dev/null || true' INT TERM
    code=0
    while kill -0 "$demo_pid" 2>/dev/null; do
      wait "$demo_pid" && code=0 || code=$?
    done
    if [[ $stack_was_up -eq 0 ]]; then bash stack/stack.sh down; fi
    exit "$code"
    ;;
  test)
    bash stack/stack.sh up
    bash scripts/ensure-chromium.sh
    if [[ $# -gt 0 ]]; then exec vitest run "$@"; fi
    # The fault test restarts the Kafka broker and Redis; it runs alone, after everything else.
    vitest run --exclude test/processor/faults.test.ts
    exec vitest run test/processor/faults.test.ts
    ;;
  *) echo "unknown job: $job" >&2; exit 2 ;;
esac
