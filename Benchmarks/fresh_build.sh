#!/usr/bin/env bash
# Times a fresh `swift build` of two commits, one after the other, and prints both wall
# times, the CPU time (user + system) of each build, and the ratios new / old.
#
#     Benchmarks/fresh_build.sh [-c release|debug] [--keep] OLD NEW
#
# Each commit is cloned from this repository into a new temporary folder, its .build is
# removed, and `swift build -c CONFIGURATION` runs there, so the time includes resolving
# and checking out the package dependencies and compiling every module, as on a fresh
# machine whose system libraries are installed (scripts/install-deps). The builds never
# overlap. The load average is printed before each: on a shared machine, other work
# running at the same time makes the wall times longer and their ratio less exact, while
# the CPU times, which count only the build's own processes, change much less.
# --keep leaves the clones and build logs in the temporary folder.
set -euo pipefail

configuration=release
keep=false
commits=()
while (($# > 0)); do
  case "$1" in
    -c | --configuration) configuration="${2:?-c needs release or debug}"; shift 2 ;;
    --keep) keep=true; shift ;;
    -h | --help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "fresh_build.sh: unknown option $1" >&2; exit 64 ;;
    *) commits+=("$1"); shift ;;
  esac
done
if ((${#commits[@]} != 2)); then
  echo "usage: Benchmarks/fresh_build.sh [-c release|debug] [--keep] OLD NEW" >&2
  exit 64
fi
case "$configuration" in
  release | debug) ;;
  *) echo "fresh_build.sh: -c takes release or debug, not $configuration" >&2; exit 64 ;;
esac

repository="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
TIMEFORMAT='%1R %1U %1S'
work="$(mktemp -d "${TMPDIR:-/tmp}/fnn-fresh-build.XXXXXX")"
if [[ "$keep" == false ]]; then
  trap 'rm -rf "$work"' EXIT
  trap 'exit 130' INT TERM
fi

# measure LABEL COMMIT: clones COMMIT, builds it from nothing, and sets `seconds` (wall)
# and `cpu_seconds` (user + system of the build and every process it waited for).
measure() {
  local label="$1" commit="$2" sha folder real user system
  sha="$(git -C "$repository" rev-parse --verify --quiet "$commit^{commit}")" || {
    echo "fresh_build.sh: $commit is not a commit of $repository" >&2
    exit 1
  }
  folder="$work/$label"
  git clone --quiet --no-checkout "$repository" "$folder"
  git -C "$folder" checkout --quiet --detach "$sha"
  rm -rf "$folder/.build"
  echo "== $label: ${sha:0:7}, swift build -c $configuration; load average $(cut -d ' ' -f 1-3 /proc/loadavg) on $(nproc) cores" >&2
  if ! { time { (cd "$folder" && swift build -c "$configuration") >"$work/$label.log" 2>&1; }; } 2>"$work/$label.time"; then
    echo "fresh_build.sh: the build of $label (${sha:0:7}) failed:" >&2
    tail -n 30 "$work/$label.log" >&2
    exit 1
  fi
  read -r real user system <"$work/$label.time"
  seconds="$real"
  cpu_seconds="$(awk -v user="$user" -v sys="$system" 'BEGIN { printf "%.1f", user + sys }')"
  echo "   $label took ${seconds} s, ${cpu_seconds} s of CPU" >&2
}

# minutes SECONDS: "4 min 38.2 s".
minutes() {
  awk -v s="$1" 'BEGIN { m = int(s / 60); printf "%d min %.1f s", m, s - 60 * m }'
}

measure old "${commits[0]}"
old_seconds="$seconds" old_cpu="$cpu_seconds"
measure new "${commits[1]}"
new_seconds="$seconds" new_cpu="$cpu_seconds"

ratio() { awk -v old="$1" -v new="$2" 'BEGIN { if (old > 0) printf "%.2f", new / old; else printf "n/a" }'; }
printf 'fresh swift build -c %s            wall                  CPU (user + system)\n' "$configuration"
printf '  old %-10s %7s s  (%-14s)  %7s s\n' "${commits[0]}" "$old_seconds" "$(minutes "$old_seconds")" "$old_cpu"
printf '  new %-10s %7s s  (%-14s)  %7s s\n' "${commits[1]}" "$new_seconds" "$(minutes "$new_seconds")" "$new_cpu"
printf '  ratio new/old   %s                    %s\n' "$(ratio "$old_seconds" "$new_seconds")" "$(ratio "$old_cpu" "$new_cpu")"
if [[ "$keep" == true ]]; then
  echo "clones and logs kept in $work" >&2
fi
