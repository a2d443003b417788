#!/usr/bin/env bash
# The test command: installs what the tests drive that a Rust toolchain does not bring
# (Debian's chromium, chromium-driver, newsboat and python3-feedparser: a real browser,
# a real feed reader and a real feed parser; axe-core, the accessibility checker
# tests/accessibility.rs runs in that browser, from the npm registry into target/axe-core/),
# then runs `cargo test` with any arguments given.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --test notify   # one test file
#
# The SMTP and HTTP servers that the notify tests talk to are started by the tests
# themselves, on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v newsboat >/dev/null || missing+=(newsboat)
python3 -c "import feedparser" 2>/dev/null || /usr/bin/python3 -c "import feedparser" 2>/dev/null \
  || missing+=(python3-feedparser)
# axe-core comes from npm: Node.js and npm are needed once, to fetch it.
axe=target/axe-core/package/axe.min.js
if [ ! -f "$axe" ] && [ -z "${COMMUNIQUE_SKIP_BROWSER:-}" ]; then
  command -v npm >/dev/null || missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ] && [ -z "${COMMUNIQUE_SKIP_BROWSER:-}${COMMUNIQUE_SKIP_CLIENTS:-}" ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "installing ${missing[*]} for the browser and feed-reader tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f "$axe" ] && [ -z "${COMMUNIQUE_SKIP_BROWSER:-}" ]; then
  echo "fetching axe-core 4 from the npm registry into target/axe-core/" >&2
  mkdir -p target/axe-core
  tarball=$(cd target/axe-core && npm pack --silent axe-core@4 | tail -n 1)
  tar -xzf "target/axe-core/$tarball" -C target/axe-core
  rm -f "target/axe-core/$tarball"
fi

exec cargo test "$@"
