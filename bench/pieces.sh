#!/bin/bash
# bench/pieces.sh [MINUTES [all|edit|N...]] - what split renders and the piece cache buy (issue 14's figures), from
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
#   edit    a cached render (vidc render --cache), one scene's title edited, rendered again: the
#           pieces the scene touches are encoded, the rest and the soundtrack come from the cache;
#           wall and CPU seconds of both renders and the load average.
# The second argument picks a part: all (default), edit (the edit alone; T1=SECONDS from an
# earlier run for the ratio, else it is given against the first cached render's CPU seconds),
# or a list of N (T1 and those pieces' rows only).
# The critical path on N machines is computed from these measured times (this machine has 2
# cores): the slowest piece + the join + the queue's start and join latencies. Printed as a table
# and kept in $BENCH_OUT/pieces.txt when BENCH_OUT is set. Targets (issue 14): N = 8 within
# 0.2 x T1; the edit within 0.1 x T1.
set -eu
MIN=${1:-10}
MODE=${2:-all}
NS="2 4 8 16"
case $MODE in all | edit) ;; *) shift; NS="$*" ;; esac
VIDC=${VIDC:-build/vidc}
VIDC=$(cd "$(dirname "$VIDC")" && pwd)/$(basename "$VIDC")
. bench/shared.sh
bench_out pieces
LONG=$OUT/long.vid
bash bench/make-long.sh "$LONG" "$MIN" youtube_long
export VIDC_CACHE_DIR=$OUT/cache

# secs CMD...: runs CMD, prints its wall time in seconds (3 decimals); its CPU seconds (user +
# system) go to $OUT/last.cpu
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	/usr/bin/time -f "%U %S" -o "$OUT/last.time" "$@" >/dev/null 2>"$OUT/last.err" || { cat "$OUT/last.err" >&2; exit 1; }
	t1=$(date +%s.%N)
	awk '{printf "%.1f", $1 + $2}' "$OUT/last.time" >"$OUT/last.cpu"
	echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

report=$OUT/pieces.txt
: >"$report"
say() { echo "$*" | tee -a "$report"; }

say "bench/pieces.sh: $MIN-minute youtube_long variant, $(nproc) cores, $(date -u +%FT%TZ), load $(load)"
edit() {
	C1=$(secs "$VIDC" render "$LONG" --cache -o "$OUT/cached.mp4")
	CPU1=$(cat "$OUT/last.cpu")
	# one scene's title (the 30th scene, or the middle one of a shorter video) edited
	n=$(grep -c '^scene' "$LONG")
	k=$(( n >= 30 ? 30 : (n + 1) / 2 ))
	awk -v k="$k" '/^scene/{s++} s == k && /^  text "/{sub(/^  text "[^"]*"/, "  text \"An edited title\""); } {print}' "$LONG" >"$LONG.new"
	mv "$LONG.new" "$LONG"
	L=$(load)
	C2=$(secs "$VIDC" render "$LONG" --cache -o "$OUT/cached.mp4")
	CPU2=$(cat "$OUT/last.cpu")
	enc=$(grep -o '[0-9]* pieces: [0-9]* encoded, [0-9]* from the cache' "$OUT/last.err" || true)
	snd=$(sed -n 's/^vidc render: soundtrack: //p' "$OUT/last.err")
	echo "${T1:--} $C1 $C2 $CPU1 $CPU2" | awk -v e="$enc" -v s="$snd" -v l="$L" '{
		r = $1 == "-" ? "T1 not measured here" : sprintf("%.3f x T1", $3 / $1)
		printf "edit one title: first cached render %.2f s (%.1f CPU s), after the edit %.2f s (%.1f CPU s, load %s) = %s, %.3f x the first render'"'"'s CPU s (%s; soundtrack %s)\n", $2, $4, $3, $5, l, r, $5 / $4, e, s
	}' | tee -a "$report"
}
if [ "$MODE" = edit ]; then
	edit
	exit 0
fi
T1=$(secs "$VIDC" render "$LONG" -o "$OUT/single.mp4")
say "T1 single pass                       ${T1} s ($(cat "$OUT/last.cpu") CPU s)"

QSTART=0 QJOIN=0
[ "$MODE" = all ] && {
read -r QSTART QSTARTMAX < <(/usr/bin/python3 bench/celery_overhead.py --pieces 8 --rounds 5 | awk '/^start_ms/{print $2/1000, $3/1000}')
read -r QJOIN QJOINMAX < <(/usr/bin/python3 bench/celery_overhead.py --pieces 8 --rounds 5 | awk '/^join_ms/{print $2/1000, $3/1000}')
say "queue: enqueue->start ${QSTART} s (worst ${QSTARTMAX}), last piece->join ${QJOIN} s (worst ${QJOINMAX})"
}

say ""
say "N   pieces (s): slowest  mean   sum    join   critical path   x T1   speedup"
for N in $NS; do
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

[ "$MODE" = all ] || exit 0
say ""
edit
