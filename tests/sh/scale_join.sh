#!/bin/sh
# `vidc join` and the piece cache's soundtrack: pieces rendered with --cache say so in their tags,
# and the join then takes the soundtrack from the cache under the key `vidc render --cache` uses
# (the audio alone) or mixes it into it. A 4 s spec at 5 fps with music, in 2 pieces:
#   - the first join mixes the soundtrack; after a title edit (the pieces rendered again) the
#     join copies it from the cache: "soundtrack: cached", the audio packets byte-identical;
#   - a volume edit mixes it again; --no-cache mixes whatever the pieces say, and pieces rendered
#     without --cache are joined with a soundtrack mixed for them, the cache left alone.
. "$(dirname "$0")/lib.sh"
export VIDC_CACHE_DIR="$tmp/cache"

ffmpeg -v error -f lavfi -i "sine=frequency=440:duration=5" -ar 48000 "$tmp/music.wav"
cat >"$tmp/s.vid" <<'EOF'
video { preset tiktok; fps 5 }
music "music.wav" { volume 60% }
scene a 2s { solid #224488; text "Alpha" { font_size 120px } }
scene b 2s { solid #883322; text "Bravo" { font_size 120px } }
EOF
S=$tmp/s.vid
# pieces OUT_PREFIX [options]: the 2 pieces of the spec as it is now
pieces() {
	pre=$1
	shift
	for k in 1 2; do
		"$VIDC" render "$S" --pieces 2 --piece $k -o "$pre$k.mp4" --progress none "$@" 2>"$tmp/err" ||
			say "piece $k: $(cat "$tmp/err")"
	done
}
# join OUT [options] -> what vidc join said about the soundtrack ("cached", "mixed" or "")
join() {
	out=$1
	shift
	"$VIDC" join "$tmp/p1.mp4" "$tmp/p2.mp4" -o "$out" --progress none "$@" 2>"$tmp/err" || say "join $out: $(cat "$tmp/err")"
	sed -n 's/^vidc join: soundtrack: \([a-z]*\).*/\1/p' "$tmp/err"
}
audio_md5() { ffmpeg -v error -i "$1" -map 0:a -c copy -f framemd5 - | grep -v '^#' | md5sum; }

pieces "$tmp/p" --cache
[ "$(join "$tmp/j1.mp4")" = mixed ] || say "the first join of cached pieces: $(cat "$tmp/err")"
a1=$(audio_md5 "$tmp/j1.mp4")
sed -i 's/"Bravo"/"Bravissimo"/' "$S"
pieces "$tmp/p" --cache
[ "$(join "$tmp/j2.mp4")" = cached ] || say "the join after a title edit mixed the soundtrack again: $(cat "$tmp/err")"
[ "$(audio_md5 "$tmp/j2.mp4")" = "$a1" ] || say "after the title edit the audio stream is not the cached one"
ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$tmp/j2.mp4" | tr '\n' ' ' | grep -qx 'video audio ' ||
	say "the join from the cached soundtrack is not one video and one audio stream"
[ "$(join "$tmp/j3.mp4" --no-cache)" = "" ] || say "join --no-cache used the cache: $(cat "$tmp/err")"
[ "$(audio_md5 "$tmp/j3.mp4")" = "$a1" ] || say "join --no-cache mixed another soundtrack than the cached one"
sed -i 's/volume 60%/volume 30%/' "$S"
pieces "$tmp/p" --cache
[ "$(join "$tmp/j4.mp4")" = mixed ] || say "the join after a volume edit did not mix again: $(cat "$tmp/err")"
[ "$(audio_md5 "$tmp/j4.mp4")" = "$a1" ] && say "the volume edit's join kept the old soundtrack"
n=$(find "$tmp/cache" -type f | wc -l)
pieces "$tmp/p"
[ "$(join "$tmp/j5.mp4")" = "" ] || say "pieces rendered without --cache were joined through it: $(cat "$tmp/err")"
[ "$(find "$tmp/cache" -type f | wc -l)" = "$n" ] || say "a join of uncached pieces wrote to the cache"
exit $fail
