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
# render:  `vidc render` of none, vignette and grain: the whole pipeline, against the render
#          bound of bench/run.sh (real-time factor >= 2 for this 60 s video).
# HOOK_REPEAT=N (default 2) keeps each one's best run; HOOK_RENDER=0 skips the two renders.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VIDC=$BUILD/vidc
REPEAT=${HOOK_REPEAT:-2}
RENDER=${HOOK_RENDER:-1}
[ -x "$VIDC" ] || { echo "hook_cost: $VIDC is missing: run make" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "hook_cost: /usr/bin/time is missing (Debian package 'time')" >&2; exit 2; }
. bench/shared.sh
OUT=$(mktemp -d /tmp/vidc-hook-cost.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
bench_stage "$OUT"

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

secs() { # CMD... -> "wall cpu" seconds of the run with the least CPU of REPEAT runs. CPU time
	# (user + sys) is what the comparison uses: on a shared machine wall time mostly measures
	# the neighbours.
	local best=""
	for ((r = 1; r <= REPEAT; r++)); do
		/usr/bin/time -f "%e %U %S" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err" ||
			{ echo "hook_cost: failed: $*" >&2; tail -3 "$OUT/err" >&2; exit 1; }
		best=$(awk -v m="$best" '{ c = $2 + $3; split(m, b, " ");
			if (m == "" || c < b[2]) printf "%.3f %.3f", $1, c; else printf "%s", m }' "$OUT/time")
	done
	echo "$best"
}

echo "hook_cost: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), best of $REPEAT"
declare -A C
for v in none params grain vignette; do
	read -r w c < <(secs "$VIDC" sheet "$OUT/$v.vid" --frames 200 --cols 20 --width 2000 -o "$OUT/$v.png")
	C[$v]=$c
	printf "compose %-9s cpu %7.2f s  wall %7.2f s  (200 frames)\n" "$v" "$c" "$w"
done
for v in params grain vignette; do
	awk -v v="$v" -v a="${C[none]}" -v b="${C[$v]}" \
		'BEGIN { printf "hook %-9s %+7.2f ms cpu per frame\n", v, (b - a) * 1000 / 200 }'
done
if [ "$RENDER" = 1 ]; then
	# grain also makes the encoder's work harder (noise is expensive to compress): its render
	# measures the look as much as the hook; vignette leaves the encoder's work as it was.
	read -r nw nc < <(secs "$VIDC" render "$OUT/none.vid" --progress none -o "$OUT/none.mp4")
	printf "render none      wall %6.2f s  cpu %6.2f s  (real-time factor %.2fx)\n" "$nw" "$nc" \
		"$(awk -v w="$nw" 'BEGIN { print 60 / w }')"
	for v in vignette grain; do
		read -r w c < <(secs "$VIDC" render "$OUT/$v.vid" --progress none -o "$OUT/$v.mp4")
		awk -v v="$v" -v a="$nw" -v b="$w" -v ac="$nc" -v bc="$c" 'BEGIN {
			printf "render %-9s wall %6.2f s  cpu %6.2f s  (real-time factor %.2fx; bound >= 2)  wall %+.1f %%  cpu %+.1f %%\n",
				v, b, bc, 60 / b, (b - a) * 100 / a, (bc - ac) * 100 / ac }'
	done
fi
