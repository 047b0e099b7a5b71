#!/bin/bash
# bench/mem.sh - where vidc's memory goes (issue 17): peak RSS (/usr/bin/time -v) of
# `vidc render bench/ref-short.vid` and of its 10-minute variant (bench/make-long.sh), and, with
# BENCH_HEAPTRACK=1, heaptrack's view of the short (malloc's peak by caller; x264 allocates its
# frames with memalign, which heaptrack does not see: RSS minus heaptrack's peak is mostly x264).
# Also the encoder alone (build/encode_only stream, when make built it) on the short's pictures.
# Not a timing: a busy machine does not change the figures. Keeps the short's render as
# OUT/short.mp4 (bench/quality.sh BENCH_MP4=OUT/short.mp4 measures its PSNR without rendering).
#   BUILD=build bench/mem.sh      BENCH_LONG=0 skips the 10-minute render (about 10x the short)
#   BENCH_SOUNDTRACK=1 [BENCH_VOICE_MINUTES=30] also renders a long narration over solids
set -eu
cd "$(dirname "$0")/.."
. bench/shared.sh
bench_vidc
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }
bench_out vidc-mem

# peak NAME SPEC: renders SPEC to OUT/NAME.mp4 under /usr/bin/time -v, prints its peak RSS
peak() {
	/usr/bin/time -v -o "$OUT/$1.time" "$VIDC" render "$2" --progress none -o "$OUT/$1.mp4" >"$OUT/$1.log" 2>&1 || {
		echo "bench: $1 failed:" >&2
		tail -5 "$OUT/$1.log" >&2
		exit 1
	}
	awk -v n="$1" -F': ' '/Maximum resident/ { printf "%-8s peak RSS %4d MB\n", n, $2 / 1024 }' "$OUT/$1.time"
}

peak short "$SPEC"
# The floor x264 sets: the encoder alone (build/encode_only, vidc's encoder code path and
# settings) fed the short's own 1800 pictures one at a time from a pipe
if [ -x "$BUILD/encode_only" ]; then
	ffmpeg -v error -i "$OUT/short.mp4" -f rawvideo -pix_fmt yuv420p - |
		/usr/bin/time -v -o "$OUT/encoder.time" "$BUILD/encode_only" stream "$OUT/encoder.mp4" 1800 \
			>"$OUT/encoder.log" 2>&1 || { echo "bench: encode_only failed:" >&2; tail -3 "$OUT/encoder.log" >&2; exit 1; }
	awk -F': ' '/Maximum resident/ { printf "encoder  peak RSS %4d MB (encode_only stream: x264 alone)\n", $2 / 1024 }' "$OUT/encoder.time"
fi
if [ "${BENCH_LONG:-1}" = 1 ]; then
	bench/make-long.sh "$OUT/ref-long.vid" 10
	peak long "$OUT/ref-long.vid"
fi
# The soundtrack (session 10): a narration of BENCH_VOICE_MINUTES (default 10; 30 shows the
# growth better) over plain solids at 1 frame/s (cheap frames: what is left is the audio and x264's
# floor), with a looping music bed. The peak must not grow with the narration's length.
if [ "${BENCH_SOUNDTRACK:-0}" = 1 ]; then
	m=${BENCH_VOICE_MINUTES:-10}
	ffmpeg -v error -y -f lavfi -i "aevalsrc='0.3*sin(2*PI*(220+30*sin(2*PI*0.25*t))*t)*gt(sin(2*PI*0.3*t),-0.4)':s=48000:d=$((m * 60))" \
		-ac 1 -c:a pcm_s16le "$OUT/voice$m.wav"
	ffmpeg -v error -y -f lavfi -i "aevalsrc='0.4*sin(2*PI*392*t)|0.3*sin(2*PI*587*t)':s=32000:d=13" \
		-c:a libmp3lame "$OUT/music13.mp3"
	printf 'video { preset youtube_long; fps 1 }\nvoice "voice%s.wav"\nmusic "music13.mp3" { volume 20%% }\nscene a %ss { solid #203040 }\nscene b %ss { solid #402030 }\n' \
		"$m" $((m * 30)) $((m * 30)) >"$OUT/voice$m.vid"
	peak "voice$m" "$OUT/voice$m.vid"
fi
if [ "${BENCH_HEAPTRACK:-0}" = 1 ]; then
	command -v heaptrack >/dev/null || { echo "bench: heaptrack is missing (Debian package 'heaptrack')" >&2; exit 2; }
	heaptrack -o "$OUT/heap" "$VIDC" render "$SPEC" --progress none -o "$OUT/heap.mp4" >"$OUT/heap.log" 2>&1
	heaptrack_print -f "$OUT"/heap.*st -p 1 -n 12 -s 2 -a 0 -T 0 -l 0 2>/dev/null >"$OUT/heap.txt" || true
	grep -E '^(PEAK MEMORY|peak heap memory|peak RSS)|^[0-9.]+[KMG]?B? peak memory consumed' "$OUT/heap.txt" || true
	echo "bench: heaptrack's report: $OUT/heap.txt"
fi
