#!/usr/bin/env bash
# Submits a blindfold run to Slurm: a job array of SHARDS tasks (one shard each, writing to
# WORK/shard-K on storage every node sees), then a merge job into OUT that starts when all of
# them have ended well. Prints the two job ids.
#
#   deploy/slurm/submit.sh INTAKE ROSTER WORK OUT SHARDS [sbatch options for every job …]
#   deploy/slurm/submit.sh /data/intake /data/roster.xlsx /data/work /data/masked 16 --cpus-per-task=8
#
# BLINDFOLD names the binary (default: blindfold on the PATH); BLINDFOLD_ARGS adds options to
# every shard's `run` (--mask-id-numbers …). Logs go to WORK/logs/.
set -euo pipefail
if [ $# -lt 5 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
absolute() { mkdir -p "$(dirname "$1")" && echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
intake=$(absolute "$1"); roster=$(absolute "$2"); work=$(absolute "$3"); out=$(absolute "$4")
shards=$5
shift 5
blindfold=${BLINDFOLD:-$(command -v blindfold)}
blindfold=$(absolute "$blindfold")
mkdir -p "$work/logs"
export BLINDFOLD=$blindfold INTAKE=$intake ROSTER=$roster WORK=$work OUT=$out SHARDS=$shards
export BLINDFOLD_ARGS=${BLINDFOLD_ARGS:-}
array=$(sbatch --parsable --array=0-$((shards - 1)) --output="$work/logs/shard-%a.out" \
  --export=ALL "$@" "$here/shard.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
  --output="$work/logs/merge.out" --export=ALL "$@" "$here/merge.sbatch")
echo "$array $merge"
