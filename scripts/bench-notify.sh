#!/usr/bin/env bash
# `communique notify` benchmark (docs/benchmarks.md): the plan for a long release history,
# and sending e-mails to a local SMTP sink. Prints a Markdown table.
#
#   scripts/bench-notify.sh [--releases 10000] [--groups 30] [--emails 1000] [--runs 3]
#                           [--work DIR] [--corpus-generator PATH]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
releases=10000 groups=30 emails=1000 runs=3
work="$repo/target/bench-notify"
generator="$repo/../shared/bench/gen-corpus.py"
while [ $# -gt 0 ]; do
    case "$1" in
        --releases) releases=$2; shift 2 ;;
        --groups) groups=$2; shift 2 ;;
        --emails) emails=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --work) work=$(realpath -m "$2"); shift 2 ;;
        --corpus-generator) generator=$(realpath "$2"); shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "bench-notify.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$generator" ] || generator=/work/shared/bench/gen-corpus.py
[ -x /usr/bin/time ] || { echo "bench-notify.sh: missing /usr/bin/time (Debian package: time)" >&2; exit 2; }

(cd "$repo" && cargo build --release --quiet)
bin="$repo/target/release/communique"
now="2100-01-01T00:00:00Z"
mkdir -p "$work"

# A corpus whose every group has an e-mail list, delivering to the sink on `port`.
corpus() { # corpus DIR RELEASES PORT
    local dir=$1 n=$2 port=$3
    if [ ! -d "$dir" ]; then
        python3 "$generator" --releases "$n" --groups "$groups" --out "$dir" >/dev/null
        for f in "$dir"/content/stakeholders/*.md; do
            id=$(basename "$f" .md)
            sed -i "0,/^audience:/s//email: $id@bench.example\naudience:/" "$f"
        done
    fi
    sed -i '/^\[notify/,$d' "$dir/site.toml"
    printf '[notify]\nfrom = "Bench <bench@bench.example>"\n[notify.smtp]\nhost = "127.0.0.1"\nport = %s\nsecurity = "none"\n' "$port" >>"$dir/site.toml"
    rm -f "$dir/notified.jsonl"
}

# Two sinks: one that acknowledges like any server, one that acknowledges every
# segment at once (see smtp-sink.py: the difference is TCP's, not notify's).
rm -f "$work/port" "$work/port-quick"
python3 "$here/smtp-sink.py" --port-file "$work/port" &
sink=$!
python3 "$here/smtp-sink.py" --quick-ack --port-file "$work/port-quick" &
quick_sink=$!
trap 'kill $sink $quick_sink 2>/dev/null || true' EXIT
while [ ! -s "$work/port" ] || [ ! -s "$work/port-quick" ]; do sleep 0.1; done
port=$(cat "$work/port")
quick_port=$(cat "$work/port-quick")

timed() { # timed OUT-FILE COMMAND... → "wall-seconds peak-KiB" on the last line of OUT-FILE
    /usr/bin/time -f '%e %M' -o "$1.time" "${@:2}" >"$1" 2>&1 || true
    tail -n 1 "$1.time"
}

echo "| what | run | wall s | peak RSS MiB | result |"
echo "|---|---|---|---|---|"
plan_dir="$work/corpus-$releases"
corpus "$plan_dir" "$releases" "$port"
for run in $(seq "$runs"); do
    read -r wall kib < <(timed "$work/plan.out" "$bin" notify --root "$plan_dir" --now "$now")
    pending=$(grep -c '^  ' "$work/plan.out" || true)
    echo "| plan, $releases releases | $run | $wall | $((kib / 1024)) | $pending deliveries due |"
done

# About `emails` deliveries: each release of the corpus reaches about 3 groups.
send_releases=$(( (emails + 2) / 3 ))
send_dir="$work/corpus-send-$send_releases"
for sink_port in "$port" "$quick_port"; do
    corpus "$send_dir" "$send_releases" "$sink_port"
    what="send, $send_releases releases"
    [ "$sink_port" = "$quick_port" ] && what="$what, quick-ack sink"
    for run in $(seq "$runs"); do
        rm -f "$send_dir/notified.jsonl"
        read -r wall kib < <(timed "$work/send.out" "$bin" notify --send --root "$send_dir" --now "$now")
        sent=$(wc -l <"$send_dir/notified.jsonl")
        rate=$(python3 -c "print(round($sent / max($wall, 0.01)))")
        echo "| $what | $run | $wall | $((kib / 1024)) | $sent e-mails, $rate per second |"
    done
done
echo
echo "$(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
