#!/usr/bin/env bash
# Runs each fuzz target under fuzz/ for SECONDS (default 60) and fails on a crash.
# The targets are the [[bin]]s of fuzz/Cargo.toml: front_matter and content_file (no
# panic, hang or memory bomb on any content file) and markdown_html (no script in the
# HTML rendered from any Markdown, with raw HTML escaped or allowed).
#
#   scripts/fuzz.sh            # 60 s per target
#   scripts/fuzz.sh 3600       # an hour per target
#   FUZZ_JOBS=4 scripts/fuzz.sh 600   # four processes per target
#
# AddressSanitizer is on (the YAML reader is C translated to unsafe Rust); set
# FUZZ_SANITIZER=none for more executions per second.
#
# Only a stable toolchain is needed: cargo-fuzz's nightly flags are enabled with
# RUSTC_BOOTSTRAP=1. A crash leaves its input in fuzz/artifacts/<target>/; reproduce it
# with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` (from fuzz/), then turn it into
# a test in tests/ with the exact diagnostic it must produce.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
jobs="${FUZZ_JOBS:-1}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# Seeds: every content file of the sample site and the test fixtures.
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
n=0
while IFS= read -r -d '' file; do
  cp "$file" "$seeds/seed-$n.md"
  n=$((n + 1))
done < <(find ../content ../tests/fixtures ../src/scaffold -name '*.md' -print0 2>/dev/null)

parallel=()
if [ "$jobs" -gt 1 ]; then
  parallel=(-jobs="$jobs" -workers="$jobs")
fi

for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  echo "fuzzing $target for ${seconds}s"
  # -timeout: an input that takes over 10 s is a hang, reported like a crash.
  # -rss_limit_mb: one that needs over 2 GB is a memory bomb, likewise.
  cargo fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" "$seeds" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict=content.dict -print_final_stats=1 "${parallel[@]}"
done
