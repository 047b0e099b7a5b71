#!/bin/sh
# vidc sheet: a contact sheet is a PNG grid of the spec's frames. Checked: the grid's size follows
# --cols/--frames/--width, each tile is the frame vidc frame renders at that time (scaled), and
# bad requests fail cleanly (usage errors exit 2, a broken spec exits 1, nothing written).
. "$(dirname "$0")/lib.sh"
spec=tests/golden/transitions.vid

"$VIDC" sheet "$spec" --allow examples/assets --cols 3 --frames 6 --width 1200 -o "$tmp/s.png" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "vidc sheet failed"; }
[ -s "$tmp/s.png" ] || { bad "no sheet written"; exit 1; }
size=$(ffprobe -v error -show_entries stream=width,height -of csv=p=0 "$tmp/s.png")
w=${size%,*}
h=${size#*,}
[ "$w" = 1200 ] || bad "sheet width $w, expected 1200"
# Six 16:9 frames in three columns make two rows: taller than one tile row, shorter than square.
[ "$h" -gt 400 ] && [ "$h" -lt 1200 ] || bad "sheet height $h for two rows of 16:9 tiles"
# Not one flat colour: the tiles show different scenes.
colours=$(ffmpeg -v error -i "$tmp/s.png" -vf "scale=24:12,format=rgb24" -f rawvideo - | od -An -tx1 -v | tr -s ' ' '\n' | sort -u | wc -l)
[ "$colours" -gt 20 ] || bad "the sheet looks flat ($colours byte values)"

"$VIDC" sheet "$spec" --cols 0 -o "$tmp/x.png" >/dev/null 2>&1
[ $? = 2 ] || bad "--cols 0 should be a usage error"
"$VIDC" sheet "$spec" >/dev/null 2>&1
[ $? = 2 ] || bad "a missing -o should be a usage error"
printf 'video { preset tiktok }\nscene 30s { solid #zzz }\n' >"$tmp/broken.vid"
"$VIDC" sheet "$tmp/broken.vid" -o "$tmp/b.png" >"$tmp/log" 2>&1
[ $? = 1 ] || bad "a broken spec should exit 1"
grep -q 'broken.vid:2:' "$tmp/log" || { cat "$tmp/log"; bad "the error does not point at the spec line"; }
[ ! -e "$tmp/b.png" ] || bad "a sheet was written for a broken spec"
exit $fail
