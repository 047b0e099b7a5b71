#!/bin/sh
# The service's workers against a running `vidc serve`: a render queued through the API and
# followed through the status endpoint (progress written as it goes), the worker killed with
# kill -9 mid-render and a second worker finishing the job (the MP4 whole: fetched with a Range
# request, then decoded to its last frame by ffprobe), two workers on one database running 20
# jobs (each executed exactly once), the credits settled for what ran, and stage 9: the sample
# article published on a site with video on runs script -> voice -> assets -> render -> review.
# The rendering workers (the kill -9 takeover's and stage 9's) write their specs at 10 fps (the
# config's `fps`): the chain and its assertions are the same, each render a third of the work.
# tests/sh/make.sh renders the same chain at full rate.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
setup_sites
start_server
render=1
[ "${VIDC_SANITIZE:-0}" = 1 ] && render=0 # renders take minutes under the sanitizers
start_worker() { # the worker with $WCONFIG when set, else the test's config
	"$VIDC" worker --config "${WCONFIG:-$CONFIG}" "$@" >>"$tmp/worker.log" 2>&1 &
	WPID=$!
	PIDS="$PIDS $WPID"
}

sed 's/^{/{"fps": 10, /' "$CONFIG" >"$tmp/vidc-10fps.json"
if [ $render = 1 ]; then
# --- a render, followed to completion; kill -9 mid-render -----------------------------------
WCONFIG=$tmp/vidc-10fps.json
req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
P=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P/" "$TA" "@tests/fixtures/service/script-short.json"
expect "render" 202 POST /render/ "$TA" "{\"project_id\":$P,\"presets\":[\"tiktok\"]}"
R=$(jget "j['renders'][0]['id']")
start_worker
W1=$WPID
midway=""
for _ in $(seq 1 600); do
	req GET "/render/$R/status/" "$TA" >/dev/null
	pct=$(jget "j['percent']")
	if [ "$(pyval "15 <= $pct < 80")" = True ]; then
		midway=$pct
		break
	fi
	sleep 0.1
done
[ -n "$midway" ] || bad "no progress between 15 and 80 % was seen (last $pct %)"
kill -9 "$W1"
wait "$W1" 2>/dev/null
req GET "/render/$R/status/" "$TA" >/dev/null
[ "$(jget "j['status']")" = rendering ] || bad "after kill -9 the render is $(jget "j['status']")"
ls "$MEDIA"/site-1/project-$P/render-*.mp4 >/dev/null 2>&1 && bad "an MP4 exists after the worker died mid-render"
# the second worker takes the job over when the lease (3 s) runs out
start_worker
W2=$WPID
seen=""
for _ in $(seq 1 900); do
	req GET "/render/$R/status/" "$TA" >/dev/null
	st=$(jget "j['status']")
	[ "$st" = completed ] || [ "$st" = failed ] && break
	seen="$seen $(jget "int(j['percent'])")"
	sleep 0.2
done
[ "$st" = completed ] || bad "the render ended $st: $(cat "$tmp/out"); $(tail -5 "$tmp/worker.log")"
frames=$(jget "j['frames_total']")
[ "$(sql "SELECT attempts, status FROM vidc_jobs WHERE rendered_video_id = $R")" = "[(2, 'done')]" ] ||
	bad "the render job: $(sql "SELECT attempts, status, error FROM vidc_jobs WHERE rendered_video_id = $R")"
[ "$(sql "SELECT COUNT(*) FROM vidc_job_runs r JOIN vidc_jobs j ON j.id = r.job_id WHERE j.rendered_video_id = $R")" = "[(2,)]" ] ||
	bad "the render did not run exactly twice"
expect "project" 200 GET "/projects/$P/" "$TA"
[ "$(jget "j['status']")" = review ] || bad "the project is $(jget "j['status']") after its render"
ls "$MEDIA/site-1/project-$P" | grep -q tmp && bad "temp files left: $(ls "$MEDIA/site-1/project-$P")"
# Range: the first KiB, then the rest; the two halves make the file, which decodes whole
code=$(curl -s -o "$tmp/head.bin" -D "$tmp/h" -w '%{http_code}' -H "Authorization: Bearer $TA" -H 'Range: bytes=0-1023' "$U/render/$R/file/")
[ "$code" = 206 ] || bad "Range request: $code"
grep -qi '^Content-Range: bytes 0-1023/' "$tmp/h" || bad "no Content-Range: $(cat "$tmp/h")"
code=$(curl -s -o "$tmp/tail.bin" -w '%{http_code}' -H "Authorization: Bearer $TA" -H 'Range: bytes=1024-' "$U/render/$R/file/")
[ "$code" = 206 ] || bad "open Range request: $code"
cat "$tmp/head.bin" "$tmp/tail.bin" >"$tmp/video.mp4"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TA" -H 'Range: bytes=999999999-' "$U/render/$R/file/")
[ "$code" = 416 ] || bad "a range past the end: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TB" "$U/render/$R/file/")
[ "$code" = 404 ] || bad "site B fetched A's video: $code"
n=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$tmp/video.mp4")
[ "$n" = "$frames" ] || bad "the MP4 decodes to $n frames, the render has $frames"
echo "the taken-over render: $n frames"
# done with it: the workers below are the only ones on the queue
kill "$W2"
wait "$W2" 2>/dev/null
unset WCONFIG
fi

# --- 20 jobs, two workers: each runs exactly once ------------------------------------------
sed 's/"assets\//"/g' examples/article-cold-brew.json >"$tmp/article.json"
# both workers wait on the empty queue first, so they race for every job
start_worker
A=$WPID
start_worker --concurrency 2
B=$WPID
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	req POST /contents/ "$TA" "@$tmp/article.json" >/dev/null
	c=$(jget "j['id']")
	req POST /projects/ "$TA" "{\"content_id\":$c,\"project_type\":\"short\",\"target_platforms\":[\"tiktok\"]}" >/dev/null
	p=$(jget "j['id']")
	expect "generate $i" 202 POST /scripts/generate/ "$TA" "{\"project_id\":$p}"
done
for _ in $(seq 1 600); do
	[ "$(sql "SELECT COUNT(*) FROM vidc_jobs WHERE kind = 'script' AND status IN ('queued', 'running')")" = "[(0,)]" ] && break
	sleep 0.2
done
kill "$A" "$B"
wait "$A" "$B" 2>/dev/null
[ "$(sql "SELECT COUNT(*), SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) FROM vidc_jobs WHERE kind = 'script'")" = "[(20, 20)]" ] ||
	bad "script jobs: $(sql "SELECT status, error FROM vidc_jobs WHERE kind = 'script'")"
[ "$(sql "SELECT COUNT(*) FROM vidc_job_runs r JOIN vidc_jobs j ON j.id = r.job_id WHERE j.kind = 'script'")" = "[(20,)]" ] ||
	bad "20 jobs ran $(sql "SELECT COUNT(*) FROM vidc_job_runs") times"
[ "$(sql "SELECT COUNT(DISTINCT worker) > 1 FROM vidc_job_runs r JOIN vidc_jobs j ON j.id = r.job_id WHERE j.kind = 'script'")" = "[(1,)]" ] ||
	bad "one worker ran every job (the test shows nothing then)"
[ "$(sql "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'charge' AND operation_type IN ('video_script_generation', 'video_seo_metadata')")" = "[(120,)]" ] ||
	bad "20 scripts for one platform should cost 20 x (5 + 1)"
[ "$(sql "SELECT SUM(amount) FROM vidc_credit_ledger WHERE kind IN ('hold', 'release') AND job_id IN (SELECT id FROM vidc_jobs WHERE status = 'done')")" = "[(0,)]" ] ||
	bad "holds of finished jobs were not released"

# --- a failed job, and the retention of its files ------------------------------------------
unset VIDC_OPENAI_API_KEY
req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
PF=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$PF/" "$TA" '{"hook":"One.","intro":"Two.","points":[{"text":"Three and four.","duration_est":1,"visual_cue":"text card: x","text_overlay":"x"}],"cta":"Five.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":5,"seo":{}}'
fi_dir=$MEDIA/site-1/project-$PF
expect "voice without a key" 202 POST /voiceover/generate/ "$TA" "{\"project_id\":$PF,\"provider\":\"openai\"}"
"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
wait_project "$PF" failed 100
[ "$(jget "j['status']")" = failed ] || bad "a voice without its key left the project $(jget "j['status']")"
jget "j['error']" | grep -q 'VIDC_OPENAI_API_KEY' || bad "the project's error does not name the key: $(jget "j['error']")"
[ "$(jget "j['jobs'][-1]['attempts']")" = 1 ] || bad "a refused key was retried"
touch "$fi_dir/voice.wav" "$fi_dir/render-9-tiktok.mp4"
"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
[ -f "$fi_dir/voice.wav" ] || bad "a failed project's files went before retention_days"
VIDC_NOW=$(($(date +%s) + 8 * 86400)) "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
[ -f "$fi_dir/voice.wav" ] && bad "a failed project's voice is kept after retention_days"
[ -f "$fi_dir/render-9-tiktok.mp4" ] && [ -f "$fi_dir/script.json" ] || bad "retention removed a final file or the script"

# --- stage 9: the sample article, published ------------------------------------------------
if [ $render = 1 ]; then
mkdir -p "$MEDIA/site-1/files" "$MEDIA/site-2/files"
cp examples/assets/*.jpg "$MEDIA/site-1/files/"
cp examples/assets/beans.jpg "$MEDIA/site-2/files/secret.jpg"
# two images outside site 1's files folder (site 2's, and an absolute path) must not be read
python3 - "$tmp/article.json" "$MEDIA/site-2/files/secret.jpg" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["status"] = "published"; a["external_id"] = "wp-9"
a["images"] += ["../../site-2/files/secret.jpg", sys.argv[2]]
json.dump(a, open(sys.argv[1], "w"))
PY
expect "published" 201 POST /contents/ "$TA" "@$tmp/article.json"
P9=$(jget "j['project_id']")
WCONFIG=$tmp/vidc-10fps.json
start_worker
unset WCONFIG
wait_project "$P9" review 1500
[ "$st" = review ] || bad "stage 9 ended $st: $(jget "j['error']")"
[ "$(jget "[x['kind'] for x in j['jobs']]")" = "['script', 'voice', 'assets', 'render']" ] || bad "stage 9 jobs: $(jget "j['jobs']")"
[ "$(jget "len(j['assets']) > 0 and j['renders'][0]['status']")" = completed ] || bad "stage 9: no photos or no video"
R9=$(jget "j['renders'][0]['id']")
rate=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$MEDIA"/site-1/project-$P9/render-$R9-*.mp4)
[ "$rate" = 10/1 ] || bad "stage 9's worker was configured for 10 fps; the video has $rate"
# the visuals stage chose among site 1's pictures only: every article picture it shows is one of
# them (all of them, each once), and nothing names site 2's file or the absolute path
python3 - "$tmp/out" "$MEDIA/site-1/files" <<'PY' || bad "stage 9 read images outside the site's files: $(jget "j['assets']")"
import json, os, sys
rows = json.load(open(sys.argv[1]))["assets"]
files = set(os.listdir(sys.argv[2]))
pics = [os.path.basename(r["original_url"]) for r in rows if r["source"] == "article_image"]
assert len(pics) == len(set(pics)) and set(pics) == files, (pics, files)
assert not any("secret" in json.dumps(r) for r in rows), rows
assert all(os.path.isfile(r["file_path"]) for r in rows if r["file_path"]), rows
print("stage 9 shows %d of the site's %d pictures" % (len(pics), len(files)))
PY
# the ledger: what ran, priced by the table with the voice's real length
python3 - "$(sql "SELECT operation_type, -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'charge' AND project_id = $P9 GROUP BY operation_type")" \
	"$MEDIA/site-1/project-$P9/voice.json" <<'PY' || bad "stage 9's credits"
import ast, json, math, sys
got = dict(ast.literal_eval(sys.argv[1]))
secs = json.load(open(sys.argv[2]))["duration"]
want = {"video_script_generation": 5, "video_seo_metadata": 1, "video_tts_selfhosted": math.ceil(2 * secs / 60 - 1e-9),
        "video_visual_generation": 15, "video_composition": 5, "video_thumbnail": 3}
if got != want:
    sys.exit("charged %s, expected %s" % (got, want))
print("stage 9 for one platform cost", sum(got.values()))
PY
fi
exit $fail
