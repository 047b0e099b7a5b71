#!/bin/sh
# The service's HTTP API against a running `vidc serve` on loopback, with curl: every core
# endpoint's success and its refusals (401 no or bad token, 403 wrong kind of token, 400 bad JSON,
# 422 missing and wrong-typed fields naming the field, 404 unknown ids and other sites' ids, 405,
# 409, 402, 413 bodies over the limit), the scripts' versions, the voice preview, stage 9 on a
# published content record, the credit estimates of the sample article, and that the database
# keeps no token in clear. Every JSON reply is then checked against docs/openapi.json, and the
# document's preset enums against the platform file's presets.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
# the key that seals social accounts' tokens (the publishing routes)
VIDC_TOKEN_KEY=$(python3 -c "import os; print(os.urandom(32).hex())")
export VIDC_TOKEN_KEY
mkdir -p "$tmp/replies"
n=0
# record every reply for the OpenAPI check: METHOD PATTERN STATUS FILE
record() {
	n=$((n + 1))
	cp "$tmp/out" "$tmp/replies/$n"
	echo "$1 $2 $3 $tmp/replies/$n" >>"$tmp/replies.txt"
}
# r WHAT STATUS METHOD PATTERN PATH TOKEN [BODY]
r() {
	what=$1 want=$2 m=$3 pat=$4 path=$5 tok=$6
	shift 6
	got=$(req "$m" "$path" "$tok" "$@")
	[ "$got" = "$want" ] || bad "$what: status $got, expected $want: $(head -c 300 "$tmp/out")"
	record "$m" "$pat" "$got"
}
setup_sites
# short limits for the hostile-client cases below (issue: a client holding connections or
# trickling a body)
python3 - "$CONFIG" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.update(connections_per_ip=16, request_timeout=3)
json.dump(c, open(sys.argv[1], "w"))
PY
# a TTS fake whose replies take 5 s: a preview being spoken while others come in (below)
python3 tests/fakes/tts_server.py --mode slow >"$tmp/tts.port" 2>"$tmp/tts.log" &
PIDS="$PIDS $!"
for _ in $(seq 100); do [ -s "$tmp/tts.port" ] && break; sleep 0.1; done
VIDC_OPENAI_BASE_URL=http://127.0.0.1:$(head -1 "$tmp/tts.port")/v1 VIDC_OPENAI_API_KEY=test-key
export VIDC_OPENAI_BASE_URL VIDC_OPENAI_API_KEY
start_server

# --- auth ---
r "no token" 401 GET /projects/ /projects/ ""
r "bad token" 401 GET /projects/ /projects/ "vidc_0000000000000000000000000000000000000000000000000000000000000000"
r "operator on a site route" 403 GET /projects/ /projects/ "$TOP"
r "site token on an operator route" 403 POST /sites/ /sites/ "$TA" '{"name":"x"}'
r "unknown path" 404 GET /x/ /nothing/here/ "$TA"
r "wrong method" 405 DELETE /projects/ /projects/ "$TA"

# --- sites (operator) ---
r "site create" 201 POST /sites/ /sites/ "$TOP" '{"name":"Site C","external_id":"c-1","video_enabled":false}'
[ "$(jget "j['id']")" = 3 ] || bad "the third site is not id 3"
r "site without name" 422 POST /sites/ /sites/ "$TOP" '{"external_id":"c-2"}'
[ "$(jget "j['field']")" = name ] || bad "missing name: field $(jget "j['field']")"
r "duplicate external id" 409 POST /sites/ /sites/ "$TOP" '{"name":"Again","external_id":"c-1"}'
r "automation" 200 PUT "/sites/{id}/automation/" /sites/3/automation/ "$TOP" '{"video_enabled":true,"target_platforms":["youtube_short","tiktok"],"voice_provider":"espeak"}'
[ "$(jget "j['automation']['target_platforms']")" = "['youtube_short', 'tiktok']" ] || bad "automation not stored: $(cat "$tmp/out")"
r "automation, bad platform" 422 PUT "/sites/{id}/automation/" /sites/3/automation/ "$TOP" '{"target_platforms":["myspace"]}'
[ "$(jget "j['field']")" = target_platforms ] || bad "bad platform: wrong field"
r "automation, unknown site" 404 PUT "/sites/{id}/automation/" /sites/99/automation/ "$TOP" '{"video_enabled":true}'

# --- bodies ---
r "bad JSON" 400 POST /projects/ /projects/ "$TA" '{"project_type": "short",'
r "not an object" 400 POST /projects/ /projects/ "$TA" '[1, 2]'
r "no body" 400 POST /projects/ /projects/ "$TA"
python3 -c "print('{\"title\": \"' + 'x' * 70000 + '\"}')" >"$tmp/huge.json"
r "body over the limit" 413 POST /contents/ /contents/ "$TA" "@$tmp/huge.json"
# the log's one line per request stays one line (the path arrives percent-decoded)
curl -s -o /dev/null -H "Authorization: Bearer $TA" "$U/x%0aGET%20/forged/%20200%200.1ms%1b%5b31m"
grep -q '^GET /forged/' "$tmp/serve.log" && bad "a request's path forged a log line"
grep -q "$(printf '\033')" "$tmp/serve.log" && bad "a request's path put an escape sequence in the log"
got=$(curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $TB" -H "Authorization: Bearer $TA" "$U/credits/")
[ "$got" = 400 ] || bad "two Authorization headers: status $got (the first was used)"
record GET /credits/ "$got"
r "deep nesting" 400 POST /projects/ /projects/ "$TA" "$(python3 -c "print('[' * 30000)")"
r "NUL in a string" 400 POST /contents/ /contents/ "$TA" '{"title":"a\u0000b"}'
# A path or headers too long are JSON errors (libmicrohttpd answered 414 and 431 with its HTML
# page); headers of 6000 bytes (a big cookie) still pass. too_long WHAT STATUS [CURL ARGS]
too_long() {
	what=$1 want=$2
	shift 2
	got=$(curl -s -D "$tmp/hdr" -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $TA" "$@")
	[ "$got" = "$want" ] || bad "$what: status $got, expected $want: $(head -c 200 "$tmp/out")"
	grep -qi '^Content-Type: application/json' "$tmp/hdr" || bad "$what: not application/json: $(cat "$tmp/hdr")"
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert sys.argv[2] < '400' or 'error' in j" "$tmp/out" "$got" 2>/dev/null ||
		bad "$what: the body is not JSON (an error's with 'error'): $(head -c 200 "$tmp/out")"
	record GET /credits/ "$got"
}
x6k=$(python3 -c "print('x' * 6000)")
x40k=$(python3 -c "print('x' * 40000)")
too_long "a 40 kB query" 414 "$U/credits/?q=$x40k"
too_long "a 40 kB header" 431 -H "X-Big: $x40k" "$U/credits/"
too_long "a 6 kB header" 200 -H "Cookie: a=$x6k" "$U/credits/"
# A client holding connections open (headers never finished) cannot hold more than
# connections_per_ip; a body trickling a byte a second is cut at request_timeout; neither stops
# the others' requests for long. Every failure says which step failed and how (a traceback for an
# exception), on stdout.
# The HTTP layer holds no SQL: on PostgreSQL (service_pg.sh runs this suite again there) the
# hostile clients (seconds of held and trickling connections) show nothing the SQLite run has not.
if [ "$DB_PG" = 0 ]; then
python3 - "$PORT" "$TA" <<'PY' || bad "hostile connections: see above"
import select, socket, sys, time, traceback, urllib.request
port, tok = int(sys.argv[1]), sys.argv[2]
step = "start"
def fail(msg):
    print("FAIL: hostile connections, %s: %s" % (step, msg))
    sys.exit(1)
def get():
    r = urllib.request.Request("http://127.0.0.1:%d/api/v1/video/credits/" % port, headers={"Authorization": "Bearer " + tok})
    return urllib.request.urlopen(r, timeout=10).status
def read_all(sock):
    """Everything the server sends until it closes (or 10 s pass)."""
    sock.settimeout(10)
    data = b""
    try:
        while True:
            d = sock.recv(4096)
            if not d:
                break
            data += d
    except OSError:
        pass
    return data
def limit_17():
    """Opens 17 connections of this address, each holding its headers unfinished: the server
    closes one (which one is its accept order: its threads accept at once, and under load after
    the client's connect has returned). Once one is closed the other 16 are all held, and each
    is then finished and must get a reply. An empty string, or what went wrong; None when no
    connection was closed within 2.5 s (request_timeout 3 would close the held ones then)."""
    conns = []
    for _ in range(17):
        c = socket.create_connection(("127.0.0.1", port))
        c.sendall(b"GET /api/v1/video/credits/ HTTP/1.1\r\nHost: x\r\n")
        conns.append(c)
    t0, shut = time.time(), []
    while not shut and time.time() - t0 < 2.5:
        readable, _, _ = select.select(conns, [], [], 0.1)
        for c in readable:
            try:
                data = c.recv(100)
            except OSError:
                data = b""
            if data:
                return "a held connection got a reply before its headers ended: %r" % data[:60]
            shut.append(c)
    if not shut:
        for c in conns:
            c.close()
        return None
    if len(shut) > 1:
        for c in conns:
            c.close()
        return "%d of 17 connections were closed, not one" % len(shut)
    got = 0
    for c in conns:
        if c in shut:
            continue
        try:
            c.sendall(b"Connection: close\r\n\r\n")
            got += read_all(c).startswith(b"HTTP/1.1 ")
        except OSError:
            pass
    for c in conns:
        c.close()
    return "" if got == 16 else "%d of the 16 held connections were served, after one was closed" % got
def main():
    global step
    step = "a 10 GB Content-Length"  # refused at once, before it is sent (it was read and dropped)
    big = socket.create_connection(("127.0.0.1", port))
    big.sendall(("POST /api/v1/video/contents/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                 "Content-Length: 10000000000\r\n\r\n" % tok).encode())
    reply = read_all(big)
    if not reply.startswith(b"HTTP/1.1 413") or b'"error"' not in reply:
        fail("got %r, not an immediate JSON 413" % reply[:80])
    big.close()
    step = "Content-Length with chunked"  # a body framed twice smuggled a second request
    sm = socket.create_connection(("127.0.0.1", port))
    sm.sendall(("POST /api/v1/video/projects/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 4\r\n"
                "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/v1/video/credits/ HTTP/1.1\r\nHost: x\r\n"
                "Authorization: Bearer %s\r\n\r\n" % (tok, tok)).encode())
    reply = read_all(sm)
    if reply.count(b"HTTP/1.1 ") != 1 or not reply.startswith(b"HTTP/1.1 400") or b"length twice" not in reply:
        fail("%d replies: %r" % (reply.count(b"HTTP/1.1 "), reply[:120]))
    sm.close()
    step = "17 connections of one address (connections_per_ip 16)"
    # a connection of an earlier step the server has yet to clean up, or a server too slow to
    # accept 17 within 2.5 s, spoils one try: three are made, each one's failure printed. Between
    # tries the client waits past request_timeout (3 s), so whatever the server still held of the
    # try before (it may not yet have seen 17 closes under load) is gone by its own timeout.
    whys = []
    for attempt in range(3):
        why = limit_17()
        if why == "":
            if whys:
                print("note: hostile connections, %s: passed on try %d after: %s" % (step, attempt + 1, "; ".join(whys)))
            break
        whys.append(why or "none of 17 was closed within 2.5 s")
        time.sleep(3.5)
    else:
        fail("three tries: " + "; ".join(whys))
    step = "a request after the held connections closed"
    t0 = time.time()
    while True:
        try:
            if get() == 200:
                break
        except OSError as e:
            if time.time() - t0 > 10:
                fail("still refused after 10 s: %s" % e)
            time.sleep(0.2)
    step = "a body trickling a byte each 0.5 s (request_timeout 3)"
    slow = socket.create_connection(("127.0.0.1", port))
    slow.sendall(("POST /api/v1/video/projects/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                  "Content-Length: 100\r\n\r\n" % tok).encode())
    t0, closed = time.time(), False
    while time.time() - t0 < 12 and not closed:
        try:
            slow.sendall(b" ")
        except OSError:
            closed = True
            break
        try:
            st = get()
        except OSError as e:
            fail("another client's request failed while the body trickled, after %.1f s: %s" % (time.time() - t0, e))
        if st != 200:
            fail("another client's request was %d while the body trickled" % st)
        time.sleep(0.5)
    if not closed or time.time() - t0 < 2.5:
        fail("the connection was %s after %.1f s" % ("closed" if closed else "still open", time.time() - t0))
try:
    main()
except SystemExit:
    raise
except Exception:
    print("FAIL: hostile connections, %s: an exception:" % step)
    traceback.print_exc(file=sys.stdout)
    sys.exit(1)
PY
fi

# --- projects ---
r "missing project_type" 422 POST /projects/ /projects/ "$TA" '{"target_platforms":["tiktok"]}'
[ "$(jget "j['field']")" = project_type ] || bad "missing project_type: field $(jget "j['field']")"
r "wrong-typed platforms" 422 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":"tiktok"}'
[ "$(jget "j['field']")" = target_platforms ] || bad "wrong type: field $(jget "j['field']")"
r "wrong-typed settings" 422 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"],"settings":{"voice_provider":"nobody"}}'
[ "$(jget "j['field']")" = voice_provider ] || bad "bad provider: field $(jget "j['field']")"
r "unknown field" 422 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"],"colour":"red"}'
r "unknown content" 404 POST /projects/ /projects/ "$TA" '{"content_id":77,"project_type":"short","target_platforms":["tiktok"]}'
r "standalone project" 201 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok","youtube_short"],"settings":{"voice_provider":"espeak","transition_style":"dissolve"}}'
P1=$(jget "j['id']")
[ "$(jget "j['status']")" = draft ] || bad "a new project is not a draft"
r "project detail" 200 "GET" "/projects/{id}/" "/projects/$P1/" "$TA"
[ "$(jget "j['script'] is None and j['renders'] == [] and j['settings']['transition_style']")" = dissolve ] || bad "detail: $(cat "$tmp/out")"
r "B reads A's project" 404 GET "/projects/{id}/" "/projects/$P1/" "$TB"
r "unknown project" 404 GET "/projects/{id}/" /projects/9999/ "$TA"
r "non-numeric id" 404 GET /x/ /projects/abc/ "$TA"
for i in 1 2 3; do
	req POST /projects/ "$TA" '{"project_type":"long","target_platforms":["youtube_long"]}' >/dev/null
done
r "list" 200 GET /projects/ "/projects/?site_id=1&project_type=long&page=1" "$TA"
[ "$(jget "j['count'], len(j['results'])")" = "3 3" ] || bad "list by type: $(head -c 300 "$tmp/out")"
r "list of B" 200 GET /projects/ /projects/ "$TB"
[ "$(jget "j['count']")" = 0 ] || bad "site B sees A's projects"
r "list of another site" 404 GET /projects/ "/projects/?site_id=1" "$TB"
r "list, bad status" 422 GET /projects/ "/projects/?status=cooking" "$TA"
r "list, bad page" 422 GET /projects/ "/projects/?page=0" "$TA"
r "list, page past 2^63" 422 GET /projects/ "/projects/?page=99999999999999999999" "$TA"
r "list, page 2^63-1" 422 GET /projects/ "/projects/?page=9223372036854775807" "$TA"
r "list, page 2" 200 GET /projects/ "/projects/?page=2" "$TA"
[ "$(jget "j['results'], j['previous']")" = "[] 1" ] || bad "page 2: $(head -c 300 "$tmp/out")"

# --- scripts ---
r "generate without content" 409 POST /scripts/generate/ /scripts/generate/ "$TA" "{\"project_id\":$P1}"
r "generate, unknown project" 404 POST /scripts/generate/ /scripts/generate/ "$TA" '{"project_id":4242}'
r "generate, B" 404 POST /scripts/generate/ /scripts/generate/ "$TB" "{\"project_id\":$P1}"
cat >"$tmp/script.json" <<'JSON'
{"hook":"Cold brew takes time, not skill.","intro":"Here is the short version.","points":[{"text":"Use one part coffee to eight parts water, by weight.","duration_est":3.5,"visual_cue":"text card: ratio","text_overlay":"1:8"}],"cta":"Follow for more.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":9,"seo":{"tiktok":{"title":"Cold brew","description":"Cold brew in a minute.","tags":["coldbrew"]}}}
JSON
r "put script" 200 PUT "/scripts/{id}/" "/scripts/$P1/" "$TA" "@$tmp/script.json"
[ "$(jget "j['version']")" = 1 ] || bad "first script is not version 1"
r "put script again" 200 PUT "/scripts/{id}/" "/scripts/$P1/" "$TA" "@$tmp/script.json"
[ "$(jget "j['version'], j['sections'][1]['name']")" = "2 point1" ] || bad "edit: $(head -c 300 "$tmp/out")"
r "invalid script" 422 PUT "/scripts/{id}/" "/scripts/$P1/" "$TA" '{"hook":"x"}'
r "script of B" 404 PUT "/scripts/{id}/" "/scripts/$P1/" "$TB" "@$tmp/script.json"

# --- voiceover ---
r "voice generate" 202 POST /voiceover/generate/ /voiceover/generate/ "$TA" "{\"project_id\":$P1,\"provider\":\"espeak\"}"
r "voice without script" 409 POST /voiceover/generate/ /voiceover/generate/ "$TA" '{"project_id":2}'
r "voice, bad provider" 422 POST /voiceover/generate/ /voiceover/generate/ "$TA" "{\"project_id\":$P1,\"provider\":\"hal\"}"
long=$(python3 -c "print('a' * 201)")
r "preview too long" 422 POST /voiceover/preview/ /voiceover/preview/ "$TA" "{\"text\":\"$long\"}"
[ "$(jget "j['field']")" = text ] || bad "preview: field $(jget "j['field']")"
# a voice name that is a path: espeak-ng parsed /etc/passwd as a voice, then the server died
r "preview, voice a path" 422 POST /voiceover/preview/ /voiceover/preview/ "$TA" '{"text":"hi","voice_id":"../../../../../../etc/passwd"}'
[ "$(jget "j['field']")" = voice_id ] || bad "preview voice: field $(jget "j['field']")"
r "project, voice a path" 422 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"],"settings":{"voice_id":"/etc/passwd"}}'
code=$(curl -s -o "$tmp/p.wav" -w '%{http_code} %{content_type}' -X POST -H "Authorization: Bearer $TA" \
	--data '{"text":"Hello from the preview.","provider":"espeak"}' "$U/voiceover/preview/")
[ "$code" = "200 audio/wav" ] || bad "preview: $code"
head -c 4 "$tmp/p.wav" | grep -q RIFF || bad "the preview is not a WAV"
# previews run inside the request with the operator's keys: one at a time per site (a second is
# 429 while the first is spoken), another site's goes on, and the slot is given back after
preview() { # preview TOKEN BODY: prints the status
	curl -s -o "$tmp/pv.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" --data "$2" "$U/voiceover/preview/"
}
preview "$TA" '{"text":"Slowly.","provider":"openai"}' >"$tmp/slow.code" &
slow=$!
sleep 1.5
r "a second preview while one is spoken" 429 POST /voiceover/preview/ /voiceover/preview/ "$TA" '{"text":"hi"}'
[ "$(preview "$TB" '{"text":"hi"}')" = 200 ] || bad "another site's preview was held up: $(head -c 200 "$tmp/pv.out")"
wait $slow
[ "$(cat "$tmp/slow.code")" = 200 ] || bad "the slow preview: $(cat "$tmp/slow.code")"
[ "$(preview "$TA" '{"text":"hi"}')" = 200 ] || bad "the site's slot was not given back: $(head -c 200 "$tmp/pv.out")"

# --- assets ---
r "asset add" 201 POST "/assets/{id}/" "/assets/$P1/" "$TA" '{"asset_type":"music","source":"uploaded","file_path":"music/calm.mp3","credit":"me","licence":"CC0"}'
r "asset bad path" 422 POST "/assets/{id}/" "/assets/$P1/" "$TA" '{"asset_type":"music","source":"uploaded","file_path":"../../etc/passwd"}'
[ "$(jget "j['field']")" = file_path ] || bad "asset path: field"
r "asset bad type" 422 POST "/assets/{id}/" "/assets/$P1/" "$TA" '{"asset_type":"hologram","source":"uploaded","file_path":"a.png"}'
r "assets list" 200 GET "/assets/{id}/" "/assets/$P1/" "$TA"
[ "$(jget "len(j['results']), j['results'][0]['licence']")" = "1 CC0" ] || bad "assets: $(cat "$tmp/out")"
r "assets of B" 404 GET "/assets/{id}/" "/assets/$P1/" "$TB"

# --- renders (queued only here; tests/sh/service_worker.sh runs them) ---
r "render without script" 409 POST /render/ /render/ "$TA" '{"project_id":2,"presets":["youtube_long"]}'
r "render, bad preset" 422 POST /render/ /render/ "$TA" "{\"project_id\":$P1,\"presets\":[\"vine\"]}"
r "render, no presets" 422 POST /render/ /render/ "$TA" "{\"project_id\":$P1,\"presets\":[]}"
# the route's declared fields are checked before its handler: no body, an unknown field
r "render, no body" 400 POST /render/ /render/ "$TA"
grep -q 'body is required' "$tmp/out" || bad "render without a body: $(cat "$tmp/out")"
r "render, unknown field" 422 POST /render/ /render/ "$TA" "{\"project_id\":$P1,\"presets\":[\"tiktok\"],\"colour\":1}"
grep -q '"field": *"colour"' "$tmp/out" || bad "unknown field not named: $(cat "$tmp/out")"
r "grant, site token" 403 POST /credits/grant/ /credits/grant/ "$TA" '{"site_id":1,"amount":5}'
r "render" 202 POST /render/ /render/ "$TA" "{\"project_id\":$P1,\"presets\":[\"tiktok\",\"youtube_short\"]}"
[ "$(jget "len(j['renders'])")" = 2 ] || bad "one render id per preset: $(cat "$tmp/out")"
R1=$(jget "j['renders'][0]['id']")
r "second render of a running preset" 409 POST /render/ /render/ "$TA" "{\"project_id\":$P1,\"presets\":[\"tiktok\"]}"
r "render status" 200 GET "/render/{id}/status/" "/render/$R1/status/" "$TA"
[ "$(jget "j['status'], j['percent']")" = "queued 0.0" ] || bad "status: $(cat "$tmp/out")"
r "status of B" 404 GET "/render/{id}/status/" "/render/$R1/status/" "$TB"
r "file before it exists" 409 GET "/render/{id}/file/" "/render/$R1/file/" "$TA"
r "rendered" 200 GET "/rendered/{id}/" "/rendered/$P1/" "$TA"
[ "$(jget "len(j['results'])")" = 2 ] || bad "rendered list"
# the download of a finished render (one made here by hand: 1000 bytes): Range, and the wall
head -c 1000 /dev/urandom >"$tmp/done.mp4"
RD=$(sql1 "INSERT INTO igny8_rendered_videos (project_id, preset, status, file_path, created_at, updated_at) VALUES ($P1, 'youtube_long', 'completed', '$tmp/done.mp4', 'x', 'x') RETURNING id")
for rg in "bytes=0-9:206 10 bytes 0-9/1000" "bytes=-10:206 10 bytes 990-999/1000" "bytes=5-2:416 0 bytes */1000" \
	"bytes=0-99999999999999999999:206 1000 bytes 0-999/1000" "bytes=1--2:200 1000 " "bytes=-+5:200 1000 " \
	"bytes= 1-2:200 1000 " "bytes=0-1,5-6:200 1000 "; do
	got=$(curl -s -o "$tmp/dl" -D "$tmp/hdr" -w '%{http_code} %{size_download}' -H "Authorization: Bearer $TA" -H "Range: ${rg%%:*}" "$U/render/$RD/file/")
	got="$got $(sed -n 's/^Content-Range: \(.*\)\r$/\1/Ip' "$tmp/hdr")"
	[ "$got" = "${rg#*:}" ] || bad "download, Range ${rg%%:*}: $got, expected ${rg#*:}"
done
grep -qi '^Content-Type: video/mp4' "$tmp/hdr" || bad "the download is not video/mp4: $(cat "$tmp/hdr")"
r "download of B" 404 GET "/render/{id}/file/" "/render/$RD/file/" "$TB"
r "rendered of B" 404 GET "/rendered/{id}/" "/rendered/$P1/" "$TB"
r "unknown render" 404 GET "/render/{id}/status/" /render/999/status/ "$TA"
r "job" 200 GET "/jobs/{id}/" /jobs/1/ "$TA"
r "job of B" 404 GET "/jobs/{id}/" /jobs/1/ "$TB"

# --- publishing (tests/sh/service_publish.sh publishes for real, against the fake platforms) ---
r "account" 201 POST /accounts/ /accounts/ "$TA" '{"platform":"tiktok","name":"main","tokens":{"access_token":"tt-access-SECRET-1","refresh_token":"tt-refresh-SECRET-2","open_id":"u1","expires_in":3600}}'
ACC=$(jget "j['id']")
[ "$(jget "j['status'], j['platform_user_id'], 'tokens' in j")" = "active u1 False" ] || bad "account: $(cat "$tmp/out")"
r "account, bad platform" 422 POST /accounts/ /accounts/ "$TA" '{"platform":"myspace","tokens":{"access_token":"x"}}'
[ "$(jget "j['field']")" = platform ] || bad "account platform: field $(jget "j['field']")"
r "account, tokens not an object" 422 POST /accounts/ /accounts/ "$TA" '{"platform":"youtube","tokens":"x"}'
r "accounts" 200 GET /accounts/ /accounts/ "$TA"
[ "$(jget "len(j['results'])")" = 1 ] || bad "accounts: $(cat "$tmp/out")"
r "accounts of B" 200 GET /accounts/ /accounts/ "$TB"
[ "$(jget "j['results']")" = "[]" ] || bad "B sees A's accounts"
r "publish a queued render" 409 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R1,\"social_account_id\":$ACC}"
r "publish, B" 404 POST /publish/ /publish/ "$TB" "{\"rendered_video_id\":$R1,\"social_account_id\":$ACC}"
r "publish, no body" 400 POST /publish/ /publish/ "$TA"
r "publish, wrong type" 422 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":\"$R1\",\"social_account_id\":$ACC}"
r "published, unknown" 404 GET "/published/{id}/" /published/1/ "$TA"
r "JSON-LD, unknown" 404 GET "/published/{id}/jsonld/" /published/1/jsonld/ "$TA"
r "analytics" 200 GET /analytics/ "/analytics/?site_id=1" "$TA"
[ "$(jget "j['videos'], j['results']")" = "0 []" ] || bad "analytics: $(cat "$tmp/out")"
r "analytics of another site" 404 GET /analytics/ "/analytics/?site_id=1" "$TB"
r "analytics, unknown video" 404 GET "/analytics/{id}/" /analytics/1/ "$TA"

# --- credits ---
r "credits" 200 GET /credits/ /credits/ "$TA"
bal=$(jget "j['balance']")
held=$(jget "-sum(e['amount'] for e in j['entries'] if e['kind'] == 'hold')")
[ "$bal" -eq $((1000 - held)) ] || bad "balance $bal after holding $held of 1000"
r "estimate, short" 200 GET /credits/estimate/ "/credits/estimate/?project_type=short&target_platforms=tiktok,youtube_short,instagram_reel" "$TA"
t=$(jget "j['total']")
[ "$t" -ge 40 ] && [ "$t" -le 80 ] || bad "a short video costs $t, not 40-80"
r "estimate, long" 200 GET /credits/estimate/ "/credits/estimate/?project_type=long&target_platforms=youtube_long&voice_provider=openai" "$TA"
t=$(jget "j['total']")
[ "$t" -ge 100 ] && [ "$t" -le 250 ] || bad "a long video costs $t, not 100-250"
r "grant (operator)" 201 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":2,"amount":2}'
r "grant, unknown site" 404 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":99,"amount":2}'
# credits never go negative, and a grant is never cut to an int (4294967297 was a grant of 1)
r "grant below zero" 422 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":2,"amount":-3}'
[ "$(jget "j['field']")" = amount ] || bad "negative grant: field $(jget "j['field']")"
r "grant past an int" 422 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":2,"amount":4294967297}'
r "grant of 0" 422 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":2,"amount":0}'
r "correction" 201 POST /credits/grant/ /credits/grant/ "$TOP" '{"site_id":2,"amount":-1}'
[ "$(jget "j['balance']")" = 1 ] || bad "a correction of 1 on 2: $(cat "$tmp/out")"
for d in nan inf 1e300 -5 12abc; do # an estimate was -2147483604 credits
	r "estimate, duration $d" 422 GET /credits/estimate/ "/credits/estimate/?duration=$d" "$TA"
done
r "estimate, long platform list" 422 GET /credits/estimate/ "/credits/estimate/?target_platforms=$(python3 -c "print(','.join(['tiktok'] * 40))")" "$TA"
req POST /projects/ "$TB" '{"project_type":"short","target_platforms":["tiktok","youtube_short","instagram_reel"]}' >/dev/null
PB=$(jget "j['id']")
r "put script (B)" 200 PUT "/scripts/{id}/" "/scripts/$PB/" "$TB" "@$tmp/script.json"
r "render B without credits" 402 POST /render/ /render/ "$TB" "{\"project_id\":$PB,\"presets\":[\"tiktok\"]}"
r "rendered after 402" 200 GET "/rendered/{id}/" "/rendered/$PB/" "$TB"
[ "$(jget "len(j['results'])")" = 0 ] || bad "a refused render left a record"

# --- contents and stage 9 ---
sed 's/"assets\//"/g' examples/article-cold-brew.json >"$tmp/article.json"
python3 - "$tmp/article.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["external_id"] = "wp-42"; a["status"] = "draft"
json.dump(a, open(sys.argv[1], "w"))
PY
r "content" 201 POST /contents/ /contents/ "$TA" "@$tmp/article.json"
C1=$(jget "j['id']")
r "content again (same external id)" 409 POST /contents/ /contents/ "$TA" "@$tmp/article.json"
r "content, no title" 422 POST /contents/ /contents/ "$TA" '{"content_html":"<p>x</p>"}'
[ "$(jget "j['field']")" = title ] || bad "content: field $(jget "j['field']")"
r "content, bad images" 422 POST /contents/ /contents/ "$TA" '{"title":"T","images":[{"src":5}]}'
[ "$(jget "j['field']")" = images ] || bad "content images: field $(jget "j['field']")"
r "content, bad url" 422 POST /contents/ /contents/ "$TA" '{"title":"T","url":"ftp://example.com/images/a"}'
[ "$(jget "j['field']")" = url ] || bad "content url: field $(jget "j['field']")"
r "content get" 200 GET "/contents/{id}/" "/contents/$C1/" "$TA"
r "content of B" 404 GET "/contents/{id}/" "/contents/$C1/" "$TB"
r "project of content" 201 POST /projects/ /projects/ "$TA" "{\"content_id\":$C1,\"project_type\":\"short\",\"target_platforms\":[\"tiktok\"]}"
r "B's project of A's content" 404 POST /projects/ /projects/ "$TB" "{\"content_id\":$C1,\"project_type\":\"short\",\"target_platforms\":[\"tiktok\"]}"
PC=$(python3 -c "import json; print(json.load(open('$tmp/replies/$((n - 1))'))['id'])")
r "script generate" 202 POST /scripts/generate/ /scripts/generate/ "$TA" "{\"project_id\":$PC}"
r "generate twice" 409 POST /scripts/generate/ /scripts/generate/ "$TA" "{\"project_id\":$PC}"
python3 - "$tmp/article.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["external_id"] = "wp-43"; a["status"] = "published"
json.dump(a, open(sys.argv[1], "w"))
PY
r "published content" 201 POST /contents/ /contents/ "$TA" "@$tmp/article.json"
PA=$(jget "j['project_id']")
[ "$PA" != None ] || bad "a published article of a site with video on made no project: $(head -c 300 "$tmp/out")"
r "automated project" 200 GET "/projects/{id}/" "/projects/$PA/" "$TA"
[ "$(jget "j['automated'], j['status'], j['external_id'], j['jobs'][0]['kind']")" = "True scripting wp-43 script" ] ||
	bad "stage 9 project: $(head -c 400 "$tmp/out")"

# The worker writes the script of the generated project (the extract generator: seconds); four
# at once, so the renders queued above do not hold it up (stopping the worker cancels them).
"$VIDC" worker --config "$CONFIG" --concurrency 4 >"$tmp/worker.log" 2>&1 &
WPID=$!
PIDS="$PIDS $WPID"
for _ in $(seq 1 300); do
	req GET "/projects/$PC/" "$TA" >/dev/null
	[ "$(jget "j['script'] is not None")" = True ] && break
	sleep 0.2
done
r "generated script" 200 GET "/projects/{id}/" "/projects/$PC/" "$TA"
[ "$(jget "j['script']['version'], len(j['script']['sections']) > 1, 'tiktok' in j['script']['seo_metadata']")" = "1 True True" ] ||
	bad "the generated script: $(head -c 400 "$tmp/out")"
kill "$WPID" 2>/dev/null
wait "$WPID" 2>/dev/null

# No token is stored in clear, and none is in the server's log.
for t in "$TA" "$TB" "$TOP" tt-access-SECRET-1 tt-refresh-SECRET-2; do
	# shellcheck disable=SC2046
	grep -q "$t" $(db_files) "$tmp/serve.log" && bad "a token is in the database or the log"
done

# Every JSON reply matches the OpenAPI document.
python3 tests/sh/service_openapi.py docs/openapi.json "$tmp/replies.txt" || bad "replies differ from docs/openapi.json"

# The document's preset enums are literal; the API's list is the platform file's presets, in the
# file's order (issue 9), so each enum naming a preset must be that list.
python3 - docs/openapi.json "$VIDC_STDLIB/platforms.json" <<'PY' || bad "docs/openapi.json's preset enums are not the platform file's presets"
import json, sys
api, table = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
presets = [p["name"] for p in table["presets"]]
only_presets = set(presets) - set(s["name"] for s in table["sites"])  # tiktok is both
seen, wrong = [], []
def walk(o, path):
    if isinstance(o, dict):
        if isinstance(o.get("enum"), list) and set(o["enum"]) & only_presets:
            seen.append(path)
            if o["enum"] != presets:
                wrong.append("%s: %s" % (path, o["enum"]))
        for k, v in o.items():
            walk(v, path + "/" + k)
    elif isinstance(o, list):
        for i, v in enumerate(o):
            walk(v, "%s/%d" % (path, i))
walk(api, "")
if len(seen) < 10 or wrong:
    sys.exit("%d preset enums (10 expected); the platform file has %s; differing: %s" % (len(seen), presets, wrong))
PY
exit $fail
