#!/usr/bin/env bash
# Build-time, memory and preview-latency benchmark: communique against Hugo on the same
# synthetic release history. See docs/benchmarks.md.
#
#   scripts/bench.sh [--releases 10000] [--groups 30] [--runs 5] [--scale] [--preview]
#                    [--work DIR] [--corpus-generator PATH]
#
# Run it from anywhere; relative paths in the options are taken from the current folder.
# `scripts/bench.sh --help` lists every option.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for arg in "$@"; do
    case "$arg" in -h|--help) exec python3 "$here/bench.py" --help ;; esac
done

missing=()
command -v python3 >/dev/null || missing+=("python3")
command -v cargo >/dev/null || missing+=("cargo (a Rust toolchain)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (Debian package: time)")
command -v hugo >/dev/null || missing+=("hugo (Debian package: hugo)")
if [ "${#missing[@]}" -gt 0 ]; then
    for m in "${missing[@]}"; do echo "bench.sh: missing $m" >&2; done
    exit 2
fi

exec python3 "$here/bench.py" "$@"
