#!/bin/sh
# `vidc serve --broker` (SPEC.md section 16.9) end to end: a real redis-server on a free loopback
# port, two Celery workers (-Q video, --concurrency=1) and `vidc serve` with the broker, all
# started here. A project's render queued through the API (curl, "pieces": 4) becomes a Celery
# message the workers accept (render_video), which splits it into a chord of render_piece tasks
# run by both workers and a join_pieces: the MP4 has the frame count of the spec (its IR's frames,
# what a single-pass render encodes; ffprobe -count_packets) and decodes with `ffmpeg -xerror`; the status endpoint shows
# the pieces' summed progress, and the join leaves the soundtrack in the piece cache. Then a
# whole worker (its main process and the pool process running a piece) is killed with SIGKILL
# mid-piece: the message comes back after the short visibility timeout, the other worker takes
# the piece over, and the video is whole, its join taking the cached soundtrack. Last, a broker
# that is down: `vidc serve --broker` refuses to start, and a job queued while the broker is gone
# waits in the outbox and is sent when it is back. The specs are written at 10 fps to keep the work small.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/celery_lib.inc
need_celery celery_broker.sh
# the broker and the workers first: they start while the store and the server are set up
start_redis
celery_env
# a message whose whole worker vanished comes back after this (a piece that takes longer on a busy
# machine is delivered twice: it runs once, the second delivery waits for it, holding its worker:
# shorter costs more than it saves when the machine is loaded)
export VIDC_CELERY_VISIBILITY=30
launch_celery w1 w2
celery_setup celery_broker.sh 10

# a broker that does not answer: a clear error at start, before the API takes a job
DEAD=$(free_port)
out=$("$VIDC" serve --config "$CONFIG" --broker "redis://127.0.0.1:$DEAD/0" 2>&1)
case $out in *"cannot reach the Celery broker redis://127.0.0.1:$DEAD/0"*) ;; *) bad "serve with a dead broker: $out" ;; esac
out=$("$VIDC" serve --config "$CONFIG" --broker "amqp://x" 2>&1)
case $out in *"is not a redis://HOST:PORT/DB URL"*) ;; *) bad "serve with an amqp broker: $out" ;; esac

VIDC_BROKER=$VIDC_CELERY_BROKER start_server
grep -q "jobs go to Celery through redis://127.0.0.1:$RPORT/0" "$tmp/serve.log" || bad "serve does not say it uses the broker"

wait_celery w1 w2

# project: a project with the script, through the API; P set. render PIECES: its render in
# PIECES pieces through the API; R set
project() {
	req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
	P=$(jget "j['id']")
	expect "script" 200 PUT "/scripts/$P/" "$TA" "@tests/fixtures/service/script-short.json"
}
render() {
	expect "render" 202 POST /render/ "$TA" "{\"project_id\":$P,\"presets\":[\"tiktok\"],\"pieces\":$1}"
	R=$(jget "j['renders'][0]['id']")
}
# wait_render: the status endpoint until the render ends; the percents seen while it rendered in
# $tmp/percents, its last reply in $tmp/status.json
wait_render() {
	: >"$tmp/percents"
	for _ in $(seq 1 600); do # every 0.5 s: a render takes a minute, each poll a curl and a Python
		req GET "/render/$R/status/" "$TA" >/dev/null
		cp "$tmp/out" "$tmp/status.json"
		set -- $(jget "'%s %s' % (j['status'], j['percent'])") # one Python a poll
		st=$1
		[ "$st" = rendering ] && echo "$2" >>"$tmp/percents"
		case $st in completed | failed) break ;; esac
		sleep 0.5
	done
}
# check_mp4: the render completed, its MP4 joined from N pieces is whole
check_mp4() { # WHAT PIECES
	[ "$st" = completed ] || { bad "$1: the render is '$st': $(cat "$tmp/status.json"); $(sql "SELECT kind, status, error FROM vidc_jobs WHERE project_id = $P")"; return; }
	mp4=$(sql "SELECT file_path FROM igny8_rendered_videos WHERE id = $R" | sed "s/^\[('//; s/',)\]$//")
	[ -s "$mp4" ] || { bad "$1: no MP4 at '$mp4'"; return; }
	pieces=$(sql "SELECT COUNT(*) FROM vidc_jobs WHERE kind = 'piece' AND rendered_video_id = $R AND status = 'done' AND queue = 'celery'")
	[ "$pieces" = "[($2,)]" ] || bad "$1: $2 piece jobs should be done: $(sql "SELECT id, status, payload FROM vidc_jobs WHERE kind = 'piece' AND rendered_video_id = $R")"
	[ "$(sql "SELECT queue, status FROM vidc_jobs WHERE kind = 'render' AND rendered_video_id = $R")" = "[('celery', 'done')]" ] ||
		bad "$1: the render job: $(sql "SELECT queue, status, payload FROM vidc_jobs WHERE kind = 'render' AND rendered_video_id = $R")"
	# the frames of the spec (both renders are of one project), as a single-pass render encodes
	# them: the IR's count; the MP4's packets (a frame each; ffmpeg -xerror below decodes them all)
	spec=$(dirname "$mp4")/tiktok.vid
	single=$("$VIDC" ir "$spec" --preset tiktok 2>"$tmp/ir.log" | sed -n '1,2s/^video .* frames=\([0-9]*\) .*/\1/p')
	[ -n "$single" ] || bad "$1: vidc ir: $(tail -3 "$tmp/ir.log")"
	joined=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$mp4")
	[ -n "$joined" ] && [ "$joined" = "$single" ] || bad "$1: the joined MP4 has $joined frames, the spec $single"
	errs=$(ffmpeg -v error -xerror -i "$mp4" -f null - 2>&1) || bad "$1: ffmpeg -xerror failed: $errs"
	[ -z "$errs" ] || bad "$1: ffmpeg -xerror said: $errs"
	streams=$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$mp4" | sort | tr '\n' ' ')
	[ "$streams" = "audio video " ] || bad "$1: the MP4's streams: $streams"
	[ "$(jget "j['percent']")" = "100.0" ] || [ "$(jget "j['percent']")" = "100" ] || bad "$1: percent at the end: $(cat "$tmp/status.json")"
	[ ! -d "$(dirname "$mp4")/pieces-$R" ] || bad "$1: the pieces' folder outlived the join"
}

# --- a render in 4 pieces on both workers ---------------------------------------------------------
project
render 4
wait_render
check_mp4 "4 pieces" 4
# the message was what a Celery worker takes: the task ran under its name with the API's arguments
grep -q "Task vidc_celery.render_video\[[0-9a-f-]*\] received" "$tmp/w1.log" "$tmp/w2.log" || bad "no worker received render_video"
grep -q "vidc_celery.render_video.*$P, 'tiktok'" "$tmp/serve.log" "$tmp/w1.log" "$tmp/w2.log" 2>/dev/null ||
	grep -q "render_video" "$tmp/w1.log" "$tmp/w2.log" || bad "render_video not in the workers' logs"
for w in w1 w2; do
	grep -q "Task vidc_celery.render_piece\[[0-9a-f-]*\] succeeded" "$tmp/$w.log" || bad "worker $w rendered no piece: $(grep -c render_piece "$tmp/$w.log")"
done
grep -q "Task vidc_celery.join_pieces\[[0-9a-f-]*\] succeeded" "$tmp/w1.log" "$tmp/w2.log" || bad "no worker joined the pieces"
# the status endpoint summed the pieces' progress: it moved between 0 and 100 while rendering
$PY -c "
import sys
p = [float(x) for x in open('$tmp/percents') if x.strip() not in ('', 'None')]
sys.exit(0 if any(0 < x < 100 for x in p) else 1)" || bad "the status never showed the pieces' progress: $(tr '\n' ' ' <"$tmp/percents")"
[ "$(sql "SELECT COUNT(*) FROM vidc_jobs WHERE queue = 'celery-outbox'")" = "[(0,)]" ] || bad "jobs left in the outbox"
# the pieces went through the piece cache, and so did the join: the soundtrack is there (a file
# tagged vidc_soundtrack)
snd=""
for f in $(find "$MEDIA/cache/pieces" -name '*.mp4' 2>/dev/null); do
	[ "$(ffprobe -v error -show_entries format_tags=vidc_soundtrack -of csv=p=0 "$f")" = 1 ] && snd=$f
done
[ -n "$snd" ] || bad "the chord's join left no soundtrack in the piece cache ($(find "$MEDIA/cache" 2>/dev/null | head -5))"

# --- a whole worker killed mid-piece (the same project rendered again: its voice and visuals made) ---
# Under the sanitizers (VIDC_SANITIZE=1) the second render would take minutes and runs the same C
# as the first: the gcc suite runs it.
if [ "${VIDC_SANITIZE:-0}" != 1 ]; then
# the cached pieces go (a piece must be seen running to be killed), the soundtrack stays: the
# second join takes it from the cache (used: its mtime moves; not mixed again: the same inode)
[ -n "$snd" ] && find "$MEDIA/cache/pieces" -name '*.mp4' ! -path "$snd" -delete
ino=$(stat -c %i "$snd" 2>/dev/null)
touch "$tmp/mark"
render 4
running_job "SELECT id FROM vidc_jobs WHERE kind = 'piece' AND rendered_video_id = $R AND status = 'running' AND progress >= 10 ORDER BY id LIMIT 1" 900
victim="" pool=""
if [ -n "$J" ]; then
	runpid=$(pgrep -f "job run $J --config $CONFIG" | head -1)
	[ -n "$runpid" ] && pool=$(ps -o ppid= -p "$runpid" | tr -d ' ')
	[ -n "$pool" ] && victim=$(ps -o ppid= -p "$pool" | tr -d ' ')
fi
case " $PID_w1 $PID_w2 " in *" $victim "*) ;; *) victim="" ;; esac
if [ -n "$victim" ]; then
	kill -9 "$victim" "$pool"
	sleep 0.5
	case $(ps -o stat= -p "$runpid" 2>/dev/null) in "" | Z*) ;; *) bad "vidc outlived the worker it ran for" ;; esac
else
	bad "no piece of the second render was seen running (job '$J')"
fi
wait_render
check_mp4 "a worker killed" 4
[ -n "$snd" ] && [ "$(stat -c %i "$snd")" = "$ino" ] && [ "$snd" -nt "$tmp/mark" ] ||
	bad "the second join did not take the cached soundtrack: $(ls -li --time-style=full-iso "$snd" "$tmp/mark" 2>&1)"
[ "$(sql "SELECT attempts, status FROM vidc_jobs WHERE id = ${J:-0}")" = "[(2, 'done')]" ] ||
	bad "the killed piece's job: $(sql "SELECT attempts, status, error FROM vidc_jobs WHERE id = ${J:-0}")"
fi

# --- the broker gone after the start: the job waits in the outbox, then goes -----------------------
kill "$REDIS"
wait "$REDIS" 2>/dev/null
req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
P=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P/" "$TA" "@tests/fixtures/service/script-short.json"
expect "voice" 202 POST /voiceover/generate/ "$TA" "{\"project_id\":$P}"
V=$(jget "j['job_id']")
# serve says it once it failed to send (every 500 ms): the job stays in the outbox past a retry
for _ in $(seq 1 100); do grep -q "the jobs wait in the outbox" "$tmp/serve.log" && break; sleep 0.05; done
sleep 0.6
[ "$(sql "SELECT queue, status FROM vidc_jobs WHERE id = $V")" = "[('celery-outbox', 'queued')]" ] ||
	bad "the job queued while the broker was down: $(sql "SELECT queue, status FROM vidc_jobs WHERE id = $V")"
grep -q "the jobs wait in the outbox" "$tmp/serve.log" || bad "serve did not say the broker is down"
start_redis
for _ in $(seq 1 600); do
	[ "$(sql "SELECT status FROM vidc_jobs WHERE id = $V")" = "[('done',)]" ] && break
	sleep 0.2
done
[ "$(sql "SELECT queue, status FROM vidc_jobs WHERE id = $V")" = "[('celery', 'done')]" ] ||
	bad "the voice job after the broker came back: $(sql "SELECT queue, status, error FROM vidc_jobs WHERE id = $V"): $(tail -3 "$tmp/serve.log")"
[ $fail = 0 ] && echo "ok: celery_broker (serve --broker, a chord of pieces on two workers, a worker killed, a broker down)"
exit $fail
