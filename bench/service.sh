#!/bin/sh
# bench/service.sh - the API's speed under load: requests per second and latency percentiles of
# a project's detail (GET /projects/{id}/: the project, its script, assets, renders and jobs)
# and of the list (GET /projects/?page=1, 20 per page) with 50 concurrent keep-alive clients on
# loopback, for a bounded time each (wrk, Debian's `wrk` package: -t2 -c50 -d${SECONDS_EACH}s
# --latency), first on an idle service, then while a worker renders a video on the same machine.
# Results go to standard output; bench/README.md keeps the figures.
#   BUILD=build bench/service.sh         SECONDS_EACH=10 (default)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
VIDC=$BUILD/vidc
EACH=${SECONDS_EACH:-10}
command -v wrk >/dev/null || { echo "bench/service.sh: needs wrk (apt-get install wrk)"; exit 1; }
export VIDC_STDLIB=$PWD/stdlib
tmp=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/c.json" <<JSON
{"db": "$tmp/v.db", "media": "$tmp/m", "listen": "127.0.0.1:0", "http_threads": 4}
JSON
"$VIDC" site add --config "$tmp/c.json" --name bench >/dev/null
"$VIDC" credits grant --config "$tmp/c.json" --site 1 --amount 100000 >/dev/null
T=$("$VIDC" token create --config "$tmp/c.json" --site 1 2>/dev/null)
"$VIDC" serve --config "$tmp/c.json" 2>"$tmp/serve.log" &
pids="$pids $!"
for _ in $(seq 50); do grep -q listening "$tmp/serve.log" && break; sleep 0.1; done
U=$(sed -n 's|.*listening on \(http://[^ ]*\)|\1|p' "$tmp/serve.log")
U=${U%/}
# 200 projects; the one measured has a script of the sample's size and two renders
script='{"hook":"Cold brew takes time, not skill.","intro":"Here is the short version.","points":[{"text":"Use one part coffee to eight parts water, by weight.","duration_est":3.5,"visual_cue":"text card: ratio","text_overlay":"1:8"},{"text":"Steep it in the fridge for twelve to eighteen hours.","duration_est":3.5,"visual_cue":"text card: steep","text_overlay":"12-18 hours"}],"cta":"Follow for more.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":14,"seo":{"tiktok":{"title":"Cold brew","description":"Cold brew in a minute.","tags":["coldbrew"]}}}'
for i in $(seq 200); do
	curl -s -o /dev/null -H "Authorization: Bearer $T" -d '{"project_type":"short","target_platforms":["tiktok","youtube_short"]}' "$U/projects/"
done
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $T" --data "$script" "$U/scripts/1/"
curl -s -o /dev/null -H "Authorization: Bearer $T" -d '{"project_id":1,"presets":["tiktok","youtube_short"]}' "$U/render/"

run() { # NAME URL
	wrk -t2 -c50 -d"${EACH}s" --latency -H "Authorization: Bearer $T" "$2" >"$tmp/wrk" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *//p' "$tmp/wrk")
	p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk")
	non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$tmp/wrk")
	printf '%-28s %10s req/s   p50 %8s   p99 %8s   errors %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
echo "50 clients, ${EACH} s each, $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run "detail, idle" "$U/projects/1/"
run "list, idle" "$U/projects/?page=1"
"$VIDC" worker --config "$tmp/c.json" 2>"$tmp/worker.log" &
pids="$pids $!"
sleep 3
grep -q 'job 1 (render)' "$tmp/worker.log" || echo "(the render has not started)"
run "detail, while rendering" "$U/projects/1/"
run "list, while rendering" "$U/projects/?page=1"
grep -q 'job 1 (render) done' "$tmp/worker.log" && echo "(the render finished during the measurement)"
