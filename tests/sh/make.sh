#!/bin/sh
# vidc make, end to end on the embedded defaults (extractive script, espeak voice, no network):
# the sample article becomes a script that validates, a voice whose timings cover it, a spec
# that checks clean, an MP4 whose streams and length are right, and the platform metadata.
# Then the ways it must fail cleanly: a broken edited script (JSON path named, nothing
# rendered), photos that are URLs or damaged (skipped with a warning naming them).
. "$(dirname "$0")/lib.sh"

# Under the sanitizers (VIDC_SANITIZE=1) the 45 s render would take minutes: everything but the
# render runs there; the plain build renders.
render=1
norender=
[ "${VIDC_SANITIZE:-0}" = 1 ] && render=0 && norender=--no-render
out=$tmp/out
if ! "$VIDC" make examples/article-cold-brew.json --preset tiktok $norender -o "$out" >"$tmp/log" 2>&1; then
	cat "$tmp/log"
	bad "vidc make failed"
	exit 1
fi
files="script.json voice.wav voice.json video.vid tiktok.json"
[ $render = 1 ] && files="$files video.mp4 video.srt video.vtt thumb.jpg"
for f in $files; do
	[ -s "$out/$f" ] || bad "no $f in the output folder"
done
ls "$out"/images/* >/dev/null 2>&1 || bad "no photos copied to images/"
ls "$out" | grep -q '\.tmp$' && bad "a temp file was left: $(ls "$out")"
"$VIDC" script --validate "$out/script.json" >/dev/null 2>&1 || bad "the script does not validate"
"$VIDC" check -Werror "$out/video.vid" >"$tmp/check" 2>&1 || { cat "$tmp/check"; bad "the spec does not check clean"; }
grep -q 'import "templates/short.vid"' "$out/video.vid" || bad "the spec does not use the short template"

# The video: H.264 + AAC at 1080x1920, as long as the voice (within a frame and a transition).
if [ $render = 1 ]; then
probe=$(ffprobe -v error -show_entries stream=codec_name,width,height:format=duration -of compact=p=0 "$out/video.mp4")
echo "$probe" | grep -q 'codec_name=h264|width=1080|height=1920' || bad "video stream: $probe"
echo "$probe" | grep -q 'codec_name=aac' || bad "audio stream: $probe"
vdur=$(echo "$probe" | sed -n 's/^duration=//p')
adur=$(python3 -c "import json,sys; print(json.load(open('$out/voice.json'))['duration'])")
python3 - "$vdur" "$adur" <<'PY' || bad "video lasts $vdur s, the voice $adur s"
import sys
v, a = float(sys.argv[1]), float(sys.argv[2])
sys.exit(0 if abs(v - a) < 0.6 else 1)
PY
fi
python3 - "$out/tiktok.json" <<'PY' || bad "tiktok.json lacks title/description/tags"
import json, sys
m = json.load(open(sys.argv[1]))
assert m["platform"] == "tiktok" and m["description"] and isinstance(m["tags"], list)
PY

# An edited script that breaks the schema: the JSON path in the error, exit 1, no video.
python3 - "$out/script.json" "$tmp/broken.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["points"][0]["duration_est"] = "long"
json.dump(s, open(sys.argv[2], "w"))
PY
"$VIDC" make examples/article-cold-brew.json --script "$tmp/broken.json" -o "$tmp/out2" >"$tmp/log2" 2>&1
rc=$?
[ $rc = 1 ] || bad "a broken script: exit $rc, expected 1"
grep -q 'points\[0\].duration_est' "$tmp/log2" || { cat "$tmp/log2"; bad "the error does not name the JSON path"; }
[ ! -e "$tmp/out2/video.mp4" ] || bad "a video was made from a broken script"

# Photos that cannot be used are skipped, each named; the spec is still written (into a folder
# whose parents do not exist yet: make creates them).
mkdir -p "$tmp/art"
head -c 3000 examples/assets/beans.jpg >"$tmp/art/cut.jpg"
cp examples/assets/jar.jpg "$tmp/art/jar.jpg"
python3 - examples/article-cold-brew.json "$tmp/art/article.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["images"] = ["https://example.com/photo.jpg", "cut.jpg", {"src": "jar.jpg", "alt": "a jar"}]
json.dump(a, open(sys.argv[2], "w"))
PY
"$VIDC" make "$tmp/art/article.json" --no-render -o "$tmp/new/parents/out3" >"$tmp/log3" 2>&1 || { cat "$tmp/log3"; bad "make --no-render failed"; }
grep -q 'https://example.com/photo.jpg' "$tmp/log3" || bad "the URL photo is not named"
grep -q 'cut.jpg' "$tmp/log3" || bad "the damaged photo is not named"
[ "$(ls "$tmp/new/parents/out3/images" | wc -l)" = 1 ] || bad "expected exactly the one good photo: $(ls "$tmp/new/parents/out3/images")"
[ -s "$tmp/new/parents/out3/video.vid" ] || bad "no spec written"
[ ! -e "$tmp/new/parents/out3/video.mp4" ] || bad "--no-render rendered"
exit $fail
