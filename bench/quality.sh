#!/bin/bash
# bench/quality.sh - quality per bit of the reference short (issue 17): luma PSNR of EVERY 15th
# frame (0, 15, ..., 1785: 120 frames, every scene, dissolve and keyframe phase) of
# `vidc render bench/ref-short.vid` against `vidc frame` of the same frame, both yuv420p BT.709
# limited range (bench_ref_yuv, as bench/run.sh converts), with the file size beside the
# platform's size budget. Prints the worst frames, the mean and the size; writes per-frame
# figures to OUT/quality.txt. Not a timing: a busy machine does not change the result.
#   BUILD=build bench/quality.sh          (BENCH_OUT=DIR keeps the outputs; STEP=N another stride)
# BENCH_REFS=DIR keeps each reference frame as DIR/FRAME.yuv and reuses it on the next run: the
# references depend on composition only, so runs that change the encoder alone can share them
# (empty DIR after a change of composition). VIDC_STDLIB=DIR renders with that stdlib (another
# platforms.json: another budget) and reads the budget from it. BENCH_MP4=FILE measures FILE (a
# render of bench/ref-short.vid made beforehand, e.g. with bench/mem.sh) instead of rendering.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VIDC=$BUILD/vidc
STEP=${STEP:-15}
[ -x "$VIDC" ] || { echo "bench: $VIDC is missing: run make" >&2; exit 2; }
. bench/shared.sh
bench_out vidc-quality

if [ -n "${BENCH_MP4:-}" ]; then # a render of the reference made elsewhere (another build's)
	cp "$BENCH_MP4" "$OUT/q.mp4"
else
	echo "bench: rendering $SPEC"
	"$VIDC" render "$SPEC" --progress none -o "$OUT/q.mp4"
fi
read -r W H FR NB < <(ffprobe -v error -select_streams v:0 -count_packets \
	-show_entries stream=width,height,nb_read_packets,r_frame_rate -of csv=p=0 "$OUT/q.mp4" |
	awk -F, '{ print $1, $2, $3, $4 }')

echo "bench: the encoded frames 0, $STEP, ... of $NB"
ffmpeg -v error -y -i "$OUT/q.mp4" -vf "select=not(mod(n\\,$STEP))" -fps_mode passthrough \
	-f rawvideo -pix_fmt yuv420p "$OUT/enc.yuv"
echo "bench: vidc frame at the same frames"
REFS=${BENCH_REFS:-$OUT/refs}
mkdir -p "$REFS"
: >"$OUT/ref.yuv"
for ((f = 0; f < NB; f += STEP)); do
	if [ ! -s "$REFS/$f.yuv" ]; then
		"$VIDC" frame "$SPEC" --at ${f}f -o "$OUT/f.png" 2>/dev/null
		rm -f "$REFS/$f.yuv.$$"
		bench_ref_yuv "$OUT/f.png" "$REFS/$f.yuv.$$" && mv "$REFS/$f.yuv.$$" "$REFS/$f.yuv"
	fi
	cat "$REFS/$f.yuv" >>"$OUT/ref.yuv"
done
[ -n "${BENCH_REFS:-}" ] || rm -rf "$REFS"
ffmpeg -v error -f rawvideo -pix_fmt yuv420p -s ${W}x$H -i "$OUT/enc.yuv" \
	-f rawvideo -pix_fmt yuv420p -s ${W}x$H -i "$OUT/ref.yuv" \
	-lavfi "psnr=stats_file=$OUT/psnr.log" -f null -
rm -f "$OUT/enc.yuv" "$OUT/ref.yuv" "$OUT/f.png"
# psnr.log: "n:1 mse_avg:.. ... psnr_y:.. ..." per compared frame; n counts from 1
awk -v s=$STEP -v fr="$FR" '{ for (i = 1; i <= NF; i++) { split($i, kv, ":"); v[kv[1]] = kv[2] }
	split(fr, r, "/"); f = (v["n"] - 1) * s
	printf "%d %.3f %.2f %.2f\n", f, f * r[2] / r[1], v["psnr_y"], v["psnr_avg"] }' "$OUT/psnr.log" >"$OUT/quality.txt"
[ "$(wc -l <"$OUT/quality.txt")" -eq $(((NB + STEP - 1) / STEP)) ] ||
	{ echo "bench: compared $(wc -l <"$OUT/quality.txt") frames, expected $(((NB + STEP - 1) / STEP))" >&2; exit 1; }

preset=$(awk '$1 == "preset" { print $2; exit }' "$SPEC")
budget=$(python3 -c 'import json, sys
for p in json.load(open(sys.argv[1]))["presets"]:
    if p["name"] == sys.argv[2]: print(p["size"]["max_bytes"])' "${VIDC_STDLIB:-stdlib}/platforms.json" "$preset")
size=$(stat -c %s "$OUT/q.mp4")
secs=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$OUT/q.mp4")
echo
echo "quality per bit, $SPEC: luma PSNR of every ${STEP}th frame ($(wc -l <"$OUT/quality.txt") frames) vs vidc frame"
sort -k3,3n "$OUT/quality.txt" | head -5 | awk '{ printf "  worst  frame %5d (%6.2f s)  Y %6.2f dB\n", $1, $2, $3 }'
awk '{ s += $3; n++; if ($3 < 40) b++ } END { printf "  mean Y %.2f dB over %d frames; %d below 40 dB\n", s / n, n, b }' "$OUT/quality.txt"
awk -v z=$size -v b=$budget -v t=$secs -v p=$preset 'BEGIN {
	printf "  file %.1f MB (%.2f Mb/s over %.1f s) of the %s budget %.0f MB (%.1f %%)\n",
		z / 1e6, z * 8 / t / 1e6, t, p, b / 1e6, 100 * z / b }'
