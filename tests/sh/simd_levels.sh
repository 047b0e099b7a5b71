#!/bin/sh
# Vector levels (issue 17): every golden frame composed with VIDC_SIMD=scalar (the Lua ones also
# with sse2, where the CPU has AVX2) has exactly the bytes of the default level's frame, so the SSE2/AVX2 kernels
# and their scalar twins agree on whole frames (draw.c's resampling, transitions, the Lua
# effects' gradients and grain), not only on the rows tests/unit/runtime_simd.c compares. A
# VIDC_SIMD that names no level is refused.
. "$(dirname "$0")/lib.sh"

# the golden specs take their pictures from examples/assets and tests/fixtures (golden.sh)
allow="--allow tests/fixtures --allow examples/assets"
avx2=0
grep -qw avx2 /proc/cpuinfo 2>/dev/null && avx2=1
# Under the sanitizers (VIDC_SANITIZE=1) the frames are not composed again: ASan does not change
# what a kernel computes, so the equality is the gcc suite's, and no C would run here that the
# sanitizer run does not already check: tests/unit/runtime_simd.c runs every kernel at every level
# this CPU has, the scalar twins included, on rows of 1 to 1081 pixels with unaligned starts, and
# golden.sh composes every golden frame through the same callers (they hand simd_level() to the
# kernels and do not branch on it). The refusal of an unknown level below runs in both.
if [ "${VIDC_SANITIZE:-0}" != 1 ]; then
n=0
for g in tests/golden/golden/*.png; do
	case $g in *.actual.png | *.diff.png) continue ;; esac
	name=$(basename "$g" .png)
	spec=${name%%@*}
	rest=${name#*@}
	at=${rest%%@*}
	preset=""
	levels=scalar
	case $spec in lua-*) [ $avx2 = 1 ] && levels="scalar sse2" ;; esac
	[ "$rest" != "$at" ] && preset="--preset ${rest#*@}"
	# shellcheck disable=SC2086
	expect 0 "$name at the default level" -- "$VIDC" frame "tests/golden/$spec.vid" --at "$at" $preset $allow -o "$tmp/d.png"
	for l in $levels; do
		# shellcheck disable=SC2086
		VIDC_SIMD=$l expect 0 "$name at $l" -- "$VIDC" frame "tests/golden/$spec.vid" --at "$at" $preset $allow -o "$tmp/$l.png"
		cmp -s "$tmp/d.png" "$tmp/$l.png" || say "$name: VIDC_SIMD=$l composes other bytes than the default level"
	done
	n=$((n + 1))
done
[ "$n" -ge 20 ] || say "only $n golden frames compared"
fi

VIDC_SIMD=mmx expect 2 "an unknown VIDC_SIMD" -- "$VIDC" check examples/cold-brew.vid
has "$tmp/err" "VIDC_SIMD=mmx names no vector level (scalar, sse2 or avx2)" "the unknown level's message"
exit $fail
