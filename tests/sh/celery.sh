#!/bin/sh
# The Celery integration (integrations/celery/) end to end: a real redis-server on a free
# loopback port (its own folder, no persistence) and two Celery workers (-Q video,
# --concurrency=1, each its own --hostname). An article posted through the API (as a draft: the
# API's own chain stays out) runs stage 9 as one Celery chain, video_pipeline_stage9(external_id):
# script -> voice -> render -> thumbnail -> subtitles -> publish plan; the MP4 is checked with
# ffprobe and the store's rows. Then the same for a second article with the process running the
# render task killed with SIGKILL mid-render: the message is given back (acks_late +
# reject_on_worker_lost), the task delivered again takes the job over (attempt 2) and the video
# completes. The article is a short one and the config renders at 2 fps: the chain and its
# assertions are the same, the work a fraction (tests/sh/service_worker.sh renders stage 9 at 10).
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/celery_lib.inc
need_celery celery.sh
# the broker and the workers first: they start while the store and the server are set up
start_redis
celery_env
launch_celery w1 w2
celery_setup celery.sh 2
start_server
wait_celery w1 w2

# a short article (two paragraphs, one picture of the site's files), posted as a draft
mkdir -p "$MEDIA/site-1/files"
cp examples/assets/beans.jpg "$MEDIA/site-1/files/"
article() { # EXTERNAL_ID
	$PY - "$1" >"$tmp/article.json" <<'PY'
import json, sys
print(json.dumps({"external_id": sys.argv[1], "title": "Cold brew in one minute",
  "meta_description": "Cold brew at home, short.", "keywords": ["coffee"], "language": "en",
  "images": [{"src": "beans.jpg", "alt": "Coffee beans", "caption": "Medium roast beans."}],
  "content_html": "<article><h1>Cold brew in one minute</h1><p>Cold brew is coffee steeped in cold water for twelve "
  "to eighteen hours instead of brewed with hot water. The result is smooth, sweet and much less acidic than a hot "
  "cup, and it keeps in the fridge for two weeks.</p><h2>The ratio</h2><p>Use one part coarsely ground coffee to "
  "eight parts cold water, measured by weight on a kitchen scale. Stir once so every ground is wet, cover the jar "
  "and leave it in the fridge overnight. Strain it slowly through a paper filter in the morning, then dilute the "
  "concentrate with water or milk to taste.</p></article>"}))
PY
	expect "content $1" 201 POST /contents/ "$TA" "@$tmp/article.json"
}
enqueue() { # EXTERNAL_ID: the task's id in $TASK
	TASK=$($PY -c "import sys, vidc_celery; print(vidc_celery.video_pipeline_stage9.delay(sys.argv[1]).id)" "$1") ||
		bad "cannot enqueue stage 9 for $1"
}
# wait_chain: the chain of $TASK (the stage 9 task became it) to its end, as Celery reports it
wait_chain() {
	state=$($PY -c "
import sys, vidc_celery
r = vidc_celery.app.AsyncResult(sys.argv[1])
r.get(timeout=240, propagate=False)
print(r.state, r.result if r.state != 'SUCCESS' else '')" "$TASK" 2>&1)
	[ "$state" = "SUCCESS " ] || bad "the chain of $1 ended $state"
}
# wait_project EXTERNAL_ID: the project of the content record in $P once it is review or failed
wait_project() {
	P=""
	for _ in $(seq 1 600); do
		[ -z "$P" ] && P=$(sql "SELECT p.id FROM igny8_video_projects p JOIN vidc_contents c ON c.id = p.content_id WHERE c.external_id = '$1'" | tr -dc 0-9)
		if [ -n "$P" ]; then
			st=$(sql "SELECT status FROM igny8_video_projects WHERE id = $P")
			case $st in *review* | *failed*) break ;; esac
		fi
		sleep 0.2
	done
	[ -n "$P" ] || { bad "no project for $1: $(tail -5 "$tmp/w1.log" "$tmp/w2.log")"; P=0; }
}
# check_video EXTERNAL_ID: the project's render, its file and its records
check_video() {
	[ "$st" = "[('review',)]" ] || bad "$1: the project is $st: $(sql "SELECT kind, status, error FROM vidc_jobs WHERE project_id = $P")"
	R=$(sql "SELECT id FROM igny8_rendered_videos WHERE project_id = $P" | tr -dc 0-9)
	row=$(sql "SELECT status, preset, file_path IS NOT NULL, subtitle_path IS NOT NULL, thumbnail_path IS NOT NULL FROM igny8_rendered_videos WHERE id = ${R:-0}")
	[ "$row" = "[('completed', 'tiktok', 1, 1, 1)]" ] || bad "$1: the render's row: $row"
	mp4=$(sql "SELECT file_path FROM igny8_rendered_videos WHERE id = ${R:-0}" | sed "s/^\[('//; s/',)\]$//")
	[ -s "$mp4" ] || { bad "$1: no MP4 at '$mp4'"; return; }
	streams=$(ffprobe -v error -show_entries stream=codec_type,r_frame_rate -of csv=p=0 "$mp4" | sort | tr '\n' ' ')
	[ "$streams" = "audio,0/0 video,2/1 " ] || bad "$1: the MP4's streams: $streams"
	dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$mp4")
	rec=$(sql "SELECT duration FROM igny8_rendered_videos WHERE id = $R" | tr -dc 0-9.)
	$PY -c "import sys; d, r = float('$dur'), float('$rec'); sys.exit(0 if d > 3 and abs(d - r) < 0.5 else 1)" ||
		bad "$1: the MP4 lasts $dur s, its record says $rec"
	jobs=$(sql "SELECT kind, queue, status FROM vidc_jobs WHERE project_id = $P ORDER BY id")
	[ "$jobs" = "[('script', 'celery', 'done'), ('voice', 'celery', 'done'), ('render', 'celery', 'done'), ('thumbnail', 'celery', 'done'), ('subtitles', 'celery', 'done')]" ] ||
		bad "$1: the jobs: $jobs"
	[ -s "$(dirname "$mp4")/render-$R-tiktok.jpg" ] && [ -s "$(dirname "$mp4")/render-$R-tiktok.srt" ] ||
		bad "$1: no thumbnail or subtitles beside the MP4"
}

# --- the whole chain on two workers ----------------------------------------------------------
article wp-1
enqueue wp-1
wait_chain wp-1
wait_project wp-1
check_video wp-1
[ "$(sql "SELECT COUNT(*) FROM vidc_job_runs r JOIN vidc_jobs j ON j.id = r.job_id WHERE j.project_id = $P")" = "[(5,)]" ] ||
	bad "wp-1: each job should have run once: $(sql "SELECT job_id, attempt FROM vidc_job_runs")"
[ "$(sql "SELECT -SUM(amount) > 0 FROM vidc_credit_ledger WHERE kind = 'charge' AND project_id = $P AND operation_type = 'video_composition'")" = "[(1,)]" ] ||
	bad "wp-1: the render was not charged"
# the stage 9 task delivered again (same task id, tasks.py passes it as --key) gets the same project
again=$("$VIDC" job stage9 wp-1 --config "$CONFIG" --key "$TASK" 2>&1 | $PY -c "import json,sys; print(json.load(sys.stdin)['project_id'])" 2>&1)
[ "$again" = "$P" ] || bad "wp-1: stage 9 again with its task id gave project '$again', not $P"
[ "$(sql "SELECT COUNT(*) FROM igny8_video_projects p JOIN vidc_contents c ON c.id = p.content_id WHERE c.external_id = 'wp-1'")" = "[(1,)]" ] ||
	bad "wp-1: stage 9 again with its task id made another project"

# --- the render's process killed mid-render: the task is delivered again -----------------------
article wp-2
enqueue wp-2
running_job "SELECT j.id FROM vidc_jobs j JOIN vidc_contents c ON c.external_id = 'wp-2' JOIN igny8_video_projects p ON p.content_id = c.id AND p.id = j.project_id WHERE j.kind = 'render' AND j.status = 'running' AND j.progress >= 10" 600
victim=""
if [ -n "$J" ]; then
	# the pool process running the task: the parent of `vidc job run J`
	runpid=$(pgrep -f "job run $J --config $CONFIG" | head -1)
	[ -n "$runpid" ] && victim=$(ps -o ppid= -p "$runpid" | tr -d ' ')
fi
if [ -n "$victim" ]; then
	kill -9 "$victim"
	sleep 0.5
	# gone, or a zombie nobody has reaped yet (its parent died)
	case $(ps -o stat= -p "$runpid" 2>/dev/null) in "" | Z*) ;; *) bad "vidc outlived the task's process it ran for" ;; esac
else
	bad "the render of wp-2 was not seen running (job '$J')"
fi
wait_chain wp-2
wait_project wp-2
check_video wp-2
[ "$(sql "SELECT attempts, status FROM vidc_jobs WHERE id = ${J:-0}")" = "[(2, 'done')]" ] ||
	bad "the killed render's job: $(sql "SELECT attempts, status, error FROM vidc_jobs WHERE id = ${J:-0}")"
grep -q "WorkerLostError\|Worker exited prematurely" "$tmp/w1.log" "$tmp/w2.log" || bad "no worker saw its process lost"
for w in w1 w2; do
	grep -q "vidc_celery.*succeeded" "$tmp/$w.log" || bad "worker $w ran no task (the test shows nothing then)"
done
[ $fail = 0 ] && echo "ok: celery (two workers, a chain, a killed task redelivered)"
exit $fail
