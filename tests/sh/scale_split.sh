#!/bin/sh
# Split renders (issue 14): a spec whose frames each draw their own number (a Lua hook) and a
# moving bar, rendered in 3 pieces (vidc render --pieces 3 --piece K) and joined in shuffled
# order (vidc join), against the single-pass render (--no-cache):
#   - the same frame count and duration, both streams starting at 0 (A/V sync within a frame);
#   - at every join the decoded frames before and after equal `vidc frame` of the same frame by
#     PSNR >= 40 dB, and are not its neighbours (their PSNR against the neighbours is lower);
#   - the joined soundtrack equals the single-pass one (one AAC stream, mixed once) and has no
#     click at the joins; ffmpeg -xerror decodes it without a word;
#   - pieces start on keyframes and carry no audio; a missing piece, a duplicate, a piece of an
#     edited spec and --piece without --pieces are refused, naming the cause.
. "$(dirname "$0")/lib.sh"
export VIDC_CACHE_DIR="$tmp/cache"

cp examples/assets/music.ogg "$tmp/"
mkdir "$tmp/hooks"
cat >"$tmp/hooks/framenum.lua" <<'EOF'
-- draws the frame's number, large, so a neighbour never passes for it
return { draw = function(ctx, canvas)
  canvas:text(string.format("%d", ctx.frame), ctx.width / 2, ctx.height / 2,
              {size = 260, weight = "black", align = "center", valign = "middle", color = "#ffffff"})
end }
EOF
cat >"$tmp/s.vid" <<'EOF'
video { preset tiktok; fps 10 }
hook framenum "hooks/framenum.lua"
music "music.ogg" { volume 60%; fade_out 1s }
scene a 4s {
  solid #224488
  solid #ffcc00 { size 30% 8%; animate x { key 0s 0%; key 4s 100% } }
  transition dissolve 0.5s
}
scene b 4.5s {
  solid #883322
  solid #00ccff { size 30% 8%; animate y { key 0s 0%; key 4.5s 100% } }
}
overlay { draw framenum { size 100% 40% } }
EOF
S=$tmp/s.vid

for k in 1 2 3; do
	"$VIDC" render "$S" --pieces 3 --piece $k -o "$tmp/p$k.mp4" --progress none 2>"$tmp/err$k" ||
		{ say "piece $k"; cat "$tmp/err$k"; }
done
"$VIDC" join "$tmp/p3.mp4" "$tmp/p1.mp4" "$tmp/p2.mp4" -o "$tmp/joined.mp4" 2>"$tmp/err" || { say "join"; cat "$tmp/err"; }
"$VIDC" render "$S" --no-cache -o "$tmp/single.mp4" --progress none 2>"$tmp/err" || { say "single pass"; cat "$tmp/err"; }
[ -f "$tmp/joined.mp4" ] && [ -f "$tmp/single.mp4" ] || { echo "FAIL: nothing to compare"; exit 1; }

# pieces: video only, each starting on a keyframe, frames as planned (GOPs of 20 frames)
for k in 1 2 3; do
	s=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$tmp/p$k.mp4" | tr '\n' ' ')
	[ "$s" = "video " ] || say "piece $k holds streams: $s"
	kf=$(ffprobe -v error -select_streams v:0 -show_entries packet=flags -of csv=p=0 "$tmp/p$k.mp4" | head -1)
	case $kf in K*) ;; *) say "piece $k starts with a packet flagged '$kf'" ;; esac
done
grep -q "frames \[20, 40)" "$tmp/err2" || say "piece 2 is not frames [20, 40): $(cat "$tmp/err2")"

probe() { ffprobe -v error -count_frames -show_entries stream=codec_type,nb_read_frames,start_time,duration -of csv=p=0 "$1"; }
probe "$tmp/joined.mp4" >"$tmp/pj"
probe "$tmp/single.mp4" >"$tmp/ps"
cmp -s "$tmp/pj" "$tmp/ps" || say "joined and single-pass streams differ: $(cat "$tmp/pj") vs $(cat "$tmp/ps")"
grep -q '^video,0.000000,8.000000,80$' "$tmp/pj" || say "the joined video is not 80 frames from 0 s: $(cat "$tmp/pj")"
python3 - "$tmp/pj" <<'PY' || say "audio and video are more than a frame apart"
import sys
rows = {r.split(",")[0]: r.strip().split(",") for r in open(sys.argv[1])}
v, a = rows["video"], rows["audio"]
if abs(float(v[1]) - float(a[1])) > 1 / 10 or abs(float(v[2]) - float(a[2])) > 1 / 10:
    sys.exit(1)
PY
ffmpeg -v warning -xerror -i "$tmp/joined.mp4" -f null - >"$tmp/xerr" 2>&1 || say "ffmpeg -xerror failed"
[ -s "$tmp/xerr" ] && say "ffmpeg warned: $(head -3 "$tmp/xerr")"
ffprobe -v error -show_entries format=filename "$tmp/joined.mp4" >/dev/null || say "ffprobe"
# faststart: moov before mdat
python3 - "$tmp/joined.mp4" <<'PY' || say "the joined MP4 is not faststart"
import struct, sys
f = open(sys.argv[1], "rb"); order = []
while True:
    h = f.read(8)
    if len(h) < 8: break
    size, kind = struct.unpack(">I4s", h)
    order.append(kind)
    if size == 1: size = struct.unpack(">Q", f.read(8))[0] - 8
    f.seek(size - 8, 1)
sys.exit(0 if order.index(b"moov") < order.index(b"mdat") else 1)
PY

# frames around every join against vidc frame: the right frame, not a neighbour
psnr() { # psnr A.yuv B.yuv -> average PSNR
	ffmpeg -v info -nostats -f rawvideo -s 1080x1920 -pix_fmt yuv420p -i "$1" -f rawvideo -s 1080x1920 -pix_fmt yuv420p \
		-i "$2" -lavfi psnr -f null - 2>&1 | sed -n 's/.*PSNR.*average:\([0-9.inf]*\).*/\1/p'
}
ref() { # ref F -> $tmp/ref-F.yuv (vidc frame converted as the encoder converts: BT.709, limited)
	[ -f "$tmp/ref-$1.yuv" ] && return
	"$VIDC" frame "$S" --at "${1}f" -o "$tmp/ref-$1.png" 2>/dev/null || say "vidc frame $1"
	ffmpeg -v error -i "$tmp/ref-$1.png" -vf "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p" \
		-f rawvideo "$tmp/ref-$1.yuv"
}
for b in 20 40; do
	for f in $((b - 1)) $b; do
		ffmpeg -v error -i "$tmp/joined.mp4" -vf "select=eq(n\,$f)" -vframes 1 -f rawvideo -pix_fmt yuv420p \
			"$tmp/dec-$f.yuv"
		ref $((f - 1)); ref $f; ref $((f + 1))
		right=$(psnr "$tmp/dec-$f.yuv" "$tmp/ref-$f.yuv")
		before=$(psnr "$tmp/dec-$f.yuv" "$tmp/ref-$((f - 1)).yuv")
		after=$(psnr "$tmp/dec-$f.yuv" "$tmp/ref-$((f + 1)).yuv")
		python3 -c "import sys; r,b,a=(float(x) for x in sys.argv[1:]); sys.exit(0 if r >= 40 and r > b + 3 and r > a + 3 else 1)" \
			"$right" "$before" "$after" ||
			say "frame $f at the join $b: PSNR $right dB against itself, $before / $after against its neighbours"
	done
done

# the soundtrack: equal to the single pass's, and no click at the joins (2 s and 4 s)
ffmpeg -v error -i "$tmp/joined.mp4" -map 0:a -f f32le -ac 2 -ar 48000 "$tmp/j.pcm"
ffmpeg -v error -i "$tmp/single.mp4" -map 0:a -f f32le -ac 2 -ar 48000 "$tmp/s.pcm"
python3 - "$tmp/j.pcm" "$tmp/s.pcm" <<'PY' || say "the joined soundtrack differs from the single pass's"
import array, sys
j, s = array.array("f"), array.array("f")
j.frombytes(open(sys.argv[1], "rb").read()); s.frombytes(open(sys.argv[2], "rb").read())
if len(j) != len(s) or len(j) < 48000 * 2 * 8:
    sys.exit("lengths %d and %d" % (len(j), len(s)))
diff = max(abs(a - b) for a, b in zip(j, s))
peak = max(abs(a) for a in s)
# jumps between samples near the joins must look like those elsewhere (a click is a jump)
steps = sorted(abs(j[i] - j[i - 2]) for i in range(2, len(j)))
typical = steps[int(len(steps) * 0.999)]
for t in (2.0, 4.0):
    c = int(t * 48000) * 2
    near = max(abs(j[i] - j[i - 2]) for i in range(c - 960, c + 960))
    if near > 2 * typical + 1e-3:
        sys.exit("a jump of %.4f at %.1f s (99.9th percentile %.4f)" % (near, t, typical))
if peak < 0.01 or diff > 1e-3 * peak + 1e-6:
    sys.exit("largest difference %.6f (peak %.3f)" % (diff, peak))
PY

# refusals
"$VIDC" join "$tmp/p1.mp4" "$tmp/p3.mp4" -o "$tmp/bad.mp4" 2>"$tmp/err" && say "a join without piece 2 succeeded"
grep -q "piece 2/3 is missing" "$tmp/err" || say "a missing piece: $(cat "$tmp/err")"
"$VIDC" join "$tmp/p1.mp4" "$tmp/p1.mp4" "$tmp/p3.mp4" -o "$tmp/bad.mp4" 2>"$tmp/err" && say "a duplicate piece was joined"
grep -q "both piece 1/3" "$tmp/err" || say "a duplicate piece: $(cat "$tmp/err")"
"$VIDC" join "$tmp/single.mp4" -o "$tmp/bad.mp4" 2>"$tmp/err" && say "a whole video was joined as a piece"
grep -q "is not a piece of a split render" "$tmp/err" || say "not a piece: $(cat "$tmp/err")"
sed 's/#883322/#338822/' "$S" >"$tmp/s2.vid" && mv "$tmp/s2.vid" "$S"
"$VIDC" join "$tmp/p1.mp4" "$tmp/p2.mp4" "$tmp/p3.mp4" -o "$tmp/bad.mp4" 2>"$tmp/err" && say "pieces of an edited spec were joined"
grep -q "p2.mp4' (frames \[20, 40)) was rendered from another version" "$tmp/err" || say "an edited spec: $(cat "$tmp/err")"
[ -e "$tmp/bad.mp4" ] && say "a refused join left its output"
"$VIDC" render "$S" --piece 2 -o "$tmp/x.mp4" 2>/dev/null; [ $? = 2 ] || say "--piece without --pieces is not a usage error"
"$VIDC" render "$S" --pieces 9 --piece 1 -o "$tmp/x.mp4" 2>"$tmp/err" && say "9 pieces of 4 GOPs"
grep -q "at most 4 pieces" "$tmp/err" || say "too many pieces: $(cat "$tmp/err")"
exit $fail
