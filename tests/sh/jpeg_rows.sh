#!/bin/sh
# jpeg_rows.sh - a JPEG photo is decoded by rows (base/jpegdec, issue 17) and its damage still
# stops the render with the cause at the image's line: a truncated photo (the rows decoded so far
# must not become a picture with a grey rest) and one with a corrupt scan; no output file is left.
# A whole photo renders. The pixels by rows against the whole picture: tests/unit/rt_jpegrows.c.
. "$(dirname "$0")/lib.sh"
export VIDC_STDLIB=${VIDC_STDLIB:-$PWD/stdlib}

ffmpeg -v error -f lavfi -i testsrc2=s=640x960 -frames:v 1 -q:v 3 "$tmp/good.jpg" || { echo "ffmpeg failed"; exit 2; }
size=$(wc -c <"$tmp/good.jpg")
head -c $((size * 6 / 10)) "$tmp/good.jpg" >"$tmp/cut.jpg"
# the middle of the scan replaced by an end-of-image marker and bytes that are no Huffman code
{ head -c $((size / 2)) "$tmp/good.jpg"; printf '\377\331\377\377\000\000'; tail -c $((size / 2 - 6)) "$tmp/good.jpg"; } >"$tmp/bad.jpg"

for p in good cut bad; do
	printf 'video { preset tiktok; fps 30 }\nscene a 1s {\n  image "%s.jpg" { kenburns { zoom 1 -> 1.1 } }\n}\n' "$p" >"$tmp/$p.vid"
done
expect 0 "a whole JPEG" -- "$VIDC" frame "$tmp/good.vid" --at 0.5s -o "$tmp/good.png"
[ -s "$tmp/good.png" ] || say "no frame of the whole JPEG"
for p in cut bad; do
	expect 1 "$p JPEG" -- "$VIDC" render "$tmp/$p.vid" --progress none -o "$tmp/$p.mp4"
	has "$tmp/err" "$p.vid:3:3: error: cannot decode image '$p.jpg': corrupt or truncated picture data" "$p JPEG"
	[ ! -e "$tmp/$p.mp4" ] || say "the failed render of $p.jpg left $p.mp4"
done
exit $fail
