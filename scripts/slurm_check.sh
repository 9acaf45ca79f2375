#!/usr/bin/env bash
# The Slurm check (issue 32): on a one-node cluster started here, the samples ×8 (24 applicants)
# run as a 4-task job array plus a dependent merge job must equal a plain single-machine `run`
# (manifest except timings, output bytes, key) and audit clean; then again with one shard's
# process killed with SIGKILL mid-run and its task requeued. Prints the wall time and every
# task's time. Run from the repository root as root, after the binary is built:
#
#   BLINDFOLD=target/debug/blindfold scripts/slurm_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
blindfold=$(realpath "${BLINDFOLD:-target/debug/blindfold}")
tmp=$(mktemp -d /tmp/blindfold-slurm.XXXXXX)
shards=4

deploy/slurm/one-node-cluster.sh >/dev/null

# The intake: each sample applicant's folder eight times, each copy with its own roster row.
python3 scripts/replicate_intake.py samples/intake samples/roster.csv "$tmp" 8

# Waits until `$@` succeeds, for at most 10 minutes.
wait_until() {
  local deadline=$(($(date +%s) + 600))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "error: timed out waiting for: $*" >&2; exit 1; }
    sleep 0.5
  done
}

# Whether job $1 (every task of an array) has left the queue.
ended() { local queued; queued=$(squeue -h -j "$1" 2>/dev/null) && [ -z "$queued" ]; }

# Waits for job $1 (every task of an array) to end; fails unless all COMPLETED.
wait_for() {
  local states
  wait_until ended "$1"
  states=$(scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
  if [ "$(scontrol -o show job "$1" | grep -vc 'JobState=COMPLETED')" -ne 0 ]; then
    echo "error: job $1 ended with $states" >&2
    cat "$tmp"/*/logs/*.out >&2 || true
    return 1
  fi
}

# Prints every task's run time of array job $1.
task_times() {
  scontrol -o show job "$1" | sed -E 's/.*ArrayTaskId=([0-9]+).*RunTime=([0-9:]+).*/  task \1: \2/' | sort
}

# Fails unless the run in $1 equals the single-machine run and audits clean.
same_as_single() {
  python3 - "$tmp/single" "$1" <<'EOF'
import hashlib, json, sys
from pathlib import Path
def results(out):
    lines = []
    for text in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        line = json.loads(text)
        line.pop("seconds", None)
        lines.append(line)
    files = {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(out.rglob("*")) if p.is_file()
             and (p.name == "key.csv" or p.relative_to(out).parts[0] == "files")}
    return lines, files
single, merged = results(Path(sys.argv[1])), results(Path(sys.argv[2]))
if single != merged:
    sys.exit(f"error: {sys.argv[2]} differs from the single-machine run")
print(f"  equal to the single-machine run: {len(merged[0])} manifest lines, {len(merged[1])} files")
EOF
  "$blindfold" audit "$1" --intake "$tmp/intake" --roster "$tmp/roster.csv" --jobs 2 >/dev/null
}

echo "single machine:"
"$blindfold" run "$tmp/intake" --out "$tmp/single" --roster "$tmp/roster.csv" --jobs 2 2>&1 | grep "applicants,"

echo "Slurm: $shards-task array, then the merge:"
read -r array merge < <(BLINDFOLD=$blindfold deploy/slurm/submit.sh "$tmp/intake" \
  "$tmp/roster.csv" "$tmp/run" "$tmp/run/merged" "$shards" --cpus-per-task=1)
wait_for "$array"
wait_for "$merge"
task_times "$array"
same_as_single "$tmp/run/merged"

echo "Slurm: shard 1 killed with SIGKILL mid-run, its task requeued:"
export BLINDFOLD=$blindfold INTAKE=$tmp/intake ROSTER=$tmp/roster.csv WORK=$tmp/kill \
  OUT=$tmp/kill/merged SHARDS=$shards BLINDFOLD_ARGS=
mkdir -p "$WORK/logs"
array=$(sbatch --parsable --array=0-$((shards - 1)) --cpus-per-task=1 --export=ALL \
  --output="$WORK/logs/shard-%a.out" deploy/slurm/shard.sbatch)
wait_until test -s "$WORK/shard-1/manifest.jsonl"
pkill -KILL -f -- "--shard 1/$shards" || { echo "error: shard 1 ended before it could be killed" >&2; exit 1; }
failed() { [[ $(scontrol -o show job "${array}_1") == *JobState=FAILED* ]]; }
wait_until failed
done_before=$(wc -l < "$WORK/shard-1/manifest.jsonl")
"$blindfold" merge --status "$WORK"/shard-*
scontrol requeue "${array}_1"
wait_for "$array"
merge=$(sbatch --parsable --export=ALL --output="$WORK/logs/merge.out" deploy/slurm/merge.sbatch)
wait_for "$merge"
echo "  shard 1 had $done_before manifest lines when killed"
task_times "$array"
same_as_single "$tmp/kill/merged"

echo "Slurm check passed in $(($(date +%s) - started)) s"
rm -rf "$tmp"
