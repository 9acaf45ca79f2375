#!/usr/bin/env bash
# Sharding's overhead and the merge's time (issue 32): an intake (with its roster.csv beside
# it, columns folder,name,unit…) copied COPIES times, run once on this machine with --jobs
# CORES, then as SHARDS shards CORES at a time with --jobs 1 each (the same cores: this shows
# what sharding costs, not a speed-up), then merged. Prints wall time, CPU time and pages/min
# of each, and the merge's time.
#
#   cargo build --release && benches/shards.sh ../shared/eval/dev 1 4
#   benches/shards.sh ../shared/eval/dev 20 4 --skip-single
set -euo pipefail
set_dir=$(realpath "$1"); copies=$2; shards=$3; skip_single=${4:-}
blindfold=$(realpath "${BLINDFOLD:-target/release/blindfold}")
cores=$(nproc)
tmp=$(mktemp -d /tmp/blindfold-shards.XXXXXX)

python3 "$(dirname "$0")/../scripts/replicate_intake.py" "$set_dir/intake" "$set_dir/roster.csv" \
  "$tmp" "$copies"

# Runs a command under /usr/bin/time; prints "wall user+sys".
timed() {
  /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  tail -n 1 "$tmp/time" | awk '{ printf "%s %.1f\n", $1, $2 + $3 }'
}
pages() { grep -c '"page":[0-9]' "$1/manifest.jsonl"; }
report() { # name wall cpu pages
  awk -v n="$1" -v w="$2" -v c="$3" -v p="$4" \
    'BEGIN { printf "%-28s %5d pages  %7.1f s wall  %7.1f CPU-s  %6.1f pages/min  %.3f CPU-s/page\n", n, p, w, c, p * 60 / w, c / p }'
}

if [ "$skip_single" != --skip-single ]; then
  read -r wall cpu < <(timed "$blindfold" run "$tmp/intake" --out "$tmp/single" \
    --roster "$tmp/roster.csv" --jobs "$cores")
  report "one run, --jobs $cores" "$wall" "$cpu" "$(pages "$tmp/single")"
fi

start=$(date +%s.%N)
seq 0 $((shards - 1)) | xargs -P "$cores" -I K /usr/bin/time -f "%U %S" -o "$tmp/time-K" \
  "$blindfold" run "$tmp/intake" --out "$tmp/shard-K" --roster "$tmp/roster.csv" \
  --shard "K/$shards" --jobs 1 >/dev/null 2>&1 || true
wall=$(echo "$(date +%s.%N) - $start" | bc)
cpu=$(for f in "$tmp"/time-*; do tail -n 1 "$f"; done | awk '{ s += $1 + $2 } END { print s }')
all=$(cat "$tmp"/shard-*/manifest.jsonl | grep -c '"page":[0-9]')
report "$shards shards, $cores at a time" "$wall" "$cpu" "$all"

read -r wall cpu < <(timed "$blindfold" merge "$tmp"/shard-* --out "$tmp/merged")
echo "merge of $shards shards ($(pages "$tmp/merged") pages, $(find "$tmp/merged/files" -type f | wc -l) files): $wall s wall, $cpu CPU-s"
rm -rf "$tmp"
