#!/bin/sh
# Vector levels (issue 17): every golden frame composed with VIDC_SIMD=scalar (the Lua ones also
# with sse2, where the CPU has AVX2) has exactly the bytes of the default level's frame, so the SSE2/AVX2 kernels
# and their scalar twins agree on whole frames (draw.c's resampling, transitions, the Lua
# effects' gradients and grain), not only on the rows tests/unit/runtime_simd.c compares. A
# VIDC_SIMD that names no level is refused.
# Each level's frames are composed by one process: `vidc golden --update --all` on a copy of
# tests/golden writes the frame of every golden name (through the same still_frame as `vidc
# frame`, the PNG by the same writer), so one start-up and one compile per spec serve all of a
# level's frames (68 `vidc frame` processes per level took 70-90 s of the suite); the PNGs of
# two levels are then compared byte for byte.
. "$(dirname "$0")/lib.sh"

# the golden specs take their pictures from examples/assets and tests/fixtures (golden.sh)
avx2=0
grep -qw avx2 /proc/cpuinfo 2>/dev/null && avx2=1
# Under the sanitizers (VIDC_SANITIZE=1) the frames are not composed again: ASan does not change
# what a kernel computes, so the equality is the gcc suite's, and no C would run here that the
# sanitizer run does not already check: tests/unit/runtime_simd.c runs every kernel at every level
# this CPU has, the scalar twins included, on rows of 1 to 1081 pixels with unaligned starts, and
# golden.sh composes every golden frame through the same callers (they hand simd_level() to the
# kernels and do not branch on it). The refusal of an unknown level below runs in both.
if [ "${VIDC_SANITIZE:-0}" != 1 ]; then
# The copies keep the specs' relative names: $tmp/t/LEVEL/X.vid reads ../fixtures and
# ../../examples/assets as tests/golden/X.vid does.
mkdir -p "$tmp/t" "$tmp/examples"
cp -R tests/fixtures "$tmp/t/fixtures" && cp -R examples/assets "$tmp/examples/assets" || say "cannot copy the assets"
allow="--allow $tmp/t/fixtures --allow $tmp/examples/assets"
# compose LEVEL GLOB: the frame of every golden matching GLOB at VIDC_SIMD=LEVEL (default: unset),
# in $tmp/t/LEVEL/golden/
compose() {
	d=$tmp/t/$1
	mkdir -p "$d/golden"
	cp tests/golden/*.vid "$d/"
	k=0
	for g in tests/golden/golden/$2.png; do
		case $g in *.actual.png | *.diff.png) continue ;; esac
		: >"$d/golden/$(basename "$g")"
		k=$((k + 1))
	done
	if [ "$1" = default ]; then
		# shellcheck disable=SC2086
		expect 0 "the goldens at the default level" -- "$VIDC" golden "$d" --update --all $allow
	else
		# shellcheck disable=SC2086
		VIDC_SIMD=$1 expect 0 "the goldens at $1" -- "$VIDC" golden "$d" --update --all $allow
	fi
	has "$tmp/out" "golden: $k checked, 0 failed" "the goldens at $1"
}
compose default '*'
compose scalar '*'
[ $avx2 = 1 ] && compose sse2 'lua-*'
n=0
for g in "$tmp"/t/default/golden/*.png; do
	name=$(basename "$g" .png)
	[ -s "$g" ] || say "$name: no frame at the default level"
	for l in scalar sse2; do
		[ -d "$tmp/t/$l" ] || continue
		case $l$name in sse2lua-*) ;; sse2*) continue ;; esac
		cmp -s "$g" "$tmp/t/$l/golden/$name.png" || say "$name: VIDC_SIMD=$l composes other bytes than the default level"
	done
	n=$((n + 1))
done
echo "simd_levels: $n golden frames compared"
[ "$n" -ge 20 ] || say "only $n golden frames compared"
fi

VIDC_SIMD=mmx expect 2 "an unknown VIDC_SIMD" -- "$VIDC" check examples/cold-brew.vid
has "$tmp/err" "VIDC_SIMD=mmx names no vector level (scalar, sse2 or avx2)" "the unknown level's message"
exit $fail
