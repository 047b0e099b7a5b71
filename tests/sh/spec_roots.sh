#!/bin/sh
# spec_roots.sh - the project roots (issue 10): every file a spec or an import names must
# resolve, symbolic links followed, inside the spec's folder, the stdlib or an --allow folder.
#   - import, code file, image, video, font, voice, timings, music and hook at an absolute path,
#     at a ../ path and through a symbolic link leading out: each an error naming the rule, exit 1,
#     and no line of the file ever quoted (import "/etc/passwd" printed "root:x:0:0" before);
#   - a name through a missing folder and then .. is refused, a FIFO in the project is refused
#     without blocking, --no-assets still refuses what lies outside (only "missing" is skipped);
#   - the same files inside an --allow folder pass, and a render with an allowed picture really
#     draws it; `vidc make --music` grants the music's own folder; a missing --allow folder is an
#     error.
. "$(dirname "$0")/lib.sh"
export VIDC_STDLIB=${VIDC_STDLIB:-$PWD/stdlib}

p=$tmp/proj o=$tmp/other
mkdir -p "$p" "$o"
cp tests/fixtures/red.png tests/fixtures/voice.wav tests/fixtures/voice.json "$o/"
cp tests/fixtures/red.png "$p/"
font=$(fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null)
[ -f "$font" ] && cp "$font" "$o/f.ttf" || printf 'not a font' >"$o/f.ttf"
printf 'const X = 1s\n' >"$o/lib.vid"
printf 'function draw(c, t, p) end\n' >"$o/h.lua"
printf 'line one\n' >"$o/code.txt"
ln -s /etc/passwd "$p/passwd.png"
ln -s ../other/red.png "$p/out.png"
ln -s /etc "$p/etc"
ln -s red.png "$p/in.png" # a link that stays inside is fine

head='video { preset youtube_long; fps 30 }'
spec() { # spec NAME BODY -> $p/NAME.vid: the video statement, then BODY
	printf '%s\n%s\n' "$head" "$2" >"$p/$1.vid"
}
# outside NAME BODY WHAT: the spec is refused, naming the rule, without quoting a passwd line
outside() {
	spec "$1" "$2"
	expect 1 "$3" -- "$VIDC" check --color never "$p/$1.vid"
	has "$tmp/err" "outside the project (allowed: the spec's folder, the stdlib, and folders given with --allow)" "$3"
	! grep -q 'root:' "$tmp/err" || say "$3: a line of /etc/passwd was quoted: $(grep 'root:' "$tmp/err")"
	expect 1 "$3 (--no-assets)" -- "$VIDC" check --color never --no-assets "$p/$1.vid"
	has "$tmp/err" "outside the project (allowed:" "$3 (--no-assets)"
}

outside imp-abs 'import "/etc/passwd"' "import /etc/passwd"
outside imp-up 'import "../other/lib.vid"' "import ../"
outside imp-link 'import "etc/passwd"' "import through a linked folder"
outside code-abs 'scene a 2s { code text { file "/etc/passwd" } }' "code file /etc/passwd"
outside code-link 'scene a 2s { code text { file "passwd.png" } }' "code file through a link"
outside img-abs 'scene a 2s { image "/etc/passwd" }' "image /etc/passwd"
outside img-up 'scene a 2s { image "../other/red.png" }' "image ../"
outside img-link 'scene a 2s { image "out.png" }' "image through a link"
outside vid-abs "scene a 2s { video \"$o/voice.wav\" }" "video at an absolute path"
outside font-abs "scene a 2s { text \"hi\" { font \"$o/f.ttf\" } }" "font at an absolute path"
outside font-up 'scene a 2s { text "hi" { font "../other/f.ttf" } }' "font ../"
outside voice-up 'voice "../other/voice.wav"
scene a 2s { solid #000 }' "voice ../"
outside timings-up 'voice "in.png" { timings "../other/voice.json" }
scene a 2s { solid #000 }' "timings ../"
outside music-abs "music \"$o/voice.wav\"
scene a 2s { solid #000 }" "music at an absolute path"
outside hook-abs "hook h \"$o/h.lua\"
scene a 2s { draw h { } }" "hook at an absolute path"
outside hook-up 'hook h "../other/h.lua"
scene a 2s { draw h { } }' "hook ../"
outside dotdot 'scene a 2s { image "nodir/../../other/red.png" }' "a .. after a missing folder"
has "$tmp/err" "image 'nodir/../../other/red.png'" "a .. after a missing folder: the name as written"

# the message says when a link is what leads out
spec linkmsg 'scene a 2s { image "passwd.png" }'
expect 1 "a link to /etc/passwd" -- "$VIDC" check --color never "$p/linkmsg.vid"
has "$tmp/err" "image 'passwd.png' is a symbolic link to a file outside the project" "a link to /etc/passwd"

# not a regular file: refused at once, never opened (a FIFO would block the render)
mkfifo "$p/fifo.png"
spec fifo 'scene a 2s { image "fifo.png" }'
expect 1 "a FIFO as an image" -- timeout 20 "$VIDC" check --color never --no-assets "$p/fifo.vid"
has "$tmp/err" "image 'fifo.png' is not a regular file" "a FIFO as an image"

# --no-assets skips only what is missing inside the project
spec missing 'scene a 2s { image "nothere.png" }'
expect 0 "a missing file with --no-assets" -- "$VIDC" check --color never --no-assets "$p/missing.vid"
expect 1 "a missing file" -- "$VIDC" check --color never "$p/missing.vid"
has "$tmp/err" "image 'nothere.png' not found" "a missing file"

# the same files inside an --allow folder pass; a link inside the project to a file inside is fine
spec allowed 'import "../other/lib.vid"
voice "../other/voice.wav" { timings "../other/voice.json" }
hook h "../other/h.lua"
scene a 2s {
  image "../other/red.png"
  image "out.png"
  image "in.png"
  code text { file "../other/code.txt" }
  text "hi" { font "../other/f.ttf" }
}'
expect 0 "the same files with --allow" -- "$VIDC" check --color never --allow "$o" "$p/allowed.vid"
expect 1 "the same files without --allow" -- "$VIDC" check --color never "$p/allowed.vid"
n=$(grep -c 'is outside the project\|is a symbolic link to a file outside' "$tmp/err")
[ "$n" = 8 ] || say "without --allow: $n files refused, want 8: $(cat "$tmp/err")"
expect 1 "a missing --allow folder" -- "$VIDC" check --color never --allow "$tmp/nope" "$p/allowed.vid"
has "$tmp/err" "cannot use '$tmp/nope' as a project root" "a missing --allow folder"

# a render with an allowed picture draws it: the frame's centre is the picture's centre colour
spec draw 'scene a 1s { image "../other/red.png" { fit cover } }'
expect 1 "render without --allow" -- "$VIDC" render "$p/draw.vid" -o "$tmp/draw.mp4" --progress none
[ -e "$tmp/draw.mp4" ] && say "a refused spec left $tmp/draw.mp4"
expect 0 "render with --allow" -- "$VIDC" render "$p/draw.vid" --allow "$o" -o "$tmp/draw.mp4" --progress none
frames=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames -of csv=p=0 "$tmp/draw.mp4")
[ "$frames" = 30 ] || say "the allowed render has '$frames' frames, want 30"
expect 0 "frame with --allow" -- "$VIDC" frame "$p/draw.vid" --allow "$o" --at 0.5s -o "$tmp/draw.png"
centre() { ffmpeg -v error -i "$1" -vf 'crop=1:1:iw/2:ih/2' -f rawvideo -pix_fmt rgb24 - | od -An -tu1; }
# shellcheck disable=SC2046
set -- $(centre "$o/red.png") $(centre "$tmp/draw.png")
close() { [ $(($1 - $2)) -le 12 ] && [ $(($2 - $1)) -le 12 ]; }
[ $# = 6 ] && close "$1" "$4" && close "$2" "$5" && close "$3" "$6" ||
	say "the allowed picture is not drawn: the frame's centre is '$4 $5 $6', the picture's '$1 $2 $3'"

exit $fail
