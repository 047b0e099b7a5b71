#!/bin/sh
# untrusted_media.sh - what a hostile spec cannot make vidc do with media and outputs (issue 10):
#   - `-o` names only a regular file or a new name: a folder or a device (like /dev/null, as
#     root) is refused before rendering and the device stays a device;
#   - a killed render leaves nothing at the output path, and its stale .NAME.tmp-PID is removed
#     by the next run;
#   - an image named tcp://, rtmp:// or ftp:// is a file name like any other: the checker resolves
#     it inside the spec's folder, so with such local folders the local file is drawn and without
#     them it is "not found"; nothing ever connects to the port it names (the runtime's refusal of
#     a URL that reaches it anyway: tests/unit/rt_errors.c);
#   - a PNG whose header claims 16000x16000 or 100000x100000 is refused before decoding, with the
#     numbers (/dev/zero as an image: tests/unit/rt_errors.c, since the checker stops it first);
#   - `-o` naming the spec, a file it imports or a picture it draws is refused, the file
#     unchanged; a failed frame leaves the old output as it was, a failed `vidc ir` no file;
#   - a full disk says "the disk is full", for a render and a frame (when a small tmpfs can be
#     mounted here).
. "$(dirname "$0")/lib.sh"
export VIDC_STDLIB=${VIDC_STDLIB:-$PWD/stdlib}

spec() { # spec NAME SECONDS LAYER -> $tmp/NAME.vid: one scene holding LAYER
	printf 'video { preset youtube_long; fps 30 }\nscene a %ss {\n  %s\n}\n' "$2" "$3" >"$tmp/$1.vid"
}
spec solid 1 'solid #336699'

# ---- outputs ----
mkdir "$tmp/outdir"
expect 1 "render to a folder" -- "$VIDC" render "$tmp/solid.vid" -o "$tmp/outdir" --progress none
has "$tmp/err" "it is a directory" "render to a folder"
[ -z "$(ls -A "$tmp/outdir")" ] || say "render to a folder left $(ls -A "$tmp/outdir")"
expect 1 "frame to a folder" -- "$VIDC" frame "$tmp/solid.vid" --at 0.5s -o "$tmp/outdir"
has "$tmp/err" "it is a directory" "frame to a folder"
# A device node of our own (as /dev/null is, 1:3): a binary without the rule would replace this
# one, not the system's.
if mknod "$tmp/null" c 1 3 2>/dev/null; then
	expect 1 "render to a device" -- "$VIDC" render "$tmp/solid.vid" -o "$tmp/null" --progress none
	has "$tmp/err" "it is a device" "render to a device"
	[ -c "$tmp/null" ] || say "the device node was replaced"
else
	echo "skip: cannot make a device node here (not root?): the device case is not tested"
fi
# -o naming a file the command reads (the spec, a picture it draws): refused after the compile,
# before anything is written, the file unchanged (a typo must not destroy the designer's work)
cp "$tmp/solid.vid" "$tmp/keep.vid"
expect 1 "frame over its own spec" -- "$VIDC" frame "$tmp/solid.vid" --at 0.5s -o "$tmp/solid.vid"
has "$tmp/err" "it is the spec" "frame over its own spec"
cmp -s "$tmp/solid.vid" "$tmp/keep.vid" || say "frame -o SPEC replaced the spec"
expect 1 "ir over its own spec" -- "$VIDC" ir "$tmp/solid.vid" -o "$tmp/./solid.vid"
cmp -s "$tmp/solid.vid" "$tmp/keep.vid" || say "ir -o SPEC replaced the spec"
# ... or a file it imports (only the spec itself was checked)
printf 'const brand = #ff6600\n' >"$tmp/brand.vid"
cp "$tmp/brand.vid" "$tmp/keep-brand.vid"
printf 'import "brand.vid"\nvideo { preset youtube_long; fps 30 }\nscene a 1s { solid brand }\n' >"$tmp/imp.vid"
expect 1 "frame over an imported file" -- "$VIDC" frame "$tmp/imp.vid" --at 0.5s -o "$tmp/brand.vid"
has "$tmp/err" "the spec reads it" "frame over an imported file"
cmp -s "$tmp/brand.vid" "$tmp/keep-brand.vid" || say "frame -o IMPORT replaced the imported file"
expect 1 "ir over an imported file" -- "$VIDC" ir "$tmp/imp.vid" -o "$tmp/brand.vid"
cmp -s "$tmp/brand.vid" "$tmp/keep-brand.vid" || say "ir -o IMPORT replaced the imported file"
# a failed ir leaves nothing at its output (it was opened first: an empty file was left)
cp "$tmp/keep-brand.vid" "$tmp/brand.vid"
expect 1 "ir of a preset the spec lacks" -- "$VIDC" ir "$tmp/imp.vid" --preset tiktok -o "$tmp/none.ir"
[ ! -e "$tmp/none.ir" ] || say "a failed ir left $tmp/none.ir"
printf 'not a png\n' >"$tmp/pic.png"
spec pic 1 'image "pic.png"'
expect 1 "render over a picture it draws" -- "$VIDC" render "$tmp/pic.vid" --no-assets -o "$tmp/pic.png" --progress none
has "$tmp/err" "the spec reads it (line 3)" "render over a picture it draws"
[ "$(cat "$tmp/pic.png")" = "not a png" ] || say "render -o PICTURE replaced the picture"
# a failed frame leaves the old file as it was (the undecodable picture fails the render)
printf 'old\n' >"$tmp/old.png"
expect 1 "failed frame over an old file" -- "$VIDC" frame "$tmp/pic.vid" --no-assets --at 0.5s -o "$tmp/old.png"
[ "$(cat "$tmp/old.png")" = "old" ] || say "a failed frame replaced the old file"
expect 1 "render into a missing folder" -- "$VIDC" render "$tmp/solid.vid" -o "$tmp/none/x.mp4" --progress none
has "$tmp/err" "No such file or directory" "render into a missing folder"

# a render killed half way: nothing at the output path, a temp beside it, removed next time
spec long 600 'solid #204060'
"$VIDC" render "$tmp/long.vid" -o "$tmp/outdir/v.mp4" --progress none 2>/dev/null &
pid=$!
i=0
while [ ! -e "$tmp/outdir/.v.mp4.tmp-$pid" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ -e "$tmp/outdir/.v.mp4.tmp-$pid" ] || say "the killed render's temp .v.mp4.tmp-$pid never appeared"
[ ! -e "$tmp/outdir/v.mp4" ] || say "a killed render left v.mp4"
expect 0 "render after a killed one" -- "$VIDC" render "$tmp/solid.vid" -o "$tmp/outdir/v.mp4" --progress none
[ -s "$tmp/outdir/v.mp4" ] || say "no v.mp4 after the second render"
[ ! -e "$tmp/outdir/.v.mp4.tmp-$pid" ] || say "the stale temp of the killed render is still there"

# ---- no network: URLs as image layers ----
python3 - "$tmp/port" "$tmp/hits" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".new", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".new", sys.argv[1])
n = 0
while True:
    c, _ = s.accept()
    n += 1
    open(sys.argv[2], "w").write(str(n))
    c.close()
PY
srv=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
ffmpeg -v error -y -f lavfi -i testsrc2=s=64x48 -frames:v 1 "$tmp/ok.png" || { echo "FAIL: ffmpeg"; exit 1; }
vidc=$(cd "$(dirname "$VIDC")" && pwd)/$(basename "$VIDC")
for scheme in tcp rtmp ftp; do
	# without a local folder of that name it is a missing file, whatever libav could open
	spec "$scheme" 1 "image \"$scheme://127.0.0.1:$port/x.png\""
	(cd "$tmp" && "$vidc" frame "$scheme.vid" --at 0.5s -o f.png) >"$tmp/out" 2>"$tmp/err" &&
		say "$scheme:// image without a local file: rendered"
	has "$tmp/err" "image '$scheme://127.0.0.1:$port/x.png' not found" "$scheme:// image"
	# "tcp://127.0.0.1:PORT/x.png" is also a path (folder "tcp:", then "127.0.0.1:PORT"): the
	# checker resolves it to that local file, and the runtime reads the file, not the URL
	mkdir -p "$tmp/$scheme:/127.0.0.1:$port"
	cp "$tmp/ok.png" "$tmp/$scheme:/127.0.0.1:$port/x.png"
	(cd "$tmp" && "$vidc" frame "$scheme.vid" --at 0.5s -o f.png) >"$tmp/out" 2>"$tmp/err" ||
		{ say "$scheme:// image in a local folder: not drawn"; sed 's/^/    /' "$tmp/err" | tail -3; }
done
[ ! -e "$tmp/hits" ] || say "vidc connected to the listener $(cat "$tmp/hits") time(s)"

# ---- pictures: the pixel limit from the header, devices ----
png_head() { # png_head W_HEX H_HEX FILE: a PNG signature and IHDR declaring W x H
	printf '\211PNG\r\n\032\n\000\000\000\rIHDR%b%b\010\006\000\000\000\000\000\000\000' "$1" "$2" >"$3"
}
png_head '\000\000\076\200' '\000\000\076\200' "$tmp/big.png"       # 16000 x 16000
png_head '\000\001\206\240' '\000\001\206\240' "$tmp/huge.png"      # 100000 x 100000
for p in big:16000x16000 huge:100000x100000; do
	spec "${p%%:*}" 1 "image \"${p%%:*}.png\""
	expect 1 "${p%%:*}.png" -- "$VIDC" frame "$tmp/${p%%:*}.vid" --at 0.5s -o "$tmp/f.png"
	has "$tmp/err" "the picture is ${p#*:} pixels" "${p%%:*}.png"
	has "$tmp/err" "the limit is" "${p%%:*}.png"
done
# ---- a full disk ----
mkdir "$tmp/small"
if mount -t tmpfs -o size=64k tmpfs "$tmp/small" 2>/dev/null; then
	expect 1 "render onto a full disk" -- "$VIDC" render "$tmp/long.vid" -o "$tmp/small/v.mp4" --progress none
	has "$tmp/err" "the disk is full" "render onto a full disk"
	[ -z "$(ls -A "$tmp/small")" ] || say "a failed render left $(ls -A "$tmp/small")"
	# a frame's PNG too names the cause (it said "golden: ... cannot write the PNG")
	head -c 60000 /dev/zero >"$tmp/small/fill" 2>/dev/null
	expect 1 "frame onto a full disk" -- "$VIDC" frame "$tmp/solid.vid" --at 0.5s -o "$tmp/small/f.png"
	has "$tmp/err" "the disk is full" "frame onto a full disk"
	[ ! -e "$tmp/small/f.png" ] || say "a failed frame left f.png"
	rm -f "$tmp/small/fill"
	umount "$tmp/small"
else
	echo "skip: cannot mount a tmpfs here (not root?): the full-disk case is not tested"
fi
exit $fail
