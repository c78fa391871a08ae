#!/usr/bin/env bash
# The browser tests (test/http/board-page.test.ts, test/e2e/board-browser.test.ts) drive Debian's chromium through
# playwright-core, which never downloads a browser. Installs the package with apt-get when /usr/bin/chromium is
# missing (CHROMIUM_PATH names another binary, and is then left alone); does nothing when it is there.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$chromium" ]] && exit 0
if [[ -n "${CHROMIUM_PATH:-}" ]]; then echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; fi
command -v apt-get >/dev/null || { echo "chromium is missing and apt-get is not available: install chromium by hand (the browser tests need it)" >&2; exit 1; }
sudo=""
(( EUID == 0 )) || sudo="sudo"
echo "==> installing Debian's chromium for the browser tests (apt-get)"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium \
  || { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium; }
[[ -x "$chromium" ]] || { echo "chromium still missing at $chromium after apt-get install chromium" >&2; exit 1; }
