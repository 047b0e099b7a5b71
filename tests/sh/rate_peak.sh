#!/bin/sh
# The peak rate and repeatable streams (issue 17). x264's VBV makes each frame's quantiser
# depend on the bits of frames other threads are still encoding, and its frame threads changed a
# few frames from run to run even without VBV, so a render encodes at the CRF on sliced threads
# (the same bits every run) and checks the peak rate (25 Mb/s from 1080p, 2 s of buffer) on its
# packets; a video that exceeds it gets x264's second pass, held to the peak on one thread.
#   1. A 3 s cut of the reference's most detailed photo under Ken Burns: rendered three times
#      (two of them at once, so the encoders' threads meet contention) gives one H.264 stream;
#      x264's options in the stream say sliced threads.
#   2. 2 s of full-frame noise (far over 25 Mb/s at the CRF): the render says why it ran a
#      second pass, and a decoder reading at 25 Mb/s with 50 Mb of buffer never runs dry on
#      the file's packets (at most 1 % of the buffer short: the packets carry their lengths
#      where x264 counts start codes). About 40 CPU-s.
#   3. The same for a split render's pieces (below).
. "$(dirname "$0")/lib.sh"
src=/usr/share/backgrounds/gnome/pixels-l.webp
[ -f "$src" ] || { echo "FAIL: $src is missing: install gnome-backgrounds (scripts/deps.sh)"; exit 1; }
mkdir "$tmp/o"
ffmpeg -v error -i "$src" -q:v 3 "$tmp/pixels-l.jpg" || { echo "FAIL: cannot convert $src"; exit 1; }
cat >"$tmp/d.vid" <<'EOF'
video { preset tiktok; fps 30 }
scene b 3s {
  image "pixels-l.jpg" { kenburns { zoom 1 -> 1.04; pan 40% 50% -> 60% 50% } }
}
EOF
h264() { ffmpeg -v error -i "$1" -map 0:v -c copy -f h264 - | md5sum | cut -c1-32; }
expect 0 "render the detailed cut" -- "$VIDC" render "$tmp/d.vid" -Wno-duration --progress none -o "$tmp/o/d1.mp4"
"$VIDC" render "$tmp/d.vid" -Wno-duration --progress none -o "$tmp/o/d2.mp4" 2>"$tmp/e2" &
p2=$!
"$VIDC" render "$tmp/d.vid" -Wno-duration --progress none -o "$tmp/o/d3.mp4" 2>"$tmp/e3" || say "render 3: $(cat "$tmp/e3")"
wait $p2 || say "render 2: $(cat "$tmp/e2")"
a=$(h264 "$tmp/o/d1.mp4")
for k in 2 3; do
	b=$(h264 "$tmp/o/d$k.mp4")
	[ "$a" = "$b" ] || say "render $k gave another H.264 stream ($b, the first: $a)"
done
ffmpeg -v error -i "$tmp/o/d1.mp4" -map 0:v -c copy -f h264 - | grep -a -o 'sliced_threads=[0-9]' | head -1 >"$tmp/opt"
has "$tmp/opt" "sliced_threads=1" "x264 ran on sliced threads"

ffmpeg -v error -f lavfi -i "nullsrc=s=1080x1920,geq=lum='random(1)*255':cb='random(2)*255':cr='random(3)*255'" \
	-frames:v 1 -q:v 2 "$tmp/noise.jpg" || { echo "FAIL: cannot make the noise"; exit 1; }
cat >"$tmp/n.vid" <<'EOF'
video { preset tiktok; fps 30 }
scene a 2s {
  image "noise.jpg" { kenburns { zoom 1 -> 1.1 } }
}
EOF
expect 0 "render 2 s of noise" -- "$VIDC" render "$tmp/n.vid" -Wno-duration --progress none -o "$tmp/o/n.mp4"
has "$tmp/err" "may peak at" "the render says why it ran a second pass"
[ "$(ls -A "$tmp/o" | grep -c '^\.')" = 0 ] || say "left beside the output: $(ls -A "$tmp/o" | tr '\n' ' ')"
ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$tmp/o/n.mp4" >"$tmp/sizes"
[ "$(wc -l <"$tmp/sizes")" = 60 ] || say "$(wc -l <"$tmp/sizes") packets, expected 60"
awk 'BEGIN { rate = 25e6; buf = 2 * rate; fill = 0.9 * buf; low = fill; total = 0 }
	{ fill -= 8 * $1; total += 8 * $1; if (fill < low) low = fill; fill += rate / 30; if (fill > buf) fill = buf }
	END { printf "%.0f %.1f\n", low, total / 2 / 1e6; exit !(low >= -0.01 * buf) }' "$tmp/sizes" >"$tmp/low" ||
	say "the 25 Mb/s decoder's buffer ran dry: lowest fill $(cut -d' ' -f1 "$tmp/low") bits"

# 3. A split render of 4 s of noise at 10 fps (two pieces of one 2 s GOP each; no budget binds,
#    so each piece's peak is checked on its packets): every piece over it is encoded again held
#    to it, and the joined file keeps the 25 Mb/s decoder's buffer from running dry.
cat >"$tmp/s.vid" <<'EOF'
video { preset tiktok; fps 10 }
scene a 4s {
  image "noise.jpg" { kenburns { zoom 1 -> 1.1 } }
}
EOF
expect 0 "split render of 4 s of noise" -- "$VIDC" render "$tmp/s.vid" -Wno-duration --progress none --pieces 2 -o "$tmp/o/s.mp4"
has "$tmp/err" "frames [0, 20): some seconds take more than the 25 Mb/s" "the first piece is said to go over the peak"
has "$tmp/err" "composed and encoded again, held to it" "the piece is encoded again"
ffprobe -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$tmp/o/s.mp4" >"$tmp/ssizes"
[ "$(wc -l <"$tmp/ssizes")" = 40 ] || say "$(wc -l <"$tmp/ssizes") packets in the joined file, expected 40"
awk 'BEGIN { rate = 25e6; buf = 2 * rate; fill = 0.9 * buf; low = fill }
	{ fill -= 8 * $1; if (fill < low) low = fill; fill += rate / 10; if (fill > buf) fill = buf }
	END { printf "%.0f\n", low; exit !(low >= -0.01 * buf) }' "$tmp/ssizes" >"$tmp/slow" ||
	say "the joined split render runs the 25 Mb/s decoder's buffer dry: lowest fill $(cat "$tmp/slow") bits"
echo "rate_peak: 3 renders, one stream; noise: $(cut -d' ' -f2 "$tmp/low") Mb/s average, lowest buffer fill $(cut -d' ' -f1 "$tmp/low") bits; split: lowest fill $(cat "$tmp/slow") bits"
exit $fail
