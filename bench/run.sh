#!/usr/bin/env bash
# Side-by-side benchmark: `chengguo build` vs Debian's `hugo` on the national-scale
# synthetic corpus (1,500 outcomes, 800 holders, 400 regions, 10,000 cases,
# 300 notices; ~40 million Han characters of Markdown body text).
#
#   1. cargo build --release (binaries chengguo and chengguo-corpus)
#   2. chengguo-corpus WORK/site --scale $BENCH_SCALE --seed $BENCH_SEED
#   3. converts WORK/site into an equivalent Hugo site WORK/hugo (same pages, same
#      Markdown bodies; front matter reduced to title/date; skeleton in bench/hugo/)
#   4. runs hugo and `chengguo build` alternately, BENCH_RUNS times each, under
#      /usr/bin/time -v (wall time, CPU time, peak RSS), every run into an empty
#      output folder, and prints a Markdown table plus machine facts.
#
# Usage: bench/run.sh            (from anywhere; needs cargo, and root for apt-get
#                                 if hugo or GNU time are missing)
# Environment:
#   BENCH_RUNS=5            timed runs per tool (median, min, max reported)
#   BENCH_SCALE=national    corpus scale: national | small
#   BENCH_SEED=1            corpus seed (same seed => byte-identical corpus)
#   BENCH_SKIP_HUGO=1       do not run hugo
#   BENCH_HUGO_DEFAULTS=1   also time hugo with its default page kinds (RSS feeds, sitemap,
#                           taxonomies: bench/hugo/config-defaults.toml), as a second row
#   BENCH_SKIP_CHENGGUO=1   do not run chengguo build
#   BENCH_CHENGGUO_ARGS=""  extra arguments for `chengguo build`
#   BENCH_CHENGGUO_SEARCH=1 also time the full `chengguo build` with the search stage
#                           (the main chengguo row is `build --no-search`, the issue's target)
#   BENCH_NO_BUILD=1        skip cargo build, use the binaries already in $CARGO_TARGET_DIR/release
#   CHENGGUO_BIN=…, CORPUS_BIN=…   use these binaries instead of the cargo-built ones
#   CHENGGUO_COMMIT=…       label for the chengguo version in the report (default: git describe)
#   BENCH_IDLE_MAX=10       before each run wait until the machine's CPU is at most this % busy
#   BENCH_IDLE_WAIT=90      ... but at most this many seconds (0: do not wait); the busy %
#                           seen just before each run is reported (other work skews timings)
#   BENCH_DIR=DIR           work folder (default: new /tmp/chengguo-bench.XXXXXX)
#   BENCH_KEEP=1            keep the work folder (corpus, hugo site, outputs, logs)
#   BENCH_RESULTS=FILE      where the Markdown report is also written
#                           (default /tmp/chengguo-bench-results.md)
#   CARGO_TARGET_DIR        as usual (default: REPO/target)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${BENCH_RUNS:-5}
SCALE=${BENCH_SCALE:-national}
SEED=${BENCH_SEED:-1}
SKIP_HUGO=${BENCH_SKIP_HUGO:-0}
HUGO_DEFAULTS=${BENCH_HUGO_DEFAULTS:-0}
CHENGGUO_SEARCH=${BENCH_CHENGGUO_SEARCH:-0}
SKIP_CHENGGUO=${BENCH_SKIP_CHENGGUO:-0}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
RESULTS=${BENCH_RESULTS:-/tmp/chengguo-bench-results.md}
IDLE_MAX=${BENCH_IDLE_MAX:-10}
IDLE_WAIT=${BENCH_IDLE_WAIT:-90}
read -r -a CHENGGUO_ARGS <<<"${BENCH_CHENGGUO_ARGS:-}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

if [[ -n "${BENCH_DIR:-}" ]]; then
  WORK=$BENCH_DIR
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d /tmp/chengguo-bench.XXXXXX)
fi
cleanup() {
  if [[ "${BENCH_KEEP:-0}" != 1 && -z "${BENCH_DIR:-}" ]]; then
    rm -rf "$WORK"
  else
    log "work folder kept: $WORK"
  fi
}
trap cleanup EXIT

# --- tools -----------------------------------------------------------------
apt_install() { # package...
  if [[ $(id -u) != 0 ]]; then die "missing $*; install with: sudo apt-get install -y $*"; fi
  log "installing $* with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[[ -x /usr/bin/time ]] || apt_install time
if [[ $SKIP_HUGO != 1 ]] && ! command -v hugo >/dev/null; then apt_install hugo; fi

# --- 1. build ----------------------------------------------------------------
bins=()
[[ -n "${CORPUS_BIN:-}" ]] || bins+=(--bin chengguo-corpus)
[[ $SKIP_CHENGGUO == 1 || -n "${CHENGGUO_BIN:-}" ]] || bins+=(--bin chengguo)
if [[ "${BENCH_NO_BUILD:-0}" != 1 && ${#bins[@]} -gt 0 ]]; then
  log "cargo build --release ${bins[*]} (CARGO_TARGET_DIR=$TARGET)"
  (cd "$REPO" && CARGO_TARGET_DIR=$TARGET cargo build --release "${bins[@]}") \
    || die "cargo build failed (set CHENGGUO_BIN/CORPUS_BIN to use other binaries)"
fi
CHENGGUO=${CHENGGUO_BIN:-$TARGET/release/chengguo}
CORPUS=${CORPUS_BIN:-$TARGET/release/chengguo-corpus}
[[ -x $CORPUS ]] || die "no corpus generator at $CORPUS"
if [[ $SKIP_CHENGGUO != 1 && ! -x $CHENGGUO ]]; then die "no chengguo binary at $CHENGGUO"; fi
NO_SEARCH=()
if [[ $SKIP_CHENGGUO != 1 ]] && "$CHENGGUO" build --help 2>&1 | grep -q -- --no-search; then
  NO_SEARCH=(--no-search)
fi

# --- 2. corpus -----------------------------------------------------------------
SITE=$WORK/site
log "generating the $SCALE corpus (seed $SEED) into $SITE"
"$CORPUS" "$SITE" --scale "$SCALE" --seed "$SEED" --force 2>"$WORK/corpus.log"
cat "$WORK/corpus.log" >&2
CORPUS_FACTS=$(sed 's/^chengguo-corpus: //' "$WORK/corpus.log")
RECORDS=$(find "$SITE/content" -name '*.md' | wc -l)

# --- 3. equivalent hugo site -----------------------------------------------------
HUGO_SITE=$WORK/hugo
if [[ $SKIP_HUGO != 1 ]]; then
  log "converting to a hugo site in $HUGO_SITE"
  rm -rf "$HUGO_SITE"
  cp -r "$REPO/bench/hugo" "$HUGO_SITE"
  for d in "$SITE"/content/*/; do mkdir -p "$HUGO_SITE/content/$(basename "$d")"; done
  # Keep the Markdown body byte for byte; reduce the front matter to title and date.
  (cd "$SITE/content" && find . -name '*.md' -print0 | xargs -0 awk -v out="$HUGO_SITE/content" '
    FNR == 1 { if (of != "") close(of); of = out "/" substr(FILENAME, 3); fm = 0 }
    FNR == 1 && $0 == "---" { fm = 1; print > of; next }
    fm == 1 && $0 == "---" { fm = 2; print > of; next }
    fm == 1 { if ($0 ~ /^(title|date):/) print > of; next }
    { print > of }')
  [[ $(find "$HUGO_SITE/content" -name '*.md' | wc -l) == "$RECORDS" ]] || die "hugo conversion lost pages"
fi

# Warm the page cache so that the first timed run is not penalised.
find "$WORK" -type f \( -path "$SITE/*" -o -path "$HUGO_SITE/*" \) -print0 | xargs -0 cat >/dev/null

# --- 4. timed runs ------------------------------------------------------------------
SAMPLES=$WORK/samples.tsv
: >"$SAMPLES"
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }

cpu_busy() { # % of all CPUs busy (any process) over the next second
  local a b c d e f g h t1 i1
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 1
  read -r _ a b c d e f g h _ </proc/stat
  echo $(( (100 * ((a + b + c + d + e + f + g + h - t1) - (d + e - i1))) / (a + b + c + d + e + f + g + h - t1 + 1) ))
}
wait_idle() { # prints the busy % seen last
  local start=$SECONDS busy
  busy=$(cpu_busy)
  while (( busy > IDLE_MAX && SECONDS - start < IDLE_WAIT )); do
    sleep 2
    busy=$(cpu_busy)
  done
  echo "$busy"
}

measure() { # tool run out_dir command...
  local tool=$1 i=$2 out=$3
  shift 3
  rm -rf "$out"
  sync # flush the previous run's output so that its writeback does not land in this run
  local busy
  busy=$(wait_idle)
  local tf="$WORK/time-$tool-$i.txt" lf="$WORK/log-$tool-$i.txt" rc=0
  /usr/bin/time -v -o "$tf" "$@" >"$lf" 2>&1 || rc=$?
  local wall rss user sys
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tf" | to_seconds)
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tf")
  user=$(sed -n 's/.*User time (seconds): //p' "$tf")
  sys=$(sed -n 's/.*System time (seconds): //p' "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$i" "$rc" "$wall" "$rss" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$busy" >>"$SAMPLES"
  log "$tool run $i: exit $rc, ${wall} s wall, $((rss / 1024)) MB peak RSS (machine ${busy}% busy before)"
  if [[ $rc == 0 ]]; then
    # output facts (identical from run to run; the last successful run wins)
    printf '%s\t%s\t%s\t%s\n' "$tool" "$(find "$out" -type f | wc -l)" \
      "$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')" \
      "$(find "$out" -type f -name '*.html' | wc -l)" >"$WORK/output-$tool.tsv"
    cp "$lf" "$WORK/lastlog-$tool.txt"
  else
    cp "$lf" "$WORK/faillog-$tool.txt"
  fi
}

HUGO_VERSION="(not run)"
[[ $SKIP_HUGO == 1 ]] || HUGO_VERSION=$(hugo version 2>/dev/null | head -1)
for i in $(seq 1 "$RUNS"); do
  if [[ $SKIP_HUGO != 1 ]]; then
    measure hugo "$i" "$WORK/out-hugo" hugo --source "$HUGO_SITE" --destination "$WORK/out-hugo"
    if [[ $HUGO_DEFAULTS == 1 ]]; then
      measure hugo-defaults "$i" "$WORK/out-hugo-defaults" \
        hugo --source "$HUGO_SITE" --config config-defaults.toml --destination "$WORK/out-hugo-defaults"
    fi
  fi
  if [[ $SKIP_CHENGGUO != 1 ]]; then
    rm -rf "$SITE/.chengguo-cache" # every run is a clean build
    measure chengguo "$i" "$WORK/out-chengguo" \
      "$CHENGGUO" build "$SITE" -o "$WORK/out-chengguo" "${NO_SEARCH[@]}" "${CHENGGUO_ARGS[@]}"
    if [[ $CHENGGUO_SEARCH == 1 ]]; then
      rm -rf "$SITE/.chengguo-cache"
      measure chengguo-search "$i" "$WORK/out-chengguo-search" \
        "$CHENGGUO" build "$SITE" -o "$WORK/out-chengguo-search" "${CHENGGUO_ARGS[@]}"
    fi
  fi
done

# --- report ------------------------------------------------------------------------------
stats() { # tool column -> "median min max" over successful runs
  awk -F'\t' -v t="$1" -v c="$2" '$1 == t && $3 == 0 { print $c }' "$SAMPLES" | sort -g | awk '
    { v[NR] = $1 } END {
      if (NR == 0) { print "- - -"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      print m, v[1], v[NR] }'
}
row() { # tool label
  local tool=$1 label=$2 ok total
  total=$(awk -F'\t' -v t="$tool" '$1 == t' "$SAMPLES" | wc -l)
  ok=$(awk -F'\t' -v t="$tool" '$1 == t && $3 == 0' "$SAMPLES" | wc -l)
  [[ $total -gt 0 ]] || return 0
  read -r wmed wmin wmax < <(stats "$tool" 4)
  read -r rmed _ rmax < <(stats "$tool" 5)
  read -r cmed _ _ < <(stats "$tool" 6)
  read -r _ _ bmax < <(stats "$tool" 7)
  local pages="-" files="-" bytes="-" html="-"
  if [[ -f $WORK/output-$tool.tsv ]]; then
    IFS=$'\t' read -r _ files bytes html <"$WORK/output-$tool.tsv"
    bytes=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
  fi
  if [[ $tool == hugo* && -f $WORK/lastlog-$tool.txt ]]; then
    pages=$(sed -n 's/^ *Pages *| *\([0-9]*\).*/\1/p' "$WORK/lastlog-$tool.txt" | head -1)
  elif [[ $tool == chengguo* ]]; then
    pages=$html
  fi
  mb() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.0f", k / 1024 }'; }
  printf '| %s | %s/%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$ok" "$total" \
    "$wmed" "$wmin" "$wmax" "$cmed" "$(mb "$rmed")" "$(mb "$rmax")" "${pages:--}" "$html" "$files" "$bytes" "$bmax"
}

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MEM_TOTAL=$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
OS=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
COMMIT=${CHENGGUO_COMMIT:-}; [[ -n $COMMIT ]] || COMMIT=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "(no commit)")
{
  echo "## chengguo build vs hugo — $SCALE corpus, seed $SEED"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL RAM, $OS, kernel $(uname -r)"
  echo "- hugo: $HUGO_VERSION"
  echo "- chengguo: commit $COMMIT, $(rustc --version 2>/dev/null || echo 'rustc ?')${CHENGGUO_ARGS:+, build args: ${CHENGGUO_ARGS[*]}}"
  echo "- corpus: $RECORDS Markdown records; $(echo "$CORPUS_FACTS" | tail -1)"
  echo "- $RUNS runs per tool, alternating, each into an empty output folder (clean build), page cache warm; wall and CPU (user+sys) seconds and peak RSS from /usr/bin/time -v"
  echo
  echo "| tool | ok runs | wall median (s) | wall min (s) | wall max (s) | CPU median (s) | peak RSS median (MiB) | peak RSS max (MiB) | pages | HTML files | output files | output MB | busy before, max (%) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  row hugo "hugo"
  row hugo-defaults "hugo, default kinds (+RSS, sitemap)"
  row chengguo "chengguo build ${NO_SEARCH[*]}"
  row chengguo-search "chengguo build (with search)"
  echo
  busiest=$(awk -F'\t' '$7 > m { m = $7 } END { print m + 0 }' "$SAMPLES")
  if (( busiest > IDLE_MAX )); then
    echo "WARNING: other processes kept the machine up to ${busiest}% busy just before some runs (limit ${IDLE_MAX}%, waited up to ${IDLE_WAIT} s): wall times are inflated and noisy; CPU seconds are more robust."
    echo
  fi
  echo "hugo: bench/hugo/config.toml (one page per record, section lists, home; no taxonomies, RSS or sitemap, like chengguo without base_url); pages: hugo's own count (its build summary); for chengguo the number of HTML files written."
  for t in chengguo chengguo-search; do
    if [[ -f $WORK/lastlog-$t.txt ]]; then
      echo
      echo "$t: output of its last successful run:"
      echo
      echo '```'
      tail -n 12 "$WORK/lastlog-$t.txt"
      echo '```'
    fi
    if [[ -f $WORK/faillog-$t.txt ]]; then
      echo
      echo "$t FAILED in $(awk -F'\t' -v t="$t" '$1 == t && $3 != 0' "$SAMPLES" | wc -l) run(s); first lines of the last failing run's output ($(wc -l <"$WORK/faillog-$t.txt") lines):"
      echo
      echo '```'
      head -n 40 "$WORK/faillog-$t.txt"
      echo '```'
    fi
  done
  for t in hugo hugo-defaults; do
    if [[ -f $WORK/faillog-$t.txt ]]; then
      echo
      echo "$t FAILED; first lines of its output:"
      echo
      echo '```'
      head -n 20 "$WORK/faillog-$t.txt"
      echo '```'
    fi
  done
} | tee "$RESULTS"
log "report written to $RESULTS"
