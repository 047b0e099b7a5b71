#!/bin/sh
# The soundtrack as a listener gets it: render a spec with a voice and a music bed, decode the
# MP4's AAC with ffmpeg (a decoder nobody here wrote) and measure with ffmpeg's own filters:
#   - integrated loudness (ebur128) within 1 LU of the -14 LUFS target, true peak <= -1 dBTP,
#     both for a quiet and a hot (peaky) voice, and the figures vidc render prints agree;
#   - the music, under speech, sits at the spec's volume relative to the voice (within 1 dB): the
#     product's mix is voice 100 %, music 20 %;
#   - in a pause the ducker lifts the music by 1 / the spec's duck factor (within 1 dB);
#   - music alone (no voice), quiet at the source, is normalised to -14 LUFS like every mix.
# The voice is a 300 Hz tone and the music a 2 kHz tone, both at the same source level, so two
# cascaded band-passes separate them in one render (normalisation scales the whole mix alike).
. "$(dirname "$0")/lib.sh"

# voice: speech from 1 to 4 s and 6 to 9 s; music: 4 s, looped
ffmpeg -v error -y -f lavfi \
	-i "aevalsrc='0.3*sin(2*PI*300*t)*(between(t,1,4)+between(t,6,9))':s=48000:d=12" \
	-ac 1 "$tmp/voice.wav" || say "ffmpeg voice"
# the hot voice adds a 30 ms full-scale 3 kHz burst at 7.5 s: the limiter must catch it
ffmpeg -v error -y -f lavfi \
	-i "aevalsrc='0.05*sin(2*PI*300*t)*(between(t,1,4)+between(t,6,9))+0.99*sin(2*PI*3000*t)*between(t,7.5,7.53)':s=44100:d=12" \
	-ac 1 "$tmp/hot.wav" || say "ffmpeg hot voice"
ffmpeg -v error -y -f lavfi -i "aevalsrc='0.3*sin(2*PI*2000*t)':s=48000:d=4" -ac 2 "$tmp/music.wav" ||
	say "ffmpeg music"

spec() { # spec VOICE MUSIC_VOLUME DUCK
	cat <<EOS
video { preset youtube_long; fps 25 }
voice "$tmp/$1"
music "$tmp/music.wav" { volume $2; duck $3; fade_in 0.5s; fade_out 0.5s }
scene s 12s { solid #000000 }
EOS
}

# RMS level (dB) of FILE between T0 and T1 s, band-passed around HZ (twice, Q 10).
level() {
	ffmpeg -nostats -v info -i "$1" -af "atrim=$2:$3,bandpass=f=$4:t=q:w=10,bandpass=f=$4:t=q:w=10,astats=measure_perchannel=none" \
		-f null - 2>&1 | sed -n 's/.*RMS level dB: *//p' | tail -1
}

levels() { # levels FILE: $voice (speech band), $under (music under speech), $pause (music alone)
	voice=$(level "$1" 2 3.5 300)
	under=$(level "$1" 2 3.5 2000)
	pause=$(level "$1" 4.8 5.8 2000)
}
# within1 A B GAIN: A - B is 20 log10(GAIN) dB within 1 dB
within1() {
	awk -v a="$1" -v b="$2" -v g="$3" 'BEGIN { d = a - b - 20 * log(g) / log(10); exit !(d <= 1 && d >= -1) }'
}

ebur() { # ebur FILE -> "I TP"
	ffmpeg -nostats -i "$1" -af ebur128=peak=true -f null - 2>&1 |
		awk '/Integrated loudness:/ {s=1} s && /I:/ {i=$2} /True peak:/ {p=1} p && /Peak:/ {tp=$2} END {print i, tp}'
}

for v in voice.wav hot.wav; do
	spec "$v" 20% 50% >"$tmp/a.vid"
	"$VIDC" render "$tmp/a.vid" -o "$tmp/a.mp4" --progress none 2>"$tmp/err" || { say "render $v"; cat "$tmp/err"; continue; }
	set -- $(ebur "$tmp/a.mp4")
	I=$1 TP=$2
	echo "$v: integrated $I LUFS, true peak $TP dBTP (ffmpeg ebur128 of the decoded AAC)"
	awk -v i="$I" 'BEGIN { exit !(i >= -15 && i <= -13) }' || say "$v: integrated loudness $I LUFS, want -14 +- 1"
	awk -v p="$TP" 'BEGIN { exit !(p <= -1.0) }' || say "$v: true peak $TP dBTP, want <= -1"
	# what vidc printed agrees with ffmpeg's meter within 0.5 LU
	vi=$(sed -n 's/^vidc: loudness \(-*[0-9.]*\) LUFS, true peak \(-*[0-9.]*\) dBTP$/\1/p' "$tmp/err")
	[ -n "$vi" ] || { say "$v: vidc render did not print the loudness"; cat "$tmp/err"; }
	[ -n "$vi" ] && { awk -v a="$vi" -v b="$I" 'BEGIN { d = a - b; exit !(d <= 0.5 && d >= -0.5) }' ||
		say "$v: vidc reports $vi LUFS, ffmpeg measures $I"; }
	if [ "$v" = voice.wav ]; then
		levels "$tmp/a.mp4"
		echo "voice $voice dB, music in a pause $pause dB, music under speech $under dB"
		within1 "$under" "$voice" 0.2 ||
			say "music under speech/voice = $under - $voice dB, want $(awk 'BEGIN { print 20 * log(0.2) / log(10) }') +- 1"
		within1 "$under" "$pause" 0.5 || say "ducking depth $under - $pause dB, want -6.0 +- 1"
	fi
done

# A spec's own volume is honoured too: music at 35 %, no ducking.
spec voice.wav 35% 100% >"$tmp/b.vid"
"$VIDC" render "$tmp/b.vid" -o "$tmp/b.mp4" --progress none 2>"$tmp/err" || { say "render b"; cat "$tmp/err"; }
levels "$tmp/b.mp4"
echo "35 %, no duck: voice $voice dB, music in a pause $pause dB, under speech $under dB"
within1 "$pause" "$voice" 0.35 || say "music/voice at 35 %: $pause - $voice dB"
within1 "$under" "$pause" 1 || say "no ducking wanted: $under vs $pause dB"

# Music alone, about -33 LUFS at the source (as quiet as examples/assets/music.ogg), at the default
# volume: still -14 LUFS. The boost limit of 24 dB counts from the source's level, not from the
# music level of the mix (which put it at -23 LUFS before).
ffmpeg -v error -y -f lavfi -i "aevalsrc='0.02*sin(2*PI*2000*t)':s=48000:d=4" -ac 2 "$tmp/quiet.wav" ||
	say "ffmpeg quiet music"
cat >"$tmp/c.vid" <<EOS
video { preset youtube_long; fps 25 }
music "$tmp/quiet.wav"
scene s 12s { solid #000000 }
EOS
"$VIDC" render "$tmp/c.vid" -o "$tmp/c.mp4" --progress none 2>"$tmp/err" || { say "render music alone"; cat "$tmp/err"; }
set -- $(ebur "$tmp/c.mp4")
echo "music alone: integrated $1 LUFS, true peak $2 dBTP"
awk -v i="$1" 'BEGIN { exit !(i >= -15 && i <= -13) }' || say "music alone: $1 LUFS, want -14 +- 1"

exit $fail
