#!/bin/sh
# A path mask past path.h's bounds (SPEC §14: at most 1,000,000 segments once flattened) is
# refused when the frame is drawn, and the error says so at the layer's spec line: the real
# cause and the limit, not "out of memory" (review finding). 4000 curves of 256 segments each
# (control points far outside the canvas) are 1,024,000 segments; the spec itself is valid
# (10,000 commands at most).
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$tmp" <<'PY'
import sys
for name, n in (("big", 4000), ("ok", 100)):
    d = "M 540 960" + " C 3000 6000 -2000 -4500 540 960" * n
    open(sys.argv[1] + "/" + name + ".vid", "w").write(
        'video { preset tiktok }\nscene s 40s {\n  solid #ff0000\n  solid #0000ff { mask path "%s" }\n}\n' % d)
PY
expect 1 "a path mask past the segment bound" -- "$VIDC" frame "$tmp/big.vid" --at 1s -o "$tmp/f.png"
has "$tmp/err" "big.vid:4:3: error: cannot draw layer n" "the error is at the masked layer's line"
has "$tmp/err" "its path mask: the path flattens to more than 1000000 segments" "the error names the real cause and the limit"
grep -q "out of memory" "$tmp/err" && bad "a path past its bound is reported as out of memory: $(cat "$tmp/err")"
[ -e "$tmp/f.png" ] && bad "a frame was written although its layer could not be drawn"

# Within the bound (the same curves, 100 of them) the frame is drawn.
expect 0 "the same curves within the bound" -- "$VIDC" frame "$tmp/ok.vid" --at 1s -o "$tmp/ok.png"
exit $fail
