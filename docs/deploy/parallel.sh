#!/bin/bash
# fnn predict fanned out with GNU parallel on one machine (or, with parallel's
# --sshlogin, on several sharing the folder), then merged into one report.
#
#   docs/deploy/parallel.sh CORPUS RESULTS [SHARDS]
#
# Each job is one shard with its own results file; rerunning the line after an
# interruption resumes every shard where it stopped. Exit status 2 from a shard (some
# images could not be classified; their rows say why) counts as done.
set -euo pipefail
corpus=${1:?usage: parallel.sh CORPUS RESULTS [SHARDS]}
results=${2:?usage: parallel.sh CORPUS RESULTS [SHARDS]}
shards=${3:-$(nproc)}
mkdir -p "$results"
seq 0 $((shards - 1)) | parallel --halt soon,fail=1 \
  "fnn predict '$corpus' --shard {}/$shards --threads 1 -o '$results/shard-{}.csv' --resume 2>/dev/null; s=\$?; [ \$s -eq 0 ] || [ \$s -eq 2 ]"
fnn report "$results"/shard-*.csv

# Or feed paths from a listing (xargs, Spark's RDD.pipe work the same way):
#   find "$corpus" -name '*.png' -print0 | parallel --pipe --recend '\0' -N 2000 fnn predict --files-from - -0 --format jsonl > rows.jsonl
