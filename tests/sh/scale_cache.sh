#!/bin/sh
# Incremental re-render (issue 14): `vidc render --cache` of a video of 20 s or more goes through
# the piece cache; without --cache a render is one pass. A 20 s spec at 5 fps in pieces of 4 s (frames [0,20) [20,40) [40,60) [60,80)
# [80,100)) whose scene b spans frames [15, 40) and whose scene d shows a picture in [60, 80):
#   - the first render encodes all 5 pieces, a second one none, and its file decodes alike;
#   - editing scene b's title encodes exactly pieces 1 and 2 again, and the result shows the new
#     title where vidc frame does (PSNR >= 40 dB) and the untouched scenes as before;
#   - new bytes under the picture's same name encode exactly piece 4 again;
#   - the soundtrack (music.wav, mixed and AAC-encoded once by the join) is cached under a key of
#     the audio alone: the title and picture edits copy it from the cache (the joined audio
#     stream's packets as before, the file still whole: frame count, audio and video of equal
#     length from 0, ffmpeg -xerror silent), a volume edit and new bytes under music.wav's name
#     mix it again (and encode no piece);
#   - --no-cache renders in one pass and leaves the cache as it was; --cache-size bounds it.
. "$(dirname "$0")/lib.sh"
export VIDC_CACHE_DIR="$tmp/cache"

ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=1" -frames:v 1 "$tmp/pic.png"
ffmpeg -v error -f lavfi -i "sine=frequency=440:duration=6" -ar 48000 "$tmp/music.wav"
cat >"$tmp/s.vid" <<'EOF'
video { preset tiktok; fps 5 }
music "music.wav" { volume 60% }
scene a 3s { solid #224488; text "Alpha" { font_size 120px } }
scene b 5s { solid #883322; text "Bravo" { font_size 120px } }
scene c 4s { solid #228844; text "Charlie" { font_size 120px } }
scene d 4s { image "pic.png"; text "Delta" { font_size 120px } }
scene e 4s { solid #444444; text "Echo" { font_size 120px } }
EOF
S=$tmp/s.vid
render() { # render OUT [options] -> $tmp/err holds what vidc said
	out=$1
	shift
	"$VIDC" render "$S" -o "$out" --cache --piece-length 4s --progress none "$@" 2>"$tmp/err" ||
		{ say "render $out: $(cat "$tmp/err")"; return 1; }
}
counts() { sed -n 's/^vidc: \([0-9]*\) pieces: \([0-9]*\) encoded, \([0-9]*\) from the cache$/\1 \2 \3/p' "$tmp/err"; }
encoded() { sed -n 's/^vidc render: piece \([0-9]*\)\/5 .*: encoded.*/\1/p' "$tmp/err" | tr '\n' ' '; }
frames() { ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"; }
psnr_at() { # psnr_at VIDEO FRAME -> PSNR of that decoded frame against vidc frame
	"$VIDC" frame "$S" --at "${2}f" -o "$tmp/ref.png" 2>/dev/null || say "vidc frame $2"
	ffmpeg -v error -i "$tmp/ref.png" -vf "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p" \
		-f rawvideo -y "$tmp/ref.yuv"
	ffmpeg -v error -i "$1" -vf "select=eq(n\,$2)" -vframes 1 -f rawvideo -pix_fmt yuv420p -y "$tmp/dec.yuv"
	ffmpeg -v info -nostats -f rawvideo -s 1080x1920 -pix_fmt yuv420p -i "$tmp/dec.yuv" -f rawvideo \
		-s 1080x1920 -pix_fmt yuv420p -i "$tmp/ref.yuv" -lavfi psnr -f null - 2>&1 |
		sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}
sound() { sed -n 's/^vidc render: soundtrack: \([a-z]*\).*/\1/p' "$tmp/err"; }
audio_md5() { ffmpeg -v error -i "$1" -map 0:a -c copy -f framemd5 - | grep -v '^#' | md5sum; }
whole() { # whole VIDEO: 100 frames, audio and video from 0 for as long, a silent decode
	[ "$(frames "$1")" = 100 ] || say "$1: $(frames "$1") frames, want 100"
	ffprobe -v error -show_entries stream=codec_type,start_time,duration -of csv=p=0 "$1" >"$tmp/streams"
	grep -qx 'video,0.000000,20.000000' "$tmp/streams" && grep -qx 'audio,0.000000,20.000000' "$tmp/streams" ||
		say "$1: streams $(tr '\n' ' ' <"$tmp/streams"), want both from 0 for 20 s"
	ffmpeg -v warning -xerror -i "$1" -f null - >"$tmp/xerr" 2>&1 || say "$1 does not decode with -xerror"
	[ -s "$tmp/xerr" ] && say "$1 decodes with: $(head -3 "$tmp/xerr")"
}
ge40() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 40 else 1)" "$1"; }

render "$tmp/v1.mp4"
[ "$(counts)" = "5 5 0" ] || say "first render: $(cat "$tmp/err")"
[ "$(sound)" = mixed ] || say "first render, the soundtrack: $(cat "$tmp/err")"
[ "$(frames "$tmp/v1.mp4")" = 100 ] || say "first render: $(frames "$tmp/v1.mp4") frames, want 100"
a1=$(audio_md5 "$tmp/v1.mp4")
render "$tmp/v2.mp4"
[ "$(counts)" = "5 0 5" ] || say "an unchanged spec encoded again: $(cat "$tmp/err")"
[ "$(sound)" = cached ] || say "an unchanged spec mixed the soundtrack again: $(cat "$tmp/err")"
ffmpeg -v error -i "$tmp/v1.mp4" -map 0:v -f framemd5 "$tmp/m1"
ffmpeg -v error -i "$tmp/v2.mp4" -map 0:v -f framemd5 "$tmp/m2"
cmp -s "$tmp/m1" "$tmp/m2" || say "the render from the cache decodes differently"

# one title: scene b is frames [15, 40), pieces 1 and 2
sed -i 's/"Bravo"/"Bravissimo"/' "$S"
render "$tmp/v3.mp4"
[ "$(counts)" = "5 2 3" ] || say "editing scene b's title: $(cat "$tmp/err")"
[ "$(encoded)" = "1 2 " ] || say "editing scene b's title encoded pieces $(encoded), want 1 2"
[ "$(sound)" = cached ] || say "editing scene b's title mixed the soundtrack again: $(cat "$tmp/err")"
[ "$(audio_md5 "$tmp/v3.mp4")" = "$a1" ] || say "after the title edit the audio stream is not the cached one"
whole "$tmp/v3.mp4"
for f in 25 39 40 70; do
	p=$(psnr_at "$tmp/v3.mp4" $f)
	ge40 "$p" || say "frame $f after the title edit: PSNR $p dB against vidc frame"
done

# the picture's bytes under the same name: scene d is frames [60, 80), piece 4
ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=1" -vf negate -frames:v 1 -y "$tmp/pic.png"
render "$tmp/v4.mp4"
[ "$(encoded)" = "4 " ] || say "new bytes in pic.png encoded pieces $(encoded), want 4: $(cat "$tmp/err")"
[ "$(sound)" = cached ] || say "new bytes in pic.png mixed the soundtrack again: $(cat "$tmp/err")"
p=$(psnr_at "$tmp/v4.mp4" 70)
ge40 "$p" || say "frame 70 after the picture changed: PSNR $p dB against vidc frame"

# the audio: its volume, then new bytes under music.wav's name; no piece is encoded again
sed -i 's/volume 60%/volume 50%/' "$S"
render "$tmp/v4b.mp4"
[ "$(counts) $(sound)" = "5 0 5 mixed" ] || say "the volume edit: $(cat "$tmp/err")"
# (its audio may come out as before: the mix is normalised to the preset's loudness)
ffmpeg -v error -f lavfi -i "sine=frequency=660:duration=6" -ar 48000 -y "$tmp/music.wav"
render "$tmp/v4c.mp4"
[ "$(counts) $(sound)" = "5 0 5 mixed" ] || say "new bytes in music.wav: $(cat "$tmp/err")"
[ "$(audio_md5 "$tmp/v4c.mp4")" = "$a1" ] && say "new bytes in music.wav: the old audio"
whole "$tmp/v4c.mp4"

# --no-cache, or no --cache: one pass, the cache untouched
ls -lR "$tmp/cache" >"$tmp/before"
render "$tmp/v5.mp4" --no-cache
grep -q "pieces:" "$tmp/err" && say "--no-cache rendered in pieces: $(cat "$tmp/err")"
"$VIDC" render "$S" -o "$tmp/v5b.mp4" --progress none 2>"$tmp/err" || say "a plain render: $(cat "$tmp/err")"
grep -q "pieces:" "$tmp/err" && say "a render without --cache went through it: $(cat "$tmp/err")"
ls -lR "$tmp/cache" >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || say "--no-cache changed the cache"
[ "$(frames "$tmp/v5.mp4")" = 100 ] || say "--no-cache: $(frames "$tmp/v5.mp4") frames"

# the size limit: the least recently used go first, the folder ends within it
sed -i 's/"Echo"/"Echoes"/' "$S"
render "$tmp/v6.mp4" --cache-size 0.05
size=$(find "$tmp/cache" -name '*.mp4' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
[ "$size" -le 52429 ] || say "the cache holds $size bytes over its 0.05 MB limit"
[ "$(frames "$tmp/v6.mp4")" = 100 ] || say "with a small cache: $(frames "$tmp/v6.mp4") frames"
"$VIDC" render "$S" -o "$tmp/x.mp4" --cache-size -3 2>/dev/null
[ $? = 2 ] || say "--cache-size -3 is not a usage error"
exit $fail
