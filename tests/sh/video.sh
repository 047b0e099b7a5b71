#!/bin/sh
# End-to-end video layers through the compiler: a clip whose frame k is grey level 16 + 4k
# (made with ffmpeg) in a scene (trim, speed 2, hold) and in an overlay (start, loop); `vidc
# frame` must show the source frame the spec asks for at each time, `vidc render` must write
# every frame with the clip's sound, and a damaged clip must fail naming the spec line and the
# file, leaving no output behind.
. "$(dirname "$0")/lib.sh"

ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=24,format=yuv420p' \
	-f lavfi -i sine=frequency=440:sample_rate=48000 \
	-vf "geq=lum='16+4*N':cb=128:cr=128" -frames:v 48 -t 2 -c:v libx264 -qp 0 -g 12 \
	-c:a aac "$tmp/grey.mp4" || { echo "FAIL: ffmpeg"; exit 1; }
cat >"$tmp/g.vid" <<'EOF'
video { preset youtube_long; fps 30 }
scene a 2s {
  solid #000000
}
scene b 4s {
  video "grey.mp4" { trim 0.5s; speed 2; hold }
}
overlay { start 3s; end 5s;
  video "grey.mp4" { size 25% 25%; position 10% 10%; loop; mute; start 0.5s }
}
EOF

# shown TIME X Y -> the source frame index at canvas pixel (X, Y) of the frame at TIME
shown() {
	"$VIDC" frame "$tmp/g.vid" --at "$1" -o "$tmp/f.png" 2>"$tmp/err" || { cat "$tmp/err"; echo -1; return; }
	ffmpeg -v error -i "$tmp/f.png" -vf "crop=1:1:$2:$3" -f rawvideo -pix_fmt gray - |
		od -An -tu1 | awk '{ printf "%d\n", $1 * 219 / 255 / 4 + 0.5 }'
}

expect() { # expect TIME X Y FRAME WHAT
	got=$(shown "$1" "$2" "$3")
	[ "$got" = "$4" ] || say "$5 at $1: source frame $got, expected $4"
}
# scene b starts at 2 s: layer time t shows clip time 0.5 + 2t (24 fps: frame floor(24 s))
expect 2s 960 540 12 "trim"
expect 2.5s 960 540 36 "speed 2"
expect 2.75s 960 540 47 "hold"
expect 5.9s 960 540 47 "hold"
# the overlay's clip starts at 3.5 s, loops every 2 s
expect 4s 192 108 12 "overlay"
expect 4.9s 192 108 33 "overlay"
expect 3.4s 192 108 47 "overlay not started"

"$VIDC" render "$tmp/g.vid" -o "$tmp/g.mp4" --progress none 2>"$tmp/err" || { say "render failed"; cat "$tmp/err"; }
n=$(ffprobe -v error -select_streams v:0 -show_entries stream=nb_frames -of default=nw=1:nk=1 "$tmp/g.mp4")
[ "$n" = 180 ] || say "render: $n video frames, expected 180"
# the clip's sound (speed 2: 0.75 s of its 1.5 s after the trim) plays from 2 s to about 2.75 s
vol() { # vol START DURATION -> mean volume in dB
	ffmpeg -nostats -i "$tmp/g.mp4" -af "atrim=start=$1:duration=$2,volumedetect" -f null - 2>&1 |
		sed -n 's/.*mean_volume: \(-*[0-9.]*\) dB/\1/p'
}
loud=$(vol 2.1 0.5)
quiet=$(vol 3.2 0.5)
echo "clip sound: $loud dB while it plays, $quiet dB after"
awk -v l="$loud" 'BEGIN { exit !(l != "" && l > -40) }' || say "clip sound missing: $loud dB"
awk -v q="$quiet" 'BEGIN { exit !(q != "" && q < -60) }' || say "clip sound after its end: $quiet dB"

# a damaged clip: the error names the spec line and the file; no output file is left
head -c 3000 "$tmp/grey.mp4" >"$tmp/bad.mp4"
sed 's/"grey.mp4" { trim/"bad.mp4" { trim/' "$tmp/g.vid" >"$tmp/bad.vid"
if "$VIDC" render "$tmp/bad.vid" -o "$tmp/bad-out.mp4" --progress none 2>"$tmp/err"; then
	say "damaged clip rendered"
fi
grep -q "bad.vid:6:3: error: .*'bad.mp4'" "$tmp/err" || { say "damaged clip message:"; cat "$tmp/err"; }
[ ! -e "$tmp/bad-out.mp4" ] || say "a failed render left $tmp/bad-out.mp4"

# a clip without sound (stock footage often has none) checks clean: its sound is optional; a
# text file named as a clip is still an error at its line
ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=24' -frames:v 12 -c:v libx264 -an "$tmp/silent.mp4" ||
	say "ffmpeg: silent clip"
sed 's/"grey.mp4"/"silent.mp4"/' "$tmp/g.vid" >"$tmp/silent.vid"
"$VIDC" check -Wno-duration "$tmp/silent.vid" 2>"$tmp/err" || { say "a silent clip does not check:"; cat "$tmp/err"; }
echo "not a video" >"$tmp/text.mp4"
sed 's/"grey.mp4"/"text.mp4"/' "$tmp/g.vid" >"$tmp/text.vid"
if "$VIDC" check -Wno-duration "$tmp/text.vid" 2>"$tmp/err"; then say "a text file checked as a clip"; fi
grep -q "text.vid:6:3: error: cannot read video 'text.mp4'" "$tmp/err" || { say "text clip message:"; cat "$tmp/err"; }

exit $fail
