#!/bin/sh
# `vidc job split` (SPEC.md section 16.9) is bounded by the real video, never by the script's
# total_estimated_duration, which the client wrote: a script claiming an hour (the schema's most)
# for a video of a few seconds gets the few pieces the video's 2 s keyframe intervals allow,
# counted from the preset's spec when an earlier render wrote it, else the narration
# (voice.json), else the script's words; the API's `pieces` and --pieces are capped the same way;
# a spec that does not compile is not split (the render then fails with its error). No Celery, no
# render: `vidc job add render` and `vidc job split` on the store, the project's files written here.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/celery_lib.inc # service_lib.inc and its helpers on Debian's Python (no Celery needed)
setup_sites
start_server
req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
P=$(jget "j['id']")
# the fixture's script (about 50 words: 10-20 s spoken) claiming an hour
$PY -c "
import json; s = json.load(open('tests/fixtures/service/script-short.json')); s['total_estimated_duration'] = 3600
print(json.dumps(s))" >"$tmp/script.json"
expect "script" 200 PUT "/scripts/$P/" "$TA" "@$tmp/script.json"
[ "$(sql1 "SELECT total_estimated_duration FROM igny8_video_scripts WHERE project_id = $P")" = 3600.0 ] ||
	bad "the stored claim: $(sql1 "SELECT total_estimated_duration FROM igny8_video_scripts WHERE project_id = $P")"
DIR=$MEDIA/site-1/project-$P
mkdir -p "$DIR"
# split WHAT WANT [--pieces N] [--config FILE]: a new render job of the project, split; its piece count in $n
k=0
split() {
	what=$1 want=$2
	shift 2
	k=$((k + 1))
	sql1 "UPDATE igny8_rendered_videos SET status = 'failed' WHERE project_id = $P" >/dev/null # the last one's over
	J=$("$VIDC" job add render --project "$P" --preset tiktok --config "$CONFIG" --key "k$k" | tr -dc 0-9)
	n=$("$VIDC" job split "$J" --config "$CONFIG" "$@" 2>"$tmp/split.err")
	[ "$n" = "$want" ] || bad "$what: split in '$n' pieces, expected $want: $(cat "$tmp/split.err")"
}
# the split_seconds of a config whose automatic split would cut the claim in thousands
sed 's/^{/{"split_seconds": 2, /' "$CONFIG" >"$tmp/split2.json"

# no voice yet (the first piece will narrate it): the script's words spoken fast, 240 a minute
# (12 s and the pauses: 6 intervals of 2 s), whatever the claim says
split "words, automatic" 1
split "words, --pieces 1024" 6 --pieces 1024
split "words, split_seconds 2" 6 --config "$tmp/split2.json"
# the narration made: its length
printf '{"version": 1, "text": "", "duration": 5.2, "words": [], "sections": []}\n' >"$DIR/voice.json"
split "voice, --pieces 1024" 2 --pieces 1024
split "voice, --pieces 1" 1 --pieces 1
# an earlier render's spec: 5 s of video, 3 started intervals
cat >"$DIR/tiktok.vid" <<'VID'
video { preset tiktok; fps 10 }
scene s 5s { solid #204060 }
VID
split "spec, automatic" 1
split "spec, --pieces 1024" 3 --pieces 1024
split "spec, --pieces 2" 2 --pieces 2
split "spec, split_seconds 2" 3 --config "$tmp/split2.json"
# the same job split again (its task delivered again) keeps its decision
n2=$("$VIDC" job split "$J" --config "$CONFIG" --pieces 1 2>&1)
[ "$n2" = 3 ] || bad "the same job split again: '$n2', it was split in 3"
# the API's `pieces` (POST /render/, kept on the job as pieces_asked) is capped too
sql1 "UPDATE igny8_rendered_videos SET status = 'failed' WHERE project_id = $P" >/dev/null
expect "render" 202 POST /render/ "$TA" "{\"project_id\":$P,\"presets\":[\"tiktok\"],\"pieces\":1000}"
J=$(sql1 "SELECT id FROM vidc_jobs WHERE kind = 'render' AND project_id = $P ORDER BY id DESC LIMIT 1")
n=$("$VIDC" job split "$J" --config "$CONFIG" 2>&1)
[ "$n" = 3 ] || bad "the API's pieces 1000: split in '$n', expected 3"
# a spec that does not compile: no split, and the message says why (the render's own compile
# fails the job with it)
sql1 "UPDATE vidc_jobs SET status = 'failed' WHERE id = $J" >/dev/null
printf 'video { preset tiktok }\nscene s 5s { solid #204060 {\n' >"$DIR/tiktok.vid"
split "a broken spec" 1 --pieces 4
grep -q "not split: its spec does not compile: .*tiktok.vid" "$tmp/split.err" || bad "a broken spec: stderr: $(cat "$tmp/split.err")"
[ $fail = 0 ] && echo "ok: celery_split (bounded by the spec, the voice or the words; never the claim)"
exit $fail
