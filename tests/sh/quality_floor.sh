#!/bin/sh
# Quality floor of the default rate control (issue 17): 3 s of the reference short's most
# detailed photo (GNOME's pixels-l, scene 2 of bench/ref-short.vid, made into a JPEG as
# shared/bench/make-assets.sh does) with the reference's Ken Burns speed (1 -> 1.15 over 10.5 s)
# and title, rendered at the default settings. Frames 15, 45 and 75 (15 frames after each
# keyframe, where the reference's worst frames are) must reach 40 dB luma PSNR against
# `vidc frame`, both yuv420p BT.709 limited range as bench/quality.sh compares them. The old
# default (CRF 17) gave 39.54, 39.53 and 39.85 dB here, CRF 15 40.61, 40.95 and 40.99 dB;
# bench/README.md has the whole reference. About 15 CPU-s.
. "$(dirname "$0")/lib.sh"
src=/usr/share/backgrounds/gnome/pixels-l.webp
[ -f "$src" ] || { echo "FAIL: $src is missing: install gnome-backgrounds (scripts/deps.sh)"; exit 1; }
ffmpeg -v error -i "$src" -q:v 3 "$tmp/pixels-l.jpg" || { echo "FAIL: cannot convert $src"; exit 1; }
cat >"$tmp/q.vid" <<'EOF'
video { preset tiktok; fps 30 }
scene s 3s {
  image "pixels-l.jpg" { kenburns { zoom 1 -> 1.043 } }
  text "The ratio, 1 to 4" {
    font "DejaVu Sans"; weight bold; font_size 80px; color white; stroke 5px #000000
    anchor top; position 50% 18%
  }
}
EOF
expect 0 "render" -- "$VIDC" render "$tmp/q.vid" -Wno-duration --progress none -o "$tmp/q.mp4"
# 6.5 MB in TikTok's budget: the first pass is the file, without a word (tests/sh/rate_budget.sh:
# a second pass)
! grep -q "second pass" "$tmp/err" || say "a second pass ran within the budget: $(cat "$tmp/err")"
: >"$tmp/ref.yuv"
for f in 15 45 75; do
	"$VIDC" frame "$tmp/q.vid" -Wno-duration --at ${f}f -o "$tmp/r.png" 2>"$tmp/err" ||
		{ say "vidc frame at $f: $(cat "$tmp/err")"; exit 1; }
	ffmpeg -v error -i "$tmp/r.png" -vf scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int+bitexact,format=yuv420p \
		-f rawvideo - >>"$tmp/ref.yuv"
done
ffmpeg -v error -i "$tmp/q.mp4" -vf "select=eq(n\,15)+eq(n\,45)+eq(n\,75)" -fps_mode passthrough \
	-f rawvideo -pix_fmt yuv420p "$tmp/enc.yuv"
ffmpeg -v error -f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$tmp/enc.yuv" \
	-f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$tmp/ref.yuv" \
	-lavfi "psnr=stats_file=$tmp/psnr.log" -f null - || say "ffmpeg psnr"
# psnr.log: one line per compared frame, "n:1 ... psnr_y:40.05 ..."
ys=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, ":"); if (kv[1] == "psnr_y") printf "%s ", kv[2] } }' "$tmp/psnr.log")
[ "$(echo $ys | wc -w)" -eq 3 ] || say "expected 3 PSNR figures, got '$ys'"
n=0
for y in $ys; do
	f=$((15 + 30 * n))
	n=$((n + 1))
	awk -v y="$y" 'BEGIN { exit !(y >= 40) }' || say "frame $f: luma $y dB, below the 40 dB floor"
done
echo "quality_floor: luma $ys dB at frames 15 45 75, $(stat -c %s "$tmp/q.mp4") bytes"
exit $fail
