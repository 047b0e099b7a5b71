#!/bin/sh
# End-to-end: render specs to MP4 and decode the result with ffprobe (a decoder nobody here
# wrote): H.264 High, yuv420p, the preset's resolution, exact frame count and duration, AAC-LC
# 48 kHz stereo, moov before mdat (faststart). Then: a failed render leaves no file at the
# output path; the same spec renders the same frames twice.
# Under the sanitizers (VIDC_SANITIZE=1) only the short spec is rendered, to keep CI fast.
. "$(dirname "$0")/lib.sh"

probe() { # probe FILE KEY -> value
	ffprobe -v error -show_entries "$2" -of default=nw=1:nk=1 "$1" | head -1
}

check_mp4() { # check_mp4 FILE W H FRAMES FPS
	f=$1; w=$2; h=$3; n=$4; fps=$5
	[ "$(probe "$f" stream=codec_name -select_streams v:0)" = h264 ] || true
	v=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,pix_fmt,width,height,nb_frames,r_frame_rate -of default=nw=1 "$f")
	a=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,profile,sample_rate,channels -of default=nw=1 "$f")
	echo "$v" | grep -qx "codec_name=h264" || say "$f: video codec: $v"
	echo "$v" | grep -qx "profile=High" || say "$f: profile: $v"
	echo "$v" | grep -qx "pix_fmt=yuv420p" || say "$f: pixel format: $v"
	echo "$v" | grep -qx "width=$w" || say "$f: width: $v"
	echo "$v" | grep -qx "height=$h" || say "$f: height: $v"
	echo "$v" | grep -qx "nb_frames=$n" || say "$f: frame count, want $n: $v"
	echo "$v" | grep -qx "r_frame_rate=$fps" || say "$f: frame rate, want $fps: $v"
	echo "$a" | grep -qx "codec_name=aac" || say "$f: audio codec: $a"
	echo "$a" | grep -qx "profile=LC" || say "$f: audio profile: $a"
	echo "$a" | grep -qx "sample_rate=48000" || say "$f: sample rate: $a"
	echo "$a" | grep -qx "channels=2" || say "$f: channels: $a"
	# Decoded frame count (not just the container's claim).
	dn=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of default=nw=1:nk=1 "$f")
	[ "$dn" = "$n" ] || say "$f: decoded $dn frames, want $n"
	# Faststart: the moov atom comes before mdat.
	moov=$(grep -obUa moov "$f" | head -1 | cut -d: -f1)
	mdat=$(grep -obUa mdat "$f" | head -1 | cut -d: -f1)
	[ -n "$moov" ] && [ -n "$mdat" ] && [ "$moov" -lt "$mdat" ] || say "$f: moov ($moov) is not before mdat ($mdat)"
}

# A short spec: 2 scenes, a dissolve, text, a Ken Burns image, music.
cp examples/assets/music.ogg examples/assets/beans.jpg "$tmp/"
cat > "$tmp/short.vid" <<EOS
video { preset youtube_long tiktok; fps 25 }
music "music.ogg"
scene a 2s {
  image "beans.jpg" { kenburns { zoom 1 -> 1.2 } }
  text "Short" { font_size 80px }
  transition dissolve 0.4s
}
scene b 1.6s { solid #2a9d8f }
EOS
"$VIDC" render "$tmp/short.vid" --preset all -o "$tmp/short.mp4" --progress none 2>"$tmp/err" || { say "render short"; cat "$tmp/err"; }
# 2 s + 1.6 s - 0.4 s = 3.2 s = 80 frames at 25 fps.
check_mp4 "$tmp/short-youtube_long.mp4" 1920 1080 80 25/1
check_mp4 "$tmp/short-tiktok.mp4" 1080 1920 80 25/1
d=$(probe "$tmp/short-tiktok.mp4" format=duration)
awk -v d="$d" 'BEGIN { exit !(d >= 3.19 && d <= 3.25) }' || say "duration $d, want 3.2 s"

# Same spec, same frames: two renders decode to identical pictures.
"$VIDC" render "$tmp/short.vid" --preset tiktok -o "$tmp/again.mp4" --progress none 2>/dev/null
h1=$(ffmpeg -v error -i "$tmp/short-tiktok.mp4" -map 0:v -f md5 -)
h2=$(ffmpeg -v error -i "$tmp/again.mp4" -map 0:v -f md5 -)
[ "$h1" = "$h2" ] || say "two renders of the same spec differ ($h1 vs $h2)"

# A render that fails (corrupt image) leaves nothing at the output path.
head -c 2000 examples/assets/beans.jpg > "$tmp/broken.jpg"
sed "s#\"beans.jpg\"#\"broken.jpg\"#" "$tmp/short.vid" > "$tmp/broken.vid"
if "$VIDC" render "$tmp/broken.vid" --preset tiktok -o "$tmp/broken.mp4" --progress none 2>"$tmp/err"; then
	say "render of a corrupt image succeeded"
fi
grep -q "broken.jpg" "$tmp/err" || { say "error does not name the asset"; cat "$tmp/err"; }
grep -q "broken.vid:4:" "$tmp/err" || { say "error does not name the spec line"; cat "$tmp/err"; }
[ ! -e "$tmp/broken.mp4" ] || say "a failed render left $tmp/broken.mp4"
ls -a "$tmp" | grep -q "broken.mp4." && say "a failed render left a temp file: $(ls -a "$tmp")"

# The examples, in full (not under the sanitizers).
if [ "${VIDC_SANITIZE:-0}" != 1 ]; then
	"$VIDC" render examples/cold-brew.vid --preset tiktok -o "$tmp/cb.mp4" --progress none 2>"$tmp/err" || { say "render example"; cat "$tmp/err"; }
	# 6 + 3 x 7.5 + 6 s - 4 x 0.5 s = 32.5 s = 975 frames at 30 fps.
	check_mp4 "$tmp/cb.mp4" 1080 1920 975 30/1
fi
exit $fail
