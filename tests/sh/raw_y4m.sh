#!/bin/sh
# `vidc render -o OUT.y4m`: the frames uncompressed, exactly as x264 would get them (SPEC.md,
# "Uncompressed pictures").
#   1. The header says what the planes are (1080x1920, 10 fps, C420jpeg, limited range, square
#      pixels) and the file holds every frame, each behind its FRAME line, nothing else.
#   2. Frames 0, 4 and 9 are `vidc frame` of the same frame converted to yuv420p (swscale with
#      exact rounding): luma within rounding (>= 60 dB), chroma >= 45 dB (swscale filters the
#      chroma, vidc averages 2x2).
#   3. Rendered twice: the same bytes. The MP4 of the same spec decodes to these frames within
#      the encoder's loss (>= 40 dB luma on every frame).
#   4. Refusals: --pieces, vidc join; a render that fails leaves no .y4m.
. "$(dirname "$0")/lib.sh"
mkdir "$tmp/o"
ffmpeg -v error -f lavfi -i testsrc2=size=1600x1200 -frames:v 1 -y "$tmp/photo.png" ||
	{ echo "FAIL: cannot make the photo"; exit 1; }
cat >"$tmp/a.vid" <<'EOF'
video { preset tiktok; fps 10 }
scene a 1s {
  background #203040
  image "photo.png" { kenburns { zoom 1 -> 1.2; pan 40% 50% -> 60% 40% } }
  text "Raw frames" { font_size 90px; color white; stroke 4px #000000; position 50% 20% }
}
EOF
expect 0 "render to .y4m" -- "$VIDC" render "$tmp/a.vid" -Wno-duration --progress none -o "$tmp/o/a.y4m"
has "$tmp/err" "wrote $tmp/o/a.y4m" "the render says what it wrote"
head -1 "$tmp/o/a.y4m" >"$tmp/hdr"
for w in YUV4MPEG2 W1080 H1920 F10:1 A1:1 C420jpeg XCOLORRANGE=LIMITED; do
	grep -qw -- "$w" "$tmp/hdr" || say "the header lacks $w: $(cat "$tmp/hdr")"
done
frame=$((1080 * 1920 * 3 / 2))
size=$(stat -c %s "$tmp/o/a.y4m")
hl=$(($(wc -c <"$tmp/hdr")))
[ "$size" = $((hl + 10 * (6 + frame))) ] || say "a.y4m has $size bytes, expected $((hl + 10 * (6 + frame))) (header + 10 frames)"
for k in 0 5 9; do
	at=$((hl + k * (6 + frame)))
	[ "$(dd if="$tmp/o/a.y4m" iflag=skip_bytes,count_bytes skip=$at count=6 status=none | od -An -c | tr -d ' ')" = 'FRAME\n' ] ||
		say "no FRAME line before frame $k (byte $at)"
done
ffmpeg -v error -i "$tmp/o/a.y4m" -f rawvideo -pix_fmt yuv420p -y "$tmp/a.yuv" || say "ffmpeg cannot read a.y4m"
[ "$(stat -c %s "$tmp/a.yuv")" = $((10 * frame)) ] || say "ffmpeg read $(stat -c %s "$tmp/a.yuv") bytes of pictures, expected $((10 * frame))"

# psnr A.yuv B.yuv: "Y U V" of two single-frame 1080x1920 yuv420p files
psnr() {
	ffmpeg -f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$1" -f rawvideo -pix_fmt yuv420p -s 1080x1920 -i "$2" \
		-lavfi psnr -f null - 2>&1 | grep -o 'PSNR y:[0-9.inf]* u:[0-9.inf]* v:[0-9.inf]*' |
		sed -e 's/PSNR //' -e 's/[yuv]://g'
}
for f in 0 4 9; do
	"$VIDC" frame "$tmp/a.vid" -Wno-duration --at ${f}f -o "$tmp/f.png" 2>"$tmp/err" || say "vidc frame $f: $(cat "$tmp/err")"
	ffmpeg -v error -i "$tmp/f.png" \
		-vf scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int+bitexact,format=yuv420p \
		-f rawvideo -y "$tmp/r.yuv"
	dd if="$tmp/a.yuv" of="$tmp/y.yuv" bs=$frame skip=$f count=1 status=none
	p=$(psnr "$tmp/y.yuv" "$tmp/r.yuv")
	echo "$p" | awk '{ exit !($1 >= 60 && $2 >= 45 && $3 >= 45) }' ||
		say "frame $f of a.y4m against vidc frame: PSNR Y U V $p (want >= 60, 45, 45)"
done

expect 0 "render to .y4m again (with --quality, which does not apply)" -- "$VIDC" render "$tmp/a.vid" -Wno-duration --progress none --quality 30 -o "$tmp/o/b.y4m"
has "$tmp/err" "--quality does not apply" "--quality is said to have no effect"
cmp -s "$tmp/o/a.y4m" "$tmp/o/b.y4m" || say "two renders to .y4m differ"
expect 0 "render to .mp4" -- "$VIDC" render "$tmp/a.vid" -Wno-duration --progress none -o "$tmp/o/a.mp4"
low=$(ffmpeg -i "$tmp/o/a.mp4" -i "$tmp/o/a.y4m" -lavfi "[0:v][1:v]psnr=stats_file=$tmp/psnr.log" -f null - >/dev/null 2>&1;
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^psnr_y:/) { split($i, kv, ":"); v = kv[2] + 0; if (n == 0 || v < m) m = v; n++ } }
		END { printf "%d %.2f\n", n, m }' "$tmp/psnr.log")
echo "$low" | awk '{ exit !($1 == 10 && $2 >= 40) }' || say "the MP4 against the .y4m: frames, lowest luma PSNR: $low (want 10, >= 40)"

expect 1 "--pieces to .y4m" -- "$VIDC" render "$tmp/a.vid" -Wno-duration --progress none --pieces 2 -o "$tmp/o/p.y4m"
has "$tmp/err" "a .y4m file is rendered whole" "--pieces says why"
expect 1 "join to .y4m" -- "$VIDC" join "$tmp/o/a.mp4" -o "$tmp/o/j.y4m"
has "$tmp/err" "not a .y4m file" "join says why"
cat >"$tmp/bad.vid" <<'EOF'
video { preset tiktok; fps 10 }
scene a 1s { image "missing.png" }
EOF
expect 1 "a spec with a missing picture" -- "$VIDC" render "$tmp/bad.vid" -Wno-duration --progress none -o "$tmp/o/bad.y4m"
ls -A "$tmp/o" | grep -v '^a\.y4m$\|^b\.y4m$\|^a\.mp4$' >"$tmp/left"
[ -s "$tmp/left" ] && say "left in the output folder: $(tr '\n' ' ' <"$tmp/left")"
echo "raw_y4m: 10 frames, $size bytes; MP4 against it: lowest luma $(echo "$low" | cut -d' ' -f2) dB"
exit $fail
