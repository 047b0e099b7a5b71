#!/bin/bash
# bench/hook_cost.sh - what a Lua hook costs per frame (SPEC.md, "Lua hooks"). Variants of the
# reference short (bench/ref-short.vid, 60 s 1080x1920, 1800 frames) with a Lua effect on every
# photo, so a hook runs on every frame:
#
#   none       the reference as it is
#   params     an effect whose params() returns a scale: the bare cost of a Lua call per frame
#   grain      stdlib grain (canvas:noise over the photo's pixels, in C)
#   vignette   stdlib vignette (canvas:radial_gradient over the photo)
#
# compose: `vidc sheet --frames 200` of each (200 frames spread over the video, composed by the
#          frame graph, no encoder): (variant - none) / 200 is the hook's cost per frame.
# render:  `vidc render` of none and grain: the whole pipeline, against the render bound of
#          bench/run.sh (real-time factor >= 2 for this 60 s video).
# Wall times on a shared machine are noisy; HOOK_REPEAT=N (default 2) keeps each one's best.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VIDC=$BUILD/vidc
REPEAT=${HOOK_REPEAT:-2}
RENDER=${HOOK_RENDER:-1}
[ -x "$VIDC" ] || { echo "hook_cost: $VIDC is missing: run make" >&2; exit 2; }
[ -f /work/shared/bench/assets/adwaita-l.jpg ] || { echo "hook_cost: the bench assets are missing" >&2; exit 2; }
OUT=$(mktemp -d /tmp/vidc-hook-cost.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

cat >"$OUT/scale.lua" <<'EOF'
return { params = function(ctx) return { scale = 1 + 0.01 * ctx.progress } end }
EOF
variant() { # NAME EFFECT-STATEMENT
	sed -e "s|kenburns { zoom 1 -> 1.15 } }|kenburns { zoom 1 -> 1.15 }; $2 }|" bench/ref-short.vid >"$OUT/$1.vid"
}
cp bench/ref-short.vid "$OUT/none.vid"
variant params 'effect scaler { }'
sed -i "1i hook scaler \"$OUT/scale.lua\"" "$OUT/params.vid"
variant grain 'effect grain { amount 0.05 }'
variant vignette 'effect vignette { strength 0.6 }'

secs() { # CMD... -> wall seconds of the fastest of REPEAT runs
	local best=""
	for ((r = 1; r <= REPEAT; r++)); do
		local t0 t1
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>"$OUT/err" || { echo "hook_cost: failed: $*" >&2; tail -3 "$OUT/err" >&2; exit 1; }
		t1=$(date +%s.%N)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" 'BEGIN { d = b - a; if (m == "" || d < m) m = d; printf "%.3f", m }')
	done
	echo "$best"
}

echo "hook_cost: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), best of $REPEAT"
declare -A T
for v in none params grain vignette; do
	T[$v]=$(secs "$VIDC" sheet "$OUT/$v.vid" --frames 200 --cols 20 --width 2000 -o "$OUT/$v.png")
	printf "compose %-9s %7.2f s for 200 frames\n" "$v" "${T[$v]}"
done
for v in params grain vignette; do
	awk -v v="$v" -v a="${T[none]}" -v b="${T[$v]}" \
		'BEGIN { printf "hook %-9s %+7.2f ms per frame\n", v, (b - a) * 1000 / 200 }'
done
if [ "$RENDER" = 1 ]; then
	rn=$(secs "$VIDC" render "$OUT/none.vid" --progress none -o "$OUT/none.mp4")
	rg=$(secs "$VIDC" render "$OUT/grain.vid" --progress none -o "$OUT/grain.mp4")
	awk -v a="$rn" -v b="$rg" 'BEGIN {
		printf "render none   %6.2f s  (real-time factor %.2fx)\n", a, 60 / a
		printf "render grain  %6.2f s  (real-time factor %.2fx; bound >= 2)  %+.1f %%\n", b, 60 / b, (b - a) * 100 / a }'
fi
