#!/bin/sh
# The command line over the stage API (pipeline/stage.h) and the untrusted-input rules it
# enforces (issues 9 and 10):
#   - every subcommand's --help prints its usage; sheet, subs and thumb honour -Werror and
#     --color like check does;
#   - an absurd --at is a clear error, not undefined behaviour;
#   - article photos at absolute or ../ paths (JSON and HTML <img src>) outside the article's
#     folder are refused with a warning naming them, unless --allow grants their folder;
#   - HTML nested far deeper than libxml2's default 256 keeps everything after the deep part;
#   - the thumbnail is the stdlib template: a restyled copy given with --template changes it;
#   - SIGTERM stops vidc make at the script (a silent LLM server), the voice (a silent TTS
#     server) and the render, promptly, leaving no temp file.
set -u
cd "$(dirname "$0")/../.."
VIDC=${VIDC:-build/vidc}
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# ---- --help everywhere ------------------------------------------------------------------------
for c in make check ir render frame golden voice voices script subs chapters thumb sheet; do
	"$VIDC" $c --help >"$tmp/out" 2>"$tmp/err" || bad "vidc $c --help: exit $?"
	grep -q "usage: vidc $c" "$tmp/out" || { [ $c = voices ] && grep -q "vidc voices" "$tmp/out"; } ||
		bad "vidc $c --help does not print its usage"
done

# ---- -Werror and --color for sheet, subs, thumb ------------------------------------------------
# A 2 s tiktok video is a warning (30-180 s recommended); its voice has timings for subs.
python3 - "$tmp" <<'EOF'
import json, sys
d = sys.argv[1]
words = [{"text": w, "start": 0.2 + 0.4 * i, "end": 0.5 + 0.4 * i, "offset": 0, "length": len(w)} for i, w in enumerate(["Cold", "brew."])]
off = 0
for w in words:
    w["offset"] = off
    off += len(w["text"]) + 1
json.dump({"version": 1, "text": "Cold brew.", "duration": 2.0, "words": words}, open(d + "/w.json", "w"))
EOF
ffmpeg -v error -y -f lavfi -i "anullsrc=r=48000:cl=mono" -t 2 "$tmp/w.wav" || bad "ffmpeg"
cat >"$tmp/warn.vid" <<EOF
video { preset tiktok }
voice "w.wav" { timings "w.json" }
scene a 2s { solid #203040; text "Cold brew" }
EOF
"$VIDC" thumb "$tmp/warn.vid" -o "$tmp/t.jpg" 2>/dev/null || bad "thumb of a spec with a warning fails without -Werror"
for c in "sheet --frames 2" subs thumb; do
	ext=png
	[ "$c" = subs ] && ext=srt
	[ "$c" = thumb ] && ext=jpg
	"$VIDC" $c "$tmp/warn.vid" -Werror -o "$tmp/w.$ext" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] || bad "$c -Werror on a spec with a warning: exit $rc, expected 1"
	grep -q "error: the video lasts" "$tmp/err" || { bad "$c -Werror: the warning is not an error"; cat "$tmp/err"; }
	"$VIDC" $c "$tmp/warn.vid" --color always -o "$tmp/c.$ext" >/dev/null 2>"$tmp/err"
	grep -q "$(printf '\033')\[" "$tmp/err" || bad "$c --color always: no colour in the diagnostics"
	"$VIDC" $c "$tmp/warn.vid" --color never -o "$tmp/c.$ext" >/dev/null 2>"$tmp/err"
	grep -q "$(printf '\033')" "$tmp/err" && bad "$c --color never: colour codes printed"
done

# ---- -Wno-NAME: one kind of warning off; each run prints a spec's warnings once ------------------
for c in "frame --at 1s -o $tmp/n.png" "render -o $tmp/n.mp4 --progress none" check; do
	"$VIDC" $c "$tmp/warn.vid" --color never >/dev/null 2>"$tmp/err" || bad "$c of a spec with a warning fails"
	n=$(grep -c "recommended for preset tiktok \[-Wduration\]$" "$tmp/err")
	[ "$n" = 1 ] || { bad "$c: the duration warning printed $n times, not once with its name"; cat "$tmp/err"; }
	"$VIDC" $c "$tmp/warn.vid" -Werror -Wno-duration >/dev/null 2>"$tmp/err" || { bad "$c -Werror -Wno-duration fails"; cat "$tmp/err"; }
	grep -v "^vidc: wrote" "$tmp/err" | grep -q . && { bad "$c -Wno-duration still prints"; cat "$tmp/err"; }
done
"$VIDC" check "$tmp/warn.vid" -Wno-duratoin 2>"$tmp/err"
[ $? = 2 ] && grep -q "did you mean '-Wno-duration'" "$tmp/err" || { bad "-Wno-duratoin: no usage error with a suggestion"; cat "$tmp/err"; }

# ---- an absurd --at ----------------------------------------------------------------------------
"$VIDC" frame "$tmp/warn.vid" --at 99999999999999999999s -o "$tmp/f.png" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "past the end of the video" "$tmp/err" || { bad "--at 1e20 s: exit $rc"; cat "$tmp/err"; }
"$VIDC" frame "$tmp/warn.vid" --at 99999999999999999999f -o "$tmp/f.png" 2>/dev/null
[ $? = 1 ] || bad "--at 1e20 frames should be past the end (exit 1)"
"$VIDC" thumb "$tmp/warn.vid" --at 99999999999999999999s -o "$tmp/f.jpg" 2>"$tmp/err"
[ $? = 1 ] && grep -q "past the end" "$tmp/err" || { bad "thumb --at 1e20 s"; cat "$tmp/err"; }
[ ! -e "$tmp/f.png" ] && [ ! -e "$tmp/f.jpg" ] || bad "a file was written for a time past the end"

# ---- article photos outside the article's folder ------------------------------------------------
mkdir -p "$tmp/site/art" "$tmp/secret"
cp examples/assets/jar.jpg "$tmp/site/art/jar.jpg"
cp examples/assets/beans.jpg "$tmp/secret/beans.jpg"
cp examples/assets/beans.jpg "$tmp/site/up.jpg"
ln -s "$tmp/secret/beans.jpg" "$tmp/site/art/link.jpg"
python3 - examples/article-cold-brew.json "$tmp/site/art/article.json" "$tmp/secret/beans.jpg" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
a["images"] = ["jar.jpg", sys.argv[3], "../up.jpg", "link.jpg"]
a["content_html"] += '<figure><img src="%s" alt="beans"></figure><img src="../up.jpg">' % sys.argv[3]
json.dump(a, open(sys.argv[2], "w"))
EOF
"$VIDC" make "$tmp/site/art/article.json" --no-render -o "$tmp/m1" >"$tmp/log" 2>&1 || { bad "make with outside photos failed"; cat "$tmp/log"; }
n=$(grep -c "outside the article's folder" "$tmp/log")
[ "$n" -ge 3 ] || { bad "expected the absolute, ../ and symlinked photos refused with warnings ($n)"; cat "$tmp/log"; }
grep -q "secret/beans.jpg" "$tmp/log" && grep -q "\.\./up.jpg" "$tmp/log" && grep -q "link.jpg" "$tmp/log" ||
	{ bad "the refused photos are not named"; cat "$tmp/log"; }
[ "$(ls "$tmp/m1/images" | wc -l)" = 1 ] || bad "only jar.jpg may be copied: $(ls "$tmp/m1/images")"
"$VIDC" script "$tmp/site/art/article.json" -o "$tmp/s.json" 2>"$tmp/err" || bad "vidc script with outside photos"
grep -q "secret" "$tmp/s.json" && bad "the script names a refused photo"
grep -q "outside the article's folder" "$tmp/err" || bad "vidc script does not warn about the refused photos"
# --allow grants a folder (the symlink's target is inside it too)
"$VIDC" make "$tmp/site/art/article.json" --no-render --allow "$tmp/secret" --allow "$tmp/site" -o "$tmp/m2" >"$tmp/log" 2>&1 ||
	{ bad "make --allow failed"; cat "$tmp/log"; }
grep -q "outside the article's folder" "$tmp/log" && { bad "--allow did not grant the folders"; cat "$tmp/log"; }
[ "$(ls "$tmp/m2/images" | wc -l)" -ge 3 ] || bad "--allow: the granted photos are not copied: $(ls "$tmp/m2/images")"

# ---- HTML nested 300 deep ----------------------------------------------------------------------
python3 - "$tmp/deep.json" <<'EOF'
import json, sys
body = "<p>The first paragraph opens the article with a few plain words.</p>"
body += "<div>" * 300 + "<p>The deep paragraph sits inside three hundred divs.</p>" + "</div>" * 300
body += "<p>The last paragraph comes after the deep part and must be kept.</p>"
json.dump({"title": "Deep", "content_html": body}, open(sys.argv[1], "w"))
EOF
"$VIDC" script --text "$tmp/deep.json" >"$tmp/text" 2>"$tmp/err" || bad "script --text of deep HTML"
grep -q "three hundred divs" "$tmp/text" && grep -q "must be kept" "$tmp/text" ||
	{ bad "HTML nested 300 deep lost text:"; cat "$tmp/text" "$tmp/err"; }

# ---- the thumbnail is a template -----------------------------------------------------------------
sed 's/template thumb_photo(photo: path) {/template thumb_photo(photo: path) {\n  solid #ff0000\n}\ntemplate thumb_unused(photo: path) {/' \
	stdlib/templates/thumb.vid >"$tmp/red.vid"
sed -i 's#"thumb_scrim.lua"#"'"$PWD"'/stdlib/templates/thumb_scrim.lua"#' "$tmp/red.vid"
cat >"$tmp/photo.vid" <<EOF
video { preset youtube_long }
scene a 3s { image "$PWD/examples/assets/beans.jpg"; text "Red" }
EOF
"$VIDC" thumb "$tmp/photo.vid" --template "$tmp/red.vid" --allow "$PWD/stdlib" --allow "$PWD/examples/assets" -o "$tmp/red.jpg" 2>"$tmp/err" ||
	{ bad "thumb --template"; cat "$tmp/err"; }
px=$(ffmpeg -v error -i "$tmp/red.jpg" -vf "format=rgb24,crop=1:1:20:20" -f rawvideo - | od -An -tu1 | tr -s ' ')
set -- $px
[ "${1:-0}" -gt 200 ] && [ "${2:-255}" -lt 60 ] && [ "${3:-255}" -lt 60 ] || bad "restyled thumbnail is not red at (20,20): $px"

# ---- SIGTERM at any stage of vidc make -----------------------------------------------------------
# stop_at LOG-PATTERN NAME -- command...: starts the command, waits for the pattern in its log,
# sends SIGTERM and expects it gone with a non-zero status and no temp file left. The bound is
# generous (a loaded machine is slow at everything) but far below what finishing would take.
stop_at() {
	pat=$1 name=$2
	shift 3
	"$@" >"$tmp/$name.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q "$pat" "$tmp/$name.log" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.5
	kill -TERM $pid 2>/dev/null || { bad "$name: finished before the signal"; cat "$tmp/$name.log"; return; }
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 $pid 2>/dev/null; then
		bad "$name: still running 30 s after SIGTERM"
		kill -KILL $pid
	fi
	wait $pid
	[ $? != 0 ] || bad "$name: exit status 0 after SIGTERM"
	ls -a "$tmp/$name" 2>/dev/null | grep -q 'tmp' && bad "$name: a temp file was left: $(ls -a "$tmp/$name")"
	echo "$name: stopped"
}
# a server that accepts connections and never answers
python3 - "$tmp/silent.port" <<'EOF' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
EOF
pids="$pids $!"
i=0
while [ ! -s "$tmp/silent.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/silent.port")
stop_at "\[1/5\] script" script -- env VIDC_LLM_API_KEY=k VIDC_LLM_BASE_URL="http://127.0.0.1:$port/v1" VIDC_LLM_TIMEOUT=600 \
	"$VIDC" make examples/article-cold-brew.json --generator llm -o "$tmp/script"
stop_at "\[2/5\] voice" voice -- env VIDC_OPENAI_API_KEY=k VIDC_OPENAI_BASE_URL="http://127.0.0.1:$port/v1" VIDC_HTTP_TIMEOUT_MS=600000 \
	"$VIDC" make examples/article-cold-brew.json --provider openai -o "$tmp/voice"
if [ "${VIDC_SANITIZE:-0}" != 1 ]; then
	stop_at "\[5/5\] render" render -- "$VIDC" make examples/article-cold-brew.json -o "$tmp/render"
	[ ! -e "$tmp/render/video.mp4" ] || bad "render: a video was left after SIGTERM"
fi
exit $fail
