#!/usr/bin/env bash
# Image benchmark (issue 12): chengguo's image stage against Hugo's image
# processing on the same phone-like photos.
#
#   1. chengguo-photos writes a site of BENCH_CASES cases × 5 photos
#      (4000×3000 JPEG, 3–5 MB, camera EXIF with GPS, every fourth stored
#      sideways) and the same photos and pages as a Hugo site whose
#      template makes the same widths (480/960/1600/2048, quality 80,
#      CatmullRom) with .Resize;
#   2. cold: `chengguo build --no-search` with an empty cache and output,
#      and `hugo` with an empty resources/ and public/ (wall, CPU, peak RSS
#      under /usr/bin/time -v); chengguo's image stage time from its stage
#      line;
#   3. warm: the same again with the caches kept (nothing changed);
#   4. bytes a case page with 5 photos loads in headless Chromium at 390 px
#      (DPR 2) and 1280 px (DPR 1) (tests/browser/images.test.js);
#   5. `chengguo pack`: the zip against the originals.
#
# Usage: bench/images.sh   (needs hugo and GNU time: apt-get install hugo time;
#                           node packages: npm ci in tests/browser)
# Environment: BENCH_CASES=40, BENCH_NO_BUILD=1, BENCH_DIR=DIR, BENCH_KEEP=1,
#              BENCH_SKIP_HUGO=1, CARGO_TARGET_DIR.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
CASES=${BENCH_CASES:-40}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/chengguo-images.XXXXXX)}
mkdir -p "$WORK"
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  (cd "$REPO" && cargo build --release --bins >&2)
fi
CG=$TARGET/release/chengguo
PH=$TARGET/release/chengguo-photos

rm -rf "$WORK/site" "$WORK/hugo"
t0=$(date +%s.%N)
"$PH" site "$WORK/site" --cases "$CASES" --hugo "$WORK/hugo" >&2
t1=$(date +%s.%N)
photos=$(find "$WORK/site/content/media" -name '*.jpg' | wc -l)
orig_bytes=$(find "$WORK/site/content/media" -name '*.jpg' -printf '%s\n' | awk '{s+=$1} END {print s}')

# timed NAME CMD...: wall seconds, CPU seconds, peak RSS MB into $WORK/NAME.time
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2>&1
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$name.time")
  cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$WORK/$name.time")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f", $2/1024}' "$WORK/$name.time")
  echo "$wall $cpu $rss"
}
stage_secs() { grep -E '\[images *\]' "$WORK/$1.out" | awk '{print $3}'; }

rm -rf "$WORK/site/.chengguo-cache" "$WORK/site/public"
read -r cg_cold_wall cg_cold_cpu cg_cold_rss < <(timed cg-cold "$CG" build "$WORK/site" --no-search)
cg_cold_img=$(stage_secs cg-cold)
read -r cg_warm_wall cg_warm_cpu cg_warm_rss < <(timed cg-warm "$CG" build "$WORK/site" --no-search)
cg_warm_img=$(stage_secs cg-warm)

if [ "${BENCH_SKIP_HUGO:-0}" != 1 ]; then
  hv=$(hugo version | awk '{print $2}')
  rm -rf "$WORK/hugo/resources" "$WORK/hugo/public"
  read -r hu_cold_wall hu_cold_cpu hu_cold_rss < <(timed hugo-cold hugo --source "$WORK/hugo" --quiet)
  read -r hu_warm_wall hu_warm_cpu hu_warm_rss < <(timed hugo-warm hugo --source "$WORK/hugo" --quiet)
fi

page=$(node "$REPO/tests/browser/images.test.js" "$WORK/site/public" cases/anli-000.html 5 2>&1 || true)

zip=$WORK/u.zip
"$CG" pack "$WORK/site" -o "$zip" > "$WORK/pack.out" 2>&1
zip_bytes=$(stat -c %s "$zip")
saving=$(grep '^照片 ' "$WORK/pack.out" || true)

mb() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b/1048576}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
{
  echo "## Image benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m))"
  echo
  echo "$photos photos of 4000×3000 ($(mb "$orig_bytes") of originals, GPS in every one), $CASES cases; generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", b-a}') s."
  echo
  echo "| run | wall s | CPU s | peak RSS MB | image stage s |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| chengguo build, cold | $cg_cold_wall | $cg_cold_cpu | $cg_cold_rss | $cg_cold_img |"
  echo "| chengguo build, warm (no change) | $cg_warm_wall | $cg_warm_cpu | $cg_warm_rss | $cg_warm_img |"
  if [ "${BENCH_SKIP_HUGO:-0}" != 1 ]; then
    echo "| hugo $hv, cold | $hu_cold_wall | $hu_cold_cpu | $hu_cold_rss | — |"
    echo "| hugo $hv, warm | $hu_warm_wall | $hu_warm_cpu | $hu_warm_rss | — |"
  fi
  echo
  echo "- warm / cold (chengguo): $(ratio "$cg_warm_wall" "$cg_cold_wall")"
  [ "${BENCH_SKIP_HUGO:-0}" = 1 ] || echo "- chengguo cold / hugo cold (wall): $(ratio "$cg_cold_wall" "$hu_cold_wall")"
  echo "- zip: $(mb "$zip_bytes") = $(awk -v a="$zip_bytes" -v b="$orig_bytes" 'BEGIN {printf "%.1f%%", 100*a/b}') of the originals"
  echo "- pack: $saving"
  echo "- case page with 5 photos:"
  echo "$page" | sed 's/^/  - /'
} | tee "${BENCH_RESULTS:-/tmp/chengguo-images-results.md}"
