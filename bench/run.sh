#!/bin/bash
# bench/run.sh - vidc's speed benchmark (`make bench`; see bench/README.md). Builds nothing:
# it uses what make built (build/vidc, build/encode_only). In one run, on the same machine:
#
#   baseline   build/encode_only: vidc's encoder code path (runtime/encode.c, same preset, CRF,
#              sliced threads, peak check, statistics, AAC, faststart) fed the exact pictures and
#              sound vidc encodes: the frames of `vidc render -o ref.y4m` (uncompressed) from a
#              mapped file, handed to x264 without a copy, and vidc's mix decoded from its MP4:
#              what the encoder alone needs for these 1800 frames
#   trivial    the same with a solid grey RGBA frame (through vidc's RGB->YUV step): the
#              encoder on a picture that costs it almost nothing, for reference
#   vidc       vidc render bench/ref-short.vid (60 s, tiktok)
#   peer       shared/bench/ffmpeg-short.sh: the same video by one ffmpeg command line (the
#              shared folder: ../shared/bench beside the repository or VIDC_BENCH_SHARED=DIR)
#   long       vidc render of the 10-minute variant (bench/make-long.sh): peak RSS vs 60 s
#   psnr       encoded frames against `vidc frame` at several times (ffmpeg's psnr filter)
#
# Wall times on a shared machine are noisy: every ratio below compares runs of this one
# invocation. BENCH_REPEAT=N (default 2) repeats the baseline/vidc/peer timings and keeps each
# one's fastest run; BENCH_LONG=0 skips the 10-minute render; BENCH_OUT=DIR keeps the outputs.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VIDC=$BUILD/vidc
ENC=$BUILD/encode_only
REPEAT=${BENCH_REPEAT:-2}
LONG=${BENCH_LONG:-1}
FPS=30
FRAMES=1800

for f in "$VIDC" "$ENC"; do
	[ -x "$f" ] || { echo "bench: $f is missing: run 'make bench' (or make all $ENC)" >&2; exit 2; }
done
. bench/shared.sh
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }

bench_out vidc-bench

# timed NAME CMD... : runs CMD under /usr/bin/time -v; records wall s, user+sys s, peak RSS KB
timed() {
	local name=$1
	shift
	/usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.log" 2>&1 || {
		echo "bench: $name failed:" >&2
		tail -5 "$OUT/$name.log" >&2
		exit 1
	}
	# encode_only times itself (without paging in its input): its figures win
	awk -v n="$name" -F': ' '
		/Elapsed \(wall clock\)/ { k = split($2, p, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + p[i] }
		/User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
		/^encode_only: wall/ { split($0, f, " "); ew = f[3]; ec = f[6] }
		END { if (ew != "") { w = ew; u = ec; s = 0 }
		      printf "%s %.2f %.2f %d\n", n, w, u + s, r }' "$OUT/$name.time" "$OUT/$name.log" >>"$OUT/runs.txt"
}

# best NAME -> "wall cpu rss" of the fastest run recorded under NAME
best() {
	awk -v n="$1" '$1 == n && (w == "" || $2 < w) { w = $2; c = $3; r = $4 } END { print w, c, r }' "$OUT/runs.txt"
}

: >"$OUT/runs.txt"
echo "bench: outputs in $OUT"
[ -x bench/compile.sh ] && { echo "bench: compiler benchmark (bench/compile.sh)"; bench/compile.sh; }

# The baseline's input (not timed): the pictures vidc hands x264, uncompressed (a .y4m render,
# its FRAME lines dropped), and the sound it hands the AAC encoder (its mix, decoded from an MP4
# render). Until session 12 the pictures were decoded from vidc's MP4: smoothed by the encoding,
# they cost x264 10 % fewer bytes and about as much less CPU than vidc's own.
echo "bench: preparing the baseline's raw frames and sound"
"$VIDC" render "$SPEC" --progress none -o "$OUT/prep.mp4" 2>/dev/null
ffmpeg -v error -y -i "$OUT/prep.mp4" -vn -f f32le -ac 2 -ar 48000 "$OUT/ref.pcm"
"$VIDC" render "$SPEC" --progress none -o "$OUT/ref.y4m" 2>/dev/null
ffmpeg -v error -y -i "$OUT/ref.y4m" -f rawvideo -pix_fmt yuv420p "$OUT/ref.yuv"
rm -f "$OUT/ref.y4m" "$OUT/prep.mp4"
cat "$OUT/ref.yuv" >/dev/null # into the page cache: the baseline should not wait on the disk

for ((r = 1; r <= REPEAT; r++)); do
	echo "bench: round $r/$REPEAT: baseline, vidc, trivial, peer"
	timed baseline "$ENC" -a "$OUT/ref.pcm" yuv "$OUT/ref.yuv" "$OUT/baseline.mp4"
	timed vidc "$VIDC" render "$SPEC" --progress none -o "$OUT/vidc.mp4"
	timed trivial "$ENC" solid "$OUT/trivial.mp4" $FRAMES
	timed peer "$SHARED/ffmpeg-short.sh" "$OUT/peer.mp4"
done
rm -f "$OUT/ref.yuv" "$OUT/ref.pcm"

if [ "$LONG" = 1 ]; then
	echo "bench: the 10-minute variant (peak RSS)"
	bench/make-long.sh "$OUT/ref-long.vid" 10
	timed long "$VIDC" render "$OUT/ref-long.vid" --progress none -o "$OUT/long.mp4"
fi

# PSNR of encoded frames against vidc's uncompressed frames, both in yuv420p BT.709 limited range:
# a dissolve, keyframes (every 2 s) and frames between them in each scene.
echo "bench: PSNR"
: >"$OUT/psnr.txt"
for f in 75 150 306 360 450 659 760 1050 1205 1380 1650 1799; do
	"$VIDC" frame "$SPEC" --at ${f}f -o "$OUT/f.png" 2>/dev/null
	ss=$(awk -v f=$f -v r=$FPS 'BEGIN { printf "%.4f", (f - 0.5) / r }')
	ffmpeg -v error -y -ss "$ss" -i "$OUT/vidc.mp4" -frames:v 1 -f rawvideo -pix_fmt yuv420p "$OUT/e.yuv"
	: >"$OUT/r.yuv"
	bench_ref_yuv "$OUT/f.png" "$OUT/r.yuv"
	ffmpeg -f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$OUT/e.yuv" -f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$OUT/r.yuv" \
		-lavfi psnr -f null - 2>&1 | grep -o 'PSNR y:[0-9.]* .*average:[0-9.inf]*' |
		sed -e 's/PSNR //' -e 's/[a-z]*://g' | awk -v f=$f '{ print f, $1, $4 }' >>"$OUT/psnr.txt"
done

read -r bw bc _ < <(best baseline)
read -r tw tc _ < <(best trivial)
read -r vw vc vr < <(best vidc)
read -r pw pc _ < <(best peer)
size=$(stat -c %s "$OUT/vidc.mp4")
# The baseline encodes the very pictures vidc does when its H.264 stream is vidc's, bit for bit
# (x264 on sliced threads is deterministic: SPEC.md, "The same spec gives the same file").
h264() { ffmpeg -v error -i "$1" -map 0:v -c copy -f h264 - | md5sum | cut -c1-32; }
if [ "$(h264 "$OUT/baseline.mp4")" = "$(h264 "$OUT/vidc.mp4")" ]; then
	same="the same H.264 stream as vidc's, bit for bit"
else
	same="ANOTHER H.264 stream than vidc's: not the same pictures, the ratios below compare unlike work"
fi
psize=$(stat -c %s "$OUT/peer.mp4")
lr=""
[ "$LONG" = 1 ] && read -r lw lc lr < <(best long)

{
	echo
	echo "vidc bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "reference: bench/ref-short.vid, 60 s 1080x1920 at $FPS fps ($FRAMES frames), best of $REPEAT"
	echo
	printf "%-44s %9s %9s %10s\n" "run" "wall s" "cpu s" "peak RSS"
	printf "%-44s %9s %9s %10s\n" "baseline: encoder on the same pictures (yuv)" "$bw" "$bc" ""
	printf "%-44s %9s %9s %10s\n" "trivial: encoder on a solid frame" "$tw" "$tc" ""
	printf "%-44s %9s %9s %8d MB\n" "vidc render ref-short.vid" "$vw" "$vc" $((vr / 1024))
	printf "%-44s %9s %9s %10s\n" "peer: ffmpeg-short.sh (zoompan/xfade/...)" "$pw" "$pc" ""
	[ "$LONG" = 1 ] && printf "%-44s %9s %9s %8d MB\n" "vidc render, 10-minute variant" "$lw" "$lc" $((lr / 1024))
	echo "baseline: $same"
	echo
	awk -v v="$vw" -v b="$bw" -v vc="$vc" -v bc="$bc" -v p="$pw" -v t="$tw" 'BEGIN {
		printf "vidc / baseline   wall %.2f   cpu %.2f   (issue 17: both <= 1.10)\n", v / b, vc / bc
		printf "vidc / trivial    wall %.2f\n", v / t
		printf "vidc / ffmpeg     wall %.2f   (must be < 1; ffmpeg takes %.2fx vidc)\n", v / p, p / v
		printf "real-time factor  %.2fx   (60 s / vidc wall; aim >= 2)\n", 60 / v }'
	[ "$LONG" = 1 ] && awk -v a="$vr" -v b="$lr" 'BEGIN {
		printf "peak RSS          60 s %d MB, 10 min %d MB: %+.1f %%   (target within 10 %%)\n", a / 1024, b / 1024, (b - a) * 100 / a }'
	echo "output size       vidc $((size / 1000)) kB ($(awk -v s=$size 'BEGIN { printf "%.2f", s * 8 / 60 / 1e6 }') Mb/s; TikTok budget 72 MB), peer $((psize / 1000)) kB"
	echo
	echo "PSNR, encoded vs vidc frame (yuv420p), dB:"
	awk '{ printf "  frame %5d (%6.2f s)  Y %6.2f  average %6.2f\n", $1, $1 / 30, $2, $3; s += $3; n++; if (m == "" || $3 < m) m = $3 }
		END { printf "  mean of averages %.2f, lowest %.2f   (floor 40)\n", s / n, m }' "$OUT/psnr.txt"
} | tee "$OUT/summary.txt"
