#!/usr/bin/env bash
# Runs each cargo-fuzz target (fuzz/fuzz_targets: roster, ingest) for a while, seeded with the
# repository's own rosters and test files. Needs `cargo install cargo-fuzz`; RUSTC_BOOTSTRAP
# lets the stable toolchain take the sanitizer flags. Crashes land in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
python3 scripts/fetch_runtime.py

mkdir -p fuzz/corpus/roster fuzz/corpus/ingest
cp samples/roster.csv fuzz/corpus/roster/samples.csv
printf '姓名,工作单位,单位别名,档案号\n王玥,巴州人民医院,巴州医院|州医院,2024ZC0117\n' > fuzz/corpus/roster/chinese.csv
find tests/fixtures/bad tests/fixtures/meta -type f ! -name '*.json' -size -200k \
  -exec cp {} fuzz/corpus/ingest/ \;

for target in roster ingest; do
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30
done
