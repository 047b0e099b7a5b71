#!/bin/sh
# Job claims under a race: 200 script jobs queued through the API, then 4 `vidc worker`
# processes started together on the same database, each claiming as fast as it can until the
# queue is empty. Every job must run exactly once (one vidc_job_runs row, attempt 1, done) and
# the work must be spread over the workers (the race really happened). On the SQLite file by
# default; tests/sh/service_pg.sh runs it on PostgreSQL (VIDC_TEST_DB), where the claim is
# SELECT ... FOR UPDATE SKIP LOCKED.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
N=200
# room for 200 queued jobs and their credits (6 each: script and SEO)
python3 - "$CONFIG" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["max_queued_jobs"] = 1000
json.dump(c, open(sys.argv[1], "w"))
PY
setup_sites
"$VIDC" credits grant --config "$CONFIG" --site 1 --amount 5000 >/dev/null || bad "credits grant"
start_server
sed 's/"assets\//"/g' examples/article-cold-brew.json >"$tmp/article.json"
# one Python process makes the requests (a curl and a Python per request would be most of the
# test's time)
python3 - "$U" "$TA" "$tmp/article.json" $N <<'PY' || bad "queueing the jobs"
import json, sys, urllib.request
u, tok, article, n = sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read(), int(sys.argv[4])
def post(path, body):
    r = urllib.request.Request(u + path, data=body, method="POST", headers={
        "Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    with urllib.request.urlopen(r) as f:
        return f.status, json.load(f)
c = post("/contents/", article)[1]["id"]
for i in range(n):
    p = post("/projects/", json.dumps({"content_id": c, "project_type": "short", "target_platforms": ["tiktok"]}).encode())[1]["id"]
    st, _ = post("/scripts/generate/", json.dumps({"project_id": p}).encode())
    if st != 202:
        sys.exit("generate %d: status %d" % (i, st))
PY
[ "$(sql1 "SELECT COUNT(*) FROM vidc_jobs WHERE kind = 'script' AND status = 'queued'")" = $N ] || bad "not $N jobs queued"

# 4 workers released together; each exits when it finds the queue empty
W=""
for k in 1 2 3 4; do
	"$VIDC" worker --config "$CONFIG" --exit-when-idle >"$tmp/worker$k.log" 2>&1 &
	W="$W $!"
done
PIDS="$PIDS $W"
t0=$(date +%s)
for _ in $(seq 1 900); do
	[ "$(sql1 "SELECT COUNT(*) FROM vidc_jobs WHERE status IN ('queued', 'running')")" = 0 ] && break
	sleep 0.2
done
# shellcheck disable=SC2086
wait $W 2>/dev/null
echo "4 workers ran $N jobs in $(($(date +%s) - t0)) s"
cat "$tmp"/worker*.log | grep -i 'error\|cannot' | head -5

[ "$(sql "SELECT COUNT(*), SUM(CASE WHEN status = 'done' AND attempts = 1 THEN 1 ELSE 0 END) FROM vidc_jobs WHERE kind = 'script'")" = "[($N, $N)]" ] ||
	bad "script jobs: $(sql "SELECT status, attempts, COUNT(*) FROM vidc_jobs GROUP BY status, attempts")"
[ "$(sql1 "SELECT COUNT(*) FROM vidc_job_runs")" = $N ] ||
	bad "$N jobs ran $(sql1 "SELECT COUNT(*) FROM vidc_job_runs") times"
[ "$(sql1 "SELECT COUNT(*) FROM (SELECT job_id FROM vidc_job_runs GROUP BY job_id HAVING COUNT(*) > 1) x")" = 0 ] ||
	bad "jobs run twice: $(sql "SELECT job_id, worker FROM vidc_job_runs WHERE job_id IN (SELECT job_id FROM vidc_job_runs GROUP BY job_id HAVING COUNT(*) > 1)")"
[ "$(sql1 "SELECT COUNT(*) FROM vidc_job_runs WHERE outcome = 'done'")" = $N ] || bad "runs not all done"
workers=$(sql1 "SELECT COUNT(DISTINCT worker) FROM vidc_job_runs")
[ "$workers" -ge 3 ] || bad "only $workers of the 4 workers claimed a job (no race took place)"
# each project got its script exactly once (version 1)
[ "$(sql1 "SELECT COUNT(*) FROM igny8_video_scripts WHERE version = 1")" = $N ] ||
	bad "scripts: $(sql "SELECT version, COUNT(*) FROM igny8_video_scripts GROUP BY version")"
exit $fail
