#!/bin/bash
# bench/pieces.sh [MINUTES] - what split renders and the piece cache buy (issue 14's figures), from
# the repository's root, with the shared reference assets (bench/shared.sh).
#
# The long variant of the reference (bench/make-long.sh, youtube_long 1920x1080, MINUTES
# minutes, default 10) is rendered:
#   T1      in one process, one pass (vidc render, no cache);
#   pieces  for N = 2, 4, 8, 16: every piece K of N on its own (vidc render --pieces N --piece K),
#           one after the other on this machine, each timed, then the join (vidc join);
#   queue   the queue's own cost with two real Celery workers on a real redis-server
#           (bench/celery_overhead.py: enqueue to a task's start, last piece's end to the join's
#           start, medians);
#   edit    a cached render (vidc render --cache), one scene's title edited, rendered again.
# The critical path on N machines is computed from these measured times (this machine has 2
# cores): the slowest piece + the join + the queue's start and join latencies. Printed as a table
# and kept in $BENCH_OUT/pieces.txt when BENCH_OUT is set. Targets (issue 14): N = 8 within
# 0.2 x T1; the edit within 0.1 x T1.
set -eu
MIN=${1:-10}
VIDC=${VIDC:-build/vidc}
VIDC=$(cd "$(dirname "$VIDC")" && pwd)/$(basename "$VIDC")
. bench/shared.sh
bench_out pieces
LONG=$OUT/long.vid
bash bench/make-long.sh "$LONG" "$MIN" youtube_long
export VIDC_CACHE_DIR=$OUT/cache

# secs CMD...: runs CMD, prints its wall time in seconds (3 decimals)
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>"$OUT/last.err" || { cat "$OUT/last.err" >&2; exit 1; }
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}

report=$OUT/pieces.txt
: >"$report"
say() { echo "$*" | tee -a "$report"; }

say "bench/pieces.sh: $MIN-minute youtube_long variant, $(nproc) cores, $(date -u +%FT%TZ)"
T1=$(secs "$VIDC" render "$LONG" -o "$OUT/single.mp4")
say "T1 single pass                       ${T1} s"

read -r QSTART QSTARTMAX < <(/usr/bin/python3 bench/celery_overhead.py --pieces 8 --rounds 5 | awk '/^start_ms/{print $2/1000, $3/1000}')
read -r QJOIN QJOINMAX < <(/usr/bin/python3 bench/celery_overhead.py --pieces 8 --rounds 5 | awk '/^join_ms/{print $2/1000, $3/1000}')
say "queue: enqueue->start ${QSTART} s (worst ${QSTARTMAX}), last piece->join ${QJOIN} s (worst ${QJOINMAX})"

say ""
say "N   pieces (s): slowest  mean   sum    join   critical path   x T1   speedup"
for N in 2 4 8 16; do
	times=""
	for ((K = 1; K <= N; K++)); do
		t=$(secs "$VIDC" render "$LONG" --pieces "$N" --piece "$K" -o "$OUT/p$N-$K.mp4")
		times="$times $t"
	done
	files=()
	for ((K = 1; K <= N; K++)); do files+=("$OUT/p$N-$K.mp4"); done
	J=$(secs "$VIDC" join "${files[@]}" -o "$OUT/joined$N.mp4")
	frames1=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$OUT/single.mp4")
	framesN=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$OUT/joined$N.mp4")
	[ "$frames1" = "$framesN" ] || say "  (!) joined $N pieces: $framesN frames, single pass $frames1"
	echo "$N $times" | awk -v j="$J" -v t1="$T1" -v qs="$QSTART" -v qj="$QJOIN" '{
		max = 0; sum = 0
		for (i = 2; i <= NF; i++) { sum += $i; if ($i > max) max = $i }
		crit = qs + max + qj + j
		printf "%-3d %21.2f %6.2f %6.1f %6.2f %13.2f s %7.3f %7.2fx\n", $1, max, sum / (NF - 1), sum, j, crit, crit / t1, t1 / crit
	}' | tee -a "$report"
	rm -f "$OUT"/p$N-*.mp4 "$OUT/joined$N.mp4"
done

say ""
C1=$(secs "$VIDC" render "$LONG" --cache -o "$OUT/cached.mp4")
# one scene's title (the 30th scene, or the middle one of a shorter video) edited
n=$(grep -c '^scene' "$LONG")
k=$(( n >= 30 ? 30 : (n + 1) / 2 ))
awk -v k="$k" '/^scene/{s++} s == k && /^  text "/{sub(/^  text "[^"]*"/, "  text \"An edited title\""); } {print}' "$LONG" >"$LONG.new"
mv "$LONG.new" "$LONG"
C2=$(secs "$VIDC" render "$LONG" --cache -o "$OUT/cached.mp4")
enc=$(grep -o '[0-9]* pieces: [0-9]* encoded, [0-9]* from the cache' "$OUT/last.err" || true)
echo "$T1 $C1 $C2" | awk -v e="$enc" '{printf "edit one title: first cached render %.2f s, after the edit %.2f s = %.3f x T1 (%s)\n", $2, $3, $3 / $1, e}' | tee -a "$report"
