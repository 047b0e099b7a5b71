# bench/shared.sh - sourced by bench/run.sh and bench/hook_cost.sh (from the repository's root):
# where the shared reference assets are, and how a run gets them. The reference short's inputs
# (six photos, voice.wav, music.wav) and the peer's ffmpeg-short.sh live outside the repository,
# in ../shared/bench beside it (made by its make-assets.sh), or wherever VIDC_BENCH_SHARED names
# (a worktree elsewhere, a copy with its assets made). Nothing names an absolute path.
SHARED=${VIDC_BENCH_SHARED:-${PEER:-../shared/bench}}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd) || {
	echo "bench: no shared bench folder at ${VIDC_BENCH_SHARED:-${PEER:-../shared/bench}}:" \
		"set VIDC_BENCH_SHARED=DIR (a copy of shared/bench with its assets made)" >&2
	exit 2
}
BENCH_ASSETS="adwaita-l.jpg pixels-l.jpg licorice-l.jpg grid-l.jpg wood-l.jpg truchet-d.jpg voice.wav music.wav"
for f in $BENCH_ASSETS; do
	[ -f "$SHARED/assets/$f" ] || {
		echo "bench: $SHARED/assets/$f is missing: run $SHARED/make-assets.sh" \
			"(or set VIDC_BENCH_SHARED to a copy whose assets are made)" >&2
		exit 2
	}
done

# bench_vidc: VIDC is $BUILD/vidc (BUILD defaults to build), which make must have built.
bench_vidc() {
	BUILD=${BUILD:-build}
	VIDC=$BUILD/vidc
	[ -x "$VIDC" ] || { echo "bench: $VIDC is missing: run make" >&2; exit 2; }
}

# bench_stage DIR: copies bench/ref-short.vid and its assets into DIR (DIR/ref-short.vid reads
# DIR/assets/*), so the spec's files sit in its own folder like any project's. A copy, not a
# link: the copy takes a second and is not timed.
bench_stage() {
	mkdir -p "$1/assets"
	for f in $BENCH_ASSETS; do
		cp "$SHARED/assets/$f" "$1/assets/$f"
	done
	cp bench/ref-short.vid "$1/ref-short.vid"
}

# bench_ref_yuv PNG OUT: appends PNG (a `vidc frame`) to OUT as yuv420p BT.709 limited range,
# converted by swscale with exact rounding: what the encoder's input would be, to compare with.
# bench_out NAME: OUT is $BENCH_OUT (kept), else a temp folder /tmp/NAME.XXXXXX removed at
# exit; the reference spec and its assets are staged in it and SPEC names the spec.
bench_out() {
	if [ -n "${BENCH_OUT:-}" ]; then
		OUT=$BENCH_OUT
		mkdir -p "$OUT"
	else
		OUT=$(mktemp -d "/tmp/$1.XXXXXX")
		trap 'rm -rf "$OUT"' EXIT
	fi
	bench_stage "$OUT"
	SPEC=$OUT/ref-short.vid
}

bench_ref_yuv() {
	ffmpeg -v error -i "$1" -vf scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int+bitexact,format=yuv420p \
		-f rawvideo - >>"$2"
}
