#!/bin/sh
# What goes beside the video: vidc subs, chapters and thumb, and the MP4's chapter markers.
#   - every SRT and WebVTT vidc writes is read back by ffmpeg's own demuxers (parsers nobody
#     here wrote) and the cues are compared with the word timings: every word once and in order,
#     at most two lines of at most 42 (16:9) or 32 (vertical) characters, no overlaps, each cue
#     on screen at least 0.8 s, covering its words' times to the millisecond;
#   - the ASS file: PlayRes is the canvas, karaoke has one event per word;
#   - chapters: the YouTube block (0:00 first) and the MP4 chapters ffprobe reads;
#   - thumbnails: 1280x720 and 1080x1920 JPEGs under 2 MB, from the spec's image or a frame.
. "$(dirname "$0")/lib.sh"

# A longer narration than the fixture's: sentences, clauses and a sentence too long for one cue.
cat >"$tmp/words.py" <<'EOF'
import json, sys
text = ("Cold brew is easy. The ratio is one to four, by weight, and the water stays cold. "
        "Grind the beans coarse; a fine grind turns the whole jar bitter and muddy and leaves silt "
        "at the bottom of every glass you pour. Wait. Then strain it twice, dilute it, and enjoy the coffee.")
t, words, off = 0.3, [], 0
for w in text.split(" "):
    d = 0.12 + 0.045 * len(w)
    words.append({"text": w, "start": round(t, 3), "end": round(t + d, 3), "offset": off, "length": len(w)})
    off += len(w) + 1
    t += d + (0.45 if w[-1] in ".!?" else 0.2 if w[-1] in ",;:" else 0.04)
json.dump({"version": 1, "text": text, "duration": round(t + 1, 3), "words": words}, open(sys.argv[1], "w"))
EOF
python3 "$tmp/words.py" "$tmp/voice.json" || say "words.py"
dur=$(python3 -c "import json; print(json.load(open('$tmp/voice.json'))['duration'])")
ffmpeg -v error -y -f lavfi -i "anullsrc=r=48000:cl=mono" -t "$dur" "$tmp/voice.wav" || say "ffmpeg voice"
cat >"$tmp/s.vid" <<EOS
video { preset youtube_long tiktok; fps 25 }
voice "$tmp/voice.wav" { timings "$tmp/voice.json" }
captions karaoke
scene a ${dur}s { solid #203040 }
EOS

# check.py SUBS.srt (as ffmpeg re-wrote it) WORDS.json MAXCHARS
cat >"$tmp/check.py" <<'EOF'
import json, re, sys
srt, words, maxc = open(sys.argv[1]).read(), json.load(open(sys.argv[2]))["words"], int(sys.argv[3])
def ms(h, m, s, f): return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(f)
cues = []
for block in re.split(r"\n\s*\n", srt.strip()):
    lines = block.split("\n")
    m = re.match(r"(\d+):(\d+):(\d+)[,.](\d+) --> (\d+):(\d+):(\d+)[,.](\d+)", lines[1])
    if not m:
        sys.exit("bad cue: %r" % block)
    cues.append((ms(*m.groups()[:4]), ms(*m.groups()[4:]), lines[2:]))
bad, wi = [], 0
for i, (a, b, lines) in enumerate(cues):
    if len(lines) > 2: bad.append("cue %d has %d lines" % (i + 1, len(lines)))
    for l in lines:
        if len(l) > maxc: bad.append("cue %d: line of %d characters: %r" % (i + 1, len(l), l))
    if b - a < 799: bad.append("cue %d lasts %d ms" % (i + 1, b - a))
    if i + 1 < len(cues) and b > cues[i + 1][0]: bad.append("cue %d overlaps the next" % (i + 1))
    ws = " ".join(lines).split()
    first, last = words[wi], words[wi + len(ws) - 1] if wi + len(ws) <= len(words) else None
    if [w["text"] for w in words[wi:wi + len(ws)]] != ws:
        bad.append("cue %d words %r, expected %r" % (i + 1, ws, [w["text"] for w in words[wi:wi + len(ws)]]))
    elif a > round(first["start"] * 1000) + 1 or b < round(last["end"] * 1000) - 1:
        bad.append("cue %d [%d, %d] ms does not cover its words [%d, %d]" % (i + 1, a, b, first["start"] * 1000, last["end"] * 1000))
    wi += len(ws)
if wi != len(words): bad.append("%d words in the cues, %d spoken" % (wi, len(words)))
print("%d cues, %d words" % (len(cues), wi))
if bad: sys.exit("\n".join(bad))
EOF

for preset in youtube_long tiktok; do
	max=42
	[ $preset = tiktok ] && max=32
	for fmt in srt vtt; do
		"$VIDC" subs "$tmp/s.vid" --preset $preset -o "$tmp/c-$preset.$fmt" 2>"$tmp/err" ||
			{ say "subs $preset $fmt"; cat "$tmp/err"; continue; }
		# ffmpeg's subrip / webvtt demuxer reads it, its srt muxer writes what it understood
		ffmpeg -v error -y -i "$tmp/c-$preset.$fmt" -f srt "$tmp/back-$preset-$fmt.srt" ||
			{ say "ffmpeg cannot read the $fmt of $preset"; continue; }
		n=$(ffprobe -v error -show_packets -of csv "$tmp/c-$preset.$fmt" | wc -l)
		out=$(python3 "$tmp/check.py" "$tmp/back-$preset-$fmt.srt" "$tmp/voice.json" $max 2>&1) ||
			say "$preset $fmt: $out"
		echo "$preset $fmt: $out ($n packets by ffprobe)"
		echo "$out" | grep -q "^$n cues" || say "$preset $fmt: ffprobe counts $n packets: $out"
	done
	# the VTT and the SRT carry the same cues
	cmp -s "$tmp/back-$preset-srt.srt" "$tmp/back-$preset-vtt.srt" || say "$preset: SRT and VTT cues differ"
	"$VIDC" subs "$tmp/s.vid" --preset $preset -o "$tmp/c-$preset.ass" 2>/dev/null || say "subs ass"
	ffprobe -v error -show_packets -of csv "$tmp/c-$preset.ass" >"$tmp/ass.pk" || say "ffprobe cannot read the ASS"
	nw=$(python3 -c "import json; print(len(json.load(open('$tmp/voice.json'))['words']))")
	[ "$(wc -l <"$tmp/ass.pk")" = "$nw" ] || say "karaoke ASS: $(wc -l <"$tmp/ass.pk") events, want one per word ($nw)"
	w=1920 h=1080
	[ $preset = tiktok ] && w=1080 h=1920
	grep -qx "PlayResX: $w" "$tmp/c-$preset.ass" && grep -qx "PlayResY: $h" "$tmp/c-$preset.ass" ||
		say "ASS PlayRes is not the $preset canvas"
done
"$VIDC" subs "$tmp/s.vid" --format vtt -o "$tmp/x.txt" 2>/dev/null && head -1 "$tmp/x.txt" | grep -qx WEBVTT ||
	say "--format vtt"
printf 'video { preset tiktok }\nscene a 2s { solid #000000 }\n' >"$tmp/nov.vid"
"$VIDC" subs "$tmp/nov.vid" -o "$tmp/x.srt" 2>"$tmp/err"
[ $? = 1 ] && grep -q "no word timings" "$tmp/err" || { say "subs without a voice: want exit 1 and why"; cat "$tmp/err"; }
"$VIDC" subs "$tmp/s.vid" --format xml -o "$tmp/x.txt" 2>/dev/null
[ $? = 2 ] || say "subs --format xml: want exit 2"

# Chapters: three of at least 10 s, YouTube's block and the MP4's markers.
cat >"$tmp/ch.vid" <<'EOS'
video { preset youtube_long; fps 10 }
scene a 11s { solid #223344 }
chapter "Intro" 0s
chapter "The ratio" 11s
chapter "Grind and wait" 21s
scene b 10s { solid #443322 }
scene c 10s { solid #334422 }
EOS
printf '0:00 Intro\n0:11 The ratio\n0:21 Grind and wait\n' >"$tmp/want"
"$VIDC" chapters "$tmp/ch.vid" >"$tmp/got" 2>"$tmp/err" || { say "vidc chapters"; cat "$tmp/err"; }
cmp -s "$tmp/want" "$tmp/got" || { say "chapter block:"; cat "$tmp/got"; }
"$VIDC" render "$tmp/ch.vid" -o "$tmp/ch.mp4" --progress none 2>"$tmp/err" || { say "render chapters"; cat "$tmp/err"; }
ffprobe -v error -show_chapters -of csv=p=0 -show_entries chapter=start_time,end_time:chapter_tags=title "$tmp/ch.mp4" >"$tmp/mp4ch"
printf '0.000000,11.000000,Intro\n11.000000,21.000000,The ratio\n21.000000,31.000000,Grind and wait\n' >"$tmp/want"
cmp -s "$tmp/want" "$tmp/mp4ch" || { say "MP4 chapters:"; cat "$tmp/mp4ch"; }
# too few chapters for YouTube: the block is still printed, the exit status says so
sed -i '/Grind and wait/d' "$tmp/ch.vid"
"$VIDC" chapters "$tmp/ch.vid" >"$tmp/got" 2>"$tmp/err"
[ $? = 1 ] && grep -q "at least 3" "$tmp/err" || { say "two chapters should fail"; cat "$tmp/err"; }

# Burned-in captions in the video are the frames vidc frame gives: the karaoke golden spec's
# frame 46 (just after a word boundary) decoded from the MP4 matches its PNG, and not frame 45's.
cp tests/golden/captions-karaoke.vid "$tmp/k.vid"
sed -i 's#"\.\./fixtures/#"'"$PWD"'/tests/fixtures/#g; s#"\.\./\.\./examples/#"'"$PWD"'/examples/#' "$tmp/k.vid"
# the copy names the fixtures and the example pictures outside its folder: granted (SPEC.md 14)
allow="--allow tests/fixtures --allow examples/assets"
# shellcheck disable=SC2086
"$VIDC" render "$tmp/k.vid" $allow --preset tiktok -o "$tmp/k.mp4" --progress none 2>"$tmp/err" || { say "render captions"; cat "$tmp/err"; }
# shellcheck disable=SC2086
"$VIDC" frame "$tmp/k.vid" $allow --preset tiktok --at 46f -o "$tmp/f46.png" 2>/dev/null || say "frame 46"
# shellcheck disable=SC2086
"$VIDC" frame "$tmp/k.vid" $allow --preset tiktok --at 45f -o "$tmp/f45.png" 2>/dev/null || say "frame 45"
ffmpeg -v error -y -i "$tmp/k.mp4" -vf "select=eq(n\,46)" -frames:v 1 "$tmp/v46.png" || say "decode frame 46"
psnr() { ffmpeg -i "$1" -i "$2" -lavfi psnr -f null - 2>&1 | sed -n 's/.*average:\([0-9.inf]*\).*/\1/p'; }
p46=$(psnr "$tmp/v46.png" "$tmp/f46.png")
p45=$(psnr "$tmp/v46.png" "$tmp/f45.png")
echo "video frame 46 vs vidc frame 46: $p46 dB, vs frame 45: $p45 dB"
awk -v a="$p46" -v b="$p45" 'BEGIN { exit !(a >= 35 && a > b + 3) }' || say "captions in the video differ from vidc frame ($p46 / $p45 dB)"

# Thumbnails.
thumb_ok() { # FILE W H
	v=$(ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 "$1")
	[ "$v" = "mjpeg,$2,$3" ] || say "$1: $v, want mjpeg,$2,$3"
	s=$(wc -c <"$1")
	[ "$s" -lt 2000000 ] || say "$1: $s bytes, YouTube takes < 2 MB"
}
cp examples/assets/beans.jpg "$tmp/"
cat >"$tmp/t.vid" <<EOS
video { preset youtube_long tiktok; fps 25 }
scene a 3s {
  image "beans.jpg"
  text "Cold brew, explained" { font_size 80px }
}
EOS
"$VIDC" thumb "$tmp/t.vid" -o "$tmp/t1.jpg" 2>"$tmp/err" || { say "thumb"; cat "$tmp/err"; }
thumb_ok "$tmp/t1.jpg" 1280 720
grep -q '"Cold brew, explained"' "$tmp/err" || { say "thumb title is not the spec's first text"; cat "$tmp/err"; }
"$VIDC" thumb "$tmp/t.vid" --preset tiktok --title "Twelve hours, no heat" -o "$tmp/t2.jpg" 2>"$tmp/err" ||
	{ say "thumb tiktok"; cat "$tmp/err"; }
thumb_ok "$tmp/t2.jpg" 1080 1920
"$VIDC" thumb "$tmp/t.vid" --at 1.5s -o "$tmp/t3.jpg" 2>"$tmp/err" || { say "thumb --at"; cat "$tmp/err"; }
thumb_ok "$tmp/t3.jpg" 1280 720
# a noisy 4K hero still fits under 2 MB (the quality steps down)
ffmpeg -v error -y -f lavfi -i "nullsrc=s=3840x2160,geq=random(1)*255:128:128" -frames:v 1 "$tmp/noise.png" || say "ffmpeg noise"
"$VIDC" thumb "$tmp/t.vid" --image "$tmp/noise.png" -o "$tmp/t4.jpg" 2>"$tmp/err" || { say "thumb noise"; cat "$tmp/err"; }
thumb_ok "$tmp/t4.jpg" 1280 720

exit $fail
