#!/bin/sh
# `vidc job stage9 --key` without Celery (issue 14): the stage 9 task delivered again after its
# worker died (acks_late) runs `vidc job stage9 EXTERNAL_ID --key TASK_ID` a second time with the
# same task id; it must get the same project and script job and make no second project or job.
# Another task id for the same content record still makes a new project, as before.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/celery_lib.inc # service_lib.inc and its helpers on Debian's Python (no Celery needed)
cat >"$tmp/article.json" <<'JSON'
{"external_id": "wp-9", "title": "Cold brew", "meta_description": "Cold brew at home.", "language": "en",
 "content_html": "<article><h1>Cold brew</h1><p>Cold brew is coffee steeped in cold water for twelve hours instead of brewed with hot water; it keeps for two weeks.</p></article>"}
JSON
setup_sites
start_server
expect "content wp-9" 201 POST /contents/ "$TA" "@$tmp/article.json"
projects() { sql1 "SELECT COUNT(*) FROM igny8_video_projects p JOIN vidc_contents c ON c.id = p.content_id WHERE c.external_id = 'wp-9'"; }
script_jobs() { sql1 "SELECT COUNT(*) FROM vidc_jobs WHERE kind = 'script'"; }
plan() { # KEY: the plan's "project_id script_job platforms" in $got
	"$VIDC" job stage9 wp-9 --config "$CONFIG" --key "$1" >"$tmp/out" 2>"$tmp/err" || bad "job stage9 --key $1: $(cat "$tmp/err")"
	got=$(jget "'%s %s %s' % (j['project_id'], j['script_job'], j['platforms'])" 2>/dev/null)
}
K1=5f0c6a8e-1d2b-4c3a-9e7f-000000000001
plan "$K1"
first=$got
[ "$(projects)" = 1 ] && [ "$(script_jobs)" = 1 ] || bad "the first stage 9: $(projects) projects, $(script_jobs) script jobs"
case $first in *" ['tiktok']") ;; *) bad "the first plan: '$first'" ;; esac
plan "$K1"
[ "$got" = "$first" ] || bad "the same key again: plan '$got', the first was '$first'"
[ "$(projects)" = 1 ] || bad "the same key again made another project ($(projects) projects)"
[ "$(script_jobs)" = 1 ] || bad "the same key again made another script job ($(script_jobs))"
# the chain's first task takes the project's script job (job add script), then the task delivered again
P=${first%% *}
"$VIDC" job add script --project "$P" --config "$CONFIG" --key "$K1-script" >"$tmp/add" 2>&1 || bad "job add script: $(cat "$tmp/add")"
plan "$K1"
[ "$got" = "$first" ] || bad "the same key after job add script: plan '$got', the first was '$first'"
# a key with a LIKE wildcard matches only itself
plan "5f0c6a8e-1d2b-4c3a-9e7f-00000000000_"
[ "$got" != "$first" ] || bad "a key with '_' got the plan of $K1"
[ "$(projects)" = 2 ] || bad "a new key: $(projects) projects, expected 2"
plan "5f0c6a8e-1d2b-4c3a-9e7f-000000000002"
[ "${got%% *}" != "$P" ] || bad "another key for the same content got project $P again"
[ "$(projects)" = 3 ] || bad "another key: $(projects) projects, expected 3"
# without a key stage 9 makes a project each time, as before
"$VIDC" job stage9 wp-9 --config "$CONFIG" >/dev/null 2>&1 || bad "job stage9 without --key"
[ "$(projects)" = 4 ] || bad "no key: $(projects) projects, expected 4"
[ $fail = 0 ] && echo "ok: celery_stage9 (the same key: the same project; another key: a new one)"
exit $fail
