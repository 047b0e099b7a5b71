#!/bin/sh
# `vidc serve --broker` reads how Celery's tasks ended from Celery's Redis result backend
# (SPEC.md section 16.9): a real redis-server on a free loopback port, one Celery worker (-Q video)
# whose vidc binary is missing (VIDC_BIN names no file), so every task fails before vidc can
# write the store, and `vidc serve --broker`. A voiceover queued through the API becomes a
# generate_voiceover task that fails: Redis holds its FAILURE under celery-task-meta-<task id>,
# and the job's status endpoint reports "failed" with the task's name, its exception and its
# message (before, the job stayed "queued" for ever); the hold is released and the project is
# failed. A render's task fails the same way and the render's status endpoint says so.
# Two jobs whose task states are written as Celery writes them show STARTED as "running" and
# RETRY as "retrying" with the reason; a job without a task id is skipped.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
. tests/sh/celery_lib.inc
need_celery celery_results.sh
setup_sites
start_redis
celery_env
VIDC_BROKER=$VIDC_CELERY_BROKER start_server
# the workers' vidc is missing: the task fails in Python, vidc never records anything
VIDC_BIN=$tmp/no-such-vidc start_celery w1

req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
P=$(jget "j['id']")
# a job Celery has whose task id is empty, before the others: it is skipped, not the end of the
# pass (before, the pass stopped there and no later job's result was ever read)
E=$(sql1 "INSERT INTO vidc_jobs (queue, kind, site_id, project_id, payload, status, created_at) VALUES ('celery', \
'assets', 1, $P, '{\"celery_task_id\":\"\"}', 'queued', '2026-01-01T00:00:00Z') RETURNING id")
[ -n "$E" ] || bad "could not insert the job without a task id"
expect "script" 200 PUT "/scripts/$P/" "$TA" "@tests/fixtures/service/script-short.json"
req GET /credits/ "$TA" >/dev/null
before=$(jget "j['balance']")
expect "voice" 202 POST /voiceover/generate/ "$TA" "{\"project_id\":$P}"
V=$(jget "j['job_id']")

# wait_job J: the job's status endpoint until the job ends (the reply in $tmp/out)
wait_job() {
	for _ in $(seq 1 300); do
		req GET "/jobs/$1/" "$TA" >/dev/null
		case $(jget "j['status']") in done | failed) return ;; esac
		sleep 0.2
	done
}
wait_job "$V"
[ "$(jget "j['status']")" = failed ] || bad "the voice job whose task failed is '$(jget "j['status']")': $(cat "$tmp/out")"
err=$(jget "j['error']")
case $err in *"the Celery task vidc_celery.generate_voiceover["*"] failed: VidcError: cannot run $tmp/no-such-vidc"*) ;;
*) bad "the job's error is not the task's: $err" ;; esac
# it came from the result backend: the task's id is the job's, its state there FAILURE
id=$(sql1 "SELECT payload FROM vidc_jobs WHERE id = $V" | $PY -c 'import json,sys; print(json.load(sys.stdin)["celery_task_id"])')
st=$($PY -c "import json, redis; print(json.loads(redis.Redis(port=$RPORT).get('celery-task-meta-$id'))['status'])" 2>&1)
[ "$st" = FAILURE ] || bad "celery-task-meta-$id: $st"
grep -q "job $V (voice) failed: the Celery task" "$tmp/serve.log" || bad "serve did not log the failure: $(tail -3 "$tmp/serve.log")"
req GET /credits/ "$TA" >/dev/null
[ "$(jget "j['balance']")" = "$before" ] || bad "the hold was not released: balance $(jget "j['balance']"), $before before"
req GET "/projects/$P/" "$TA" >/dev/null
[ "$(jget "j['status']")" = failed ] || bad "the project is '$(jget "j['status']")' after its voice task failed"

# a render: its status endpoint reports the task's failure
expect "render" 202 POST /render/ "$TA" "{\"project_id\":$P,\"presets\":[\"tiktok\"]}"
R=$(jget "j['renders'][0]['id']") J=$(jget "j['renders'][0]['job_id']")
wait_job "$J"
req GET "/render/$R/status/" "$TA" >/dev/null
[ "$(jget "j['status']")" = failed ] || bad "the render whose task failed is '$(jget "j['status']")'"
case $(jget "j['error']") in *"vidc_celery.render_video["*"] failed: VidcError: cannot run"*) ;;
*) bad "the render's error: $(jget "j['error']")" ;; esac

# STARTED and RETRY, written as Celery writes them (its own backend: the STARTED of
# task_track_started, a retry's exception with result_extended's retries) for two jobs the store
# has queued: the status endpoint shows "running", and "retrying" with the task's reason
job_for() {
	sql1 "INSERT INTO vidc_jobs (queue, kind, site_id, project_id, payload, status, created_at) VALUES ('celery', \
'assets', 1, $P, '{\"celery_task_id\":\"$1\"}', 'queued', '2026-01-01T00:00:00Z') RETURNING id"
}
S=$(job_for "t-started-$$") T=$(job_for "t-retry-$$")
$PY - "$$" <<'PY' || bad "could not write the task states"
import sys
from celery import states
from celery.app.task import Context
from vidc_celery.app import app
from vidc_celery.vidc import VidcRetry
def req(i, n):
    return Context(id=i, task="vidc_celery.generate_assets", args=[1], kwargs={}, hostname="w1@test", retries=n,
                   delivery_info={"routing_key": "video"})
s, t = "t-started-" + sys.argv[1], "t-retry-" + sys.argv[1]
app.backend.store_result(s, {"pid": 1, "hostname": "w1@test"}, states.STARTED, request=req(s, 0))
app.backend.mark_as_retry(t, VidcRetry("the provider answered 503"), "Traceback ...", request=req(t, 1))
PY
for _ in $(seq 1 50); do
	req GET "/jobs/$T/" "$TA" >/dev/null
	[ "$(jget "j['status']")" = retrying ] && break
	sleep 0.2
done
[ "$(jget "j['status']") $(jget "j['retry']")" = "retrying {'reason': 'VidcRetry: the provider answered 503', 'retries': 2}" ] ||
	bad "a task in RETRY: $(cat "$tmp/out")"
req GET "/jobs/$S/" "$TA" >/dev/null
[ "$(jget "j['status']") $(jget "'retry' in j")" = "running False" ] || bad "a task STARTED: $(cat "$tmp/out")"
[ "$(sql1 "SELECT status FROM vidc_jobs WHERE id = $E")" = queued ] || bad "the job without a task id was changed"
[ $fail = 0 ] && echo "ok: celery_results (a task's failure read from Celery's Redis result backend)"
exit $fail
