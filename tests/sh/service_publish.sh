#!/bin/sh
# The publishing stage in the service, against a running `vidc serve` and `vidc worker` and the
# fake platforms (tests/fakes/platforms_server.py), with curl. One video is rendered, by stage 9
# of a short article whose chain publishes it to TikTok (the project becomes published and its
# intermediate files go); the same render is then published through the API to YouTube,
# Instagram and TikTok and followed to published (metadata, category, credits, thumbnail and
# captions checked on the fake); a publish twice (at once, and after it is done, and by `vidc
# publish`) makes one post; the worker killed with kill -9 mid-upload and restarted makes one post
# whose bytes are the file's, no byte sent twice; a 429 is waited out; YouTube's daily upload
# quota defers the job to the next Pacific midnight, where VIDC_NOW takes the worker; engagement
# is fetched by `vidc engagement` and by the 12-hour job (VIDC_NOW again), a deleted post becomes
# removed, a SELF_ONLY TikTok post is skipped; both analytics endpoints and the JSON-LD (API and
# `vidc jsonld`); accounts' tokens never in the database, the logs or the replies; site walls; a
# revoked refresh token marks the account needs_reconnection (and the render stays completed).
# Replies are checked against docs/openapi.json. Under the sanitizers (a render takes minutes
# there) the render is an MP4 made by ffmpeg and the first post goes through the API instead. A
# landscape video is refused as a Short before any byte goes up, and so is a video over TikTok's
# longest once the platform file (a copy, VIDC_STDLIB) is edited while the worker runs; each post
# keeps a step log.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
# a copy of the stdlib, so its platforms.json can be edited under the running worker
cp -R "$VIDC_STDLIB" "$tmp/stdlib" && VIDC_STDLIB=$tmp/stdlib || bad "cannot copy the stdlib"
render=1
[ "${VIDC_SANITIZE:-0}" = 1 ] && render=0 # renders take minutes under the sanitizers

# --- the fake platforms, and the service pointed at them ------------------------------------
platforms_fake
python3 - "$CONFIG" "$tmp/token.key" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
# stage 9 renders at 24 fps (the config's fps): fewer frames, and still a rate every platform
# takes (TikTok and Instagram refuse under 23 fps before the upload)
c.update({"token_key_file": sys.argv[2], "publish_poll_ms": 100, "youtube_uploads_per_day": 2, "fps": 24,
          "public_media_url": "https://cdn.example.com/media/"})
json.dump(c, open(sys.argv[1], "w"))
PY

mkdir -p "$tmp/replies"
n=0
# r WHAT STATUS METHOD PATTERN PATH TOKEN [BODY]: one request, its reply kept for the OpenAPI check
r() {
	what=$1 want=$2 m=$3 pat=$4 path=$5 tok=$6
	shift 6
	got=$(req "$m" "$path" "$tok" "$@")
	[ "$got" = "$want" ] || bad "$what: status $got, expected $want: $(head -c 300 "$tmp/out")"
	n=$((n + 1))
	cp "$tmp/out" "$tmp/replies/$n"
	echo "$m $pat $got $tmp/replies/$n" >>"$tmp/replies.txt"
}
start_worker() {
	"$VIDC" worker --config "$CONFIG" "$@" >>"$tmp/worker.log" 2>&1 &
	WPID=$!
	PIDS="$PIDS $WPID"
}
stop_worker() {
	kill "$WPID" 2>/dev/null
	wait "$WPID" 2>/dev/null
}
# follow ID: waits until published video ID is no longer publishing; its status on stdout
follow() {
	for _ in $(seq 1 600); do
		req GET "/published/$1/" "$TA" >/dev/null
		st=$(jget "j['status']")
		[ "$st" != publishing ] && break
		sleep 0.2
	done
	echo "$st"
}
setup_sites
start_server

# --- accounts ---------------------------------------------------------------------------------
yt='"access_token":"yt-access-0","refresh_token":"yt-refresh-0","expires_in":3600,"client_id":"test-client","client_secret":"test-secret"'
tt='"access_token":"tt-access-0","refresh_token":"tt-refresh-0","expires_in":86400,"client_key":"test-client","client_secret":"test-secret","open_id":"tt-user"'
ig='"access_token":"ig-access-0","expires_in":5183944,"client_id":"test-client","client_secret":"test-secret","ig_user_id":"1784"'
# account NAME PLATFORM TOKENS: the new account's id in ID (not in a subshell: the reply is kept
# for the OpenAPI check)
account() {
	r "account $1" 201 POST /accounts/ /accounts/ "$TA" "{\"platform\":\"$2\",\"name\":\"$1\",\"tokens\":{$3}}"
	ID=$(jget "j['id']")
}
account tt1 tiktok "$tt" && TT1=$ID
account yt1 youtube "$yt,\"channel_id\":\"UC1\"" && YT1=$ID
account ig1 instagram "$ig" && IG1=$ID
account tt2 tiktok "$tt" && TT2=$ID
account tt3 tiktok "$tt" && TT3=$ID
r "account without access token" 422 POST /accounts/ /accounts/ "$TA" '{"platform":"youtube","tokens":{"refresh_token":"x"}}'
[ "$(jget "j['field']")" = tokens ] || bad "no access token: field $(jget "j['field']")"
r "instagram account without its user id" 422 POST /accounts/ /accounts/ "$TA" '{"platform":"instagram","tokens":{"access_token":"x"}}'
r "account, unknown platform" 422 POST /accounts/ /accounts/ "$TA" '{"platform":"myspace","tokens":{"access_token":"x"}}'
r "account by an operator" 403 POST /accounts/ /accounts/ "$TOP" "{\"platform\":\"tiktok\",\"tokens\":{$tt}}"
# the CLI: tokens from standard input and from a file, never on the command line
YT2=$(echo "{$yt}" | "$VIDC" account add --config "$CONFIG" --site 1 --platform youtube --name yt2 --tokens-file - |
	python3 -c "import json,sys; print(json.load(sys.stdin)['id'])") || bad "vidc account add from stdin"
echo "{$yt}" >"$tmp/yt.json"
YT3=$("$VIDC" account add --config "$CONFIG" --site 1 --platform youtube --name yt3 --tokens-file "$tmp/yt.json" |
	python3 -c "import json,sys; print(json.load(sys.stdin)['id'])") || bad "vidc account add from a file"
"$VIDC" account add --config "$CONFIG" --site 1 --platform youtube --tokens-file "$tmp/none.json" 2>"$tmp/err" && bad "a missing tokens file was accepted"
grep -q none.json "$tmp/err" || bad "the missing tokens file is not named: $(cat "$tmp/err")"
r "accounts" 200 GET /accounts/ /accounts/ "$TA"
[ "$(jget "[a['name'] for a in j['results']]")" = "['tt1', 'yt1', 'ig1', 'tt2', 'tt3', 'yt2', 'yt3']" ] || bad "accounts: $(head -c 300 "$tmp/out")"
[ "$(jget "j['results'][2]['platform_user_id'], j['results'][0]['status']")" = "1784 active" ] || bad "account fields: $(head -c 300 "$tmp/out")"
TTB=$(req POST /accounts/ "$TB" "{\"platform\":\"tiktok\",\"tokens\":{$tt}}" >/dev/null && jget "j['id']")
r "accounts of B" 200 GET /accounts/ /accounts/ "$TB"
[ "$(jget "[a['id'] for a in j['results']]")" = "[$TTB]" ] || bad "site B sees: $(head -c 300 "$tmp/out")"

# --- stage 9: a short article, published to TikTok by the chain -------------------------------
r "automation" 200 PUT "/sites/{id}/automation/" /sites/1/automation/ "$TOP" "{\"video_enabled\":true,\"target_platforms\":[\"tiktok\"],\"social_account_ids\":[$TT1,$YT1],\"youtube_category_id\":\"27\"}"
[ "$(jget "j['automation']['youtube_category_id']")" = 27 ] || bad "the category is not stored: $(head -c 300 "$tmp/out")"
if [ $render = 1 ]; then
cat >"$tmp/article.json" <<'JSON'
{"title": "Cold brew in two steps", "external_id": "wp-p1", "status": "published", "language": "en",
 "meta_description": "Cold brew is easy.", "keywords": ["cold brew"],
 "content_html": "<h2>Ratio</h2><p>Use one part coffee to eight parts water, measured by weight on a kitchen scale, and grind the beans coarse so the brew stays clear and sweet. A fine grind turns it muddy and bitter.</p><h2>Steep</h2><p>Steep it in the fridge for twelve to eighteen hours, then strain it slowly through a paper filter. Keep the concentrate in a sealed jar for up to a week, and dilute it with water or milk when you pour a glass over ice.</p>"}
JSON
r "published article" 201 POST /contents/ /contents/ "$TA" "@$tmp/article.json"
P=$(jget "j['project_id']")
start_worker
wait_project "$P" published 1500
# everything after needs the render: stop here when there is none
[ "$st" = published ] || { bad "stage 9 ended $st: $(jget "j['error']"); $(tail -5 "$tmp/worker.log")"; exit 1; }
[ "$(jget "[x['kind'] for x in j['jobs']]")" = "['script', 'voice', 'assets', 'render', 'publish']" ] ||
	bad "stage 9 jobs (one publish: the tiktok render to the tiktok account only): $(jget "[x['kind'] for x in j['jobs']]")"
R=$(jget "j['renders'][0]['id']")
else
# Under the sanitizers a render takes minutes: a standalone project with its script, an MP4 made
# by ffmpeg recorded as its completed render, published to TikTok through the API.
r "project" 201 POST /projects/ /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}'
P=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P/" "$TA" '{"hook":"Cold brew takes time.","intro":"The short version.","points":[{"text":"One part coffee to eight parts water.","duration_est":1,"visual_cue":"text card: ratio","text_overlay":"1:8"}],"cta":"Follow for more.","chapter_markers":[{"time":0,"title":"Intro"},{"time":1,"title":"Ratio"}],"total_estimated_duration":4,"seo":{"tiktok":{"title":"Cold brew","description":"Cold brew is easy.","tags":["coldbrew"]},"youtube_short":{"title":"Cold brew in two steps","description":"Cold brew is easy.","tags":["cold brew"]}}}'
PD=$MEDIA/site-1/project-$P
mkdir -p "$PD"
ffmpeg -v error -f lavfi -i testsrc=size=1080x1920:rate=30 -f lavfi -i sine -t 4 -c:v libx264 -pix_fmt yuv420p \
	-c:a aac -shortest "$PD/render-1-tiktok.mp4" && ffmpeg -v error -f lavfi -i testsrc=size=1080x1920 -frames:v 1 \
	"$PD/render-1-tiktok.jpg" || { bad "ffmpeg cannot make the test video"; exit 1; }
printf '1\n00:00:00,000 --> 00:00:01,500\nCold brew takes time.\n' >"$PD/render-1-tiktok.srt"
touch "$PD/voice.wav"
R=$(sql1 "INSERT INTO igny8_rendered_videos (project_id, preset, resolution, duration, file_size, file_path, subtitle_path, thumbnail_path, status, percent, created_at, updated_at) VALUES ($P, 'tiktok', '1080x1920', 4.0, $(wc -c <"$PD/render-1-tiktok.mp4"), '$PD/render-1-tiktok.mp4', '$PD/render-1-tiktok.srt', '$PD/render-1-tiktok.jpg', 'completed', 100, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id")
r "publish to TikTok" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT1}"
start_worker
[ "$(follow "$(jget "j['published_video_id']")")" = published ] || { bad "the TikTok post: $(cat "$tmp/out")"; exit 1; }
req GET "/projects/$P/" "$TA" >/dev/null
[ "$(jget "j['status']")" = published ] || bad "the project is $(jget "j['status']") after its only target is published"
fi
MP4=$(sql1 "SELECT file_path FROM igny8_rendered_videos WHERE id = $R")
SHA=$(sha256sum "$MP4" | cut -d' ' -f1)
SIZE=$(wc -c <"$MP4")
PD=$MEDIA/site-1/project-$P
[ -f "$PD/voice.wav" ] && bad "the published project's intermediates were kept: $(ls "$PD")"
[ -f "$MP4" ] && [ -f "${MP4%.mp4}.jpg" ] && { [ $render = 0 ] || [ -f "$PD/script.json" ]; } || bad "a final file went with the intermediates: $(ls "$PD")"
[ "$(fstat "s['posts']['tiktok'], [v['sha256'] for v in s['videos'].values()] == ['$SHA']")" = "1 True" ] ||
	bad "the first TikTok post: $(cat "$tmp/stats")"
[ "$(sql "SELECT platform, status FROM igny8_published_videos")" = "[('tiktok', 'published')]" ] || bad "the first post's rows: $(sql "SELECT * FROM igny8_published_videos")"

# --- the same render to each platform through the API -----------------------------------------
stop_worker # queued with no worker running: the duplicate below must find the first's job
r "a credited asset" 201 POST "/assets/{id}/" "/assets/$P/" "$TA" '{"asset_type":"image","source":"stock_pexels","file_path":"x.jpg","credit":"Photo by Ann Lee on Pexels","licence":"Pexels License","original_url":"https://www.pexels.com/photo/1/"}'
r "publish to YouTube" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$YT1}"
V_YT=$(jget "j['published_video_id']")
J_YT=$(jget "j['job_id']")
r "publish to YouTube again at once" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$YT1}"
[ "$(jget "j['job_id'], j['published_video_id']")" = "$J_YT $V_YT" ] || bad "a duplicate publish made another job or row: $(cat "$tmp/out")"
fault 429
r "publish to Instagram" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$IG1}"
V_IG=$(jget "j['published_video_id']")
fault tt_unaudited -1 # TikTok has not audited the app: it may post SELF_ONLY only
r "publish to TikTok (unaudited app)" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT2}"
V_TT=$(jget "j['published_video_id']")
r "publish, bad privacy" 422 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT2,\"privacy\":\"secret\"}"
r "publish, missing account" 422 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R}"
start_worker
for v in $V_YT $V_IG $V_TT; do
	[ "$(follow "$v")" = published ] || bad "published video $v: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
done
fault tt_unaudited 0
r "published (YouTube)" 200 GET "/published/{id}/" "/published/$V_YT/" "$TA"
YTID=$(jget "j['platform_video_id']")
[ "$(jget "all(l[:2] == '20' and l[19] == 'Z' for l in j['log'].splitlines()) and 'session:' in j['log'] and 'published:' in j['log']")" = True ] ||
	bad "the step log: $(jget "j['log']")"
jget "j['url']" | grep -q "youtube.com/watch?v=$YTID" || bad "the YouTube URL: $(cat "$tmp/out")"
r "published (Instagram)" 200 GET "/published/{id}/" "/published/$V_IG/" "$TA"
IGID=$(jget "j['platform_video_id']")
jget "j['url']" | grep -q instagram.com || bad "the Instagram URL: $(cat "$tmp/out")"
r "published (TikTok, SELF_ONLY)" 200 GET "/published/{id}/" "/published/$V_TT/" "$TA"
[ "$(jget "j['platform_video_id']")" = None ] && jget "j['note']" | grep -q SELF_ONLY || bad "TikTok SELF_ONLY: $(cat "$tmp/out")"
fstat "s['posts']" >"$tmp/posts"
[ "$(cat "$tmp/posts")" = "{'youtube': 1, 'instagram': 1, 'tiktok': 2}" ] || bad "posts: $(cat "$tmp/posts")"
[ "$(fstat "sorted(set(v['sha256'] for v in s['videos'].values()))")" = "['$SHA']" ] || bad "a posted video is not the render's bytes"
# what YouTube got: the SEO title, the category, the credits in the description, the flags
python3 - "$tmp/stats" "$YTID" "$(sql1 "SELECT seo_metadata FROM igny8_video_scripts WHERE project_id = $P")" <<'PY' || bad "YouTube's metadata"
import json, sys
s = json.load(open(sys.argv[1])); v = s["videos"][sys.argv[2]]; m = v["meta"]
seo = json.loads(sys.argv[3])
want = seo.get("youtube_short") or seo.get("youtube_long") or seo["tiktok"]
problems = []
if m["snippet"]["title"] != want["title"][:100]: problems.append("title %r" % m["snippet"]["title"])
if m["snippet"]["categoryId"] != "27": problems.append("category %r" % m["snippet"]["categoryId"])
if "Photo by Ann Lee on Pexels (Pexels License)" not in m["snippet"]["description"]: problems.append("no credits")
if m["status"].get("containsSyntheticMedia") is not True or m["status"]["privacyStatus"] != "public": problems.append("status %r" % m["status"])
if not v.get("thumbnail") or not v.get("captions"): problems.append("thumbnail or captions missing")
if problems: sys.exit("; ".join(problems))
PY

# --- twice is once: after it is done, by the API and by the CLI -------------------------------
r "publish to YouTube once more" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$YT1}"
[ "$(jget "j['published_video_id']")" = "$V_YT" ] || bad "a second publish made a second row"
url=$("$VIDC" publish --config "$CONFIG" "$R" --account "$YT1" --wait 2>>"$tmp/cli.log")
[ "$url" = "https://www.youtube.com/watch?v=$YTID" ] || bad "vidc publish --wait printed '$url': $(tail -2 "$tmp/cli.log")"
[ "$(fstat "s['posts']['youtube']")" = 1 ] || bad "publishing twice made $(fstat "s['posts']['youtube']") YouTube posts"
[ "$(sql1 "SELECT COUNT(*) FROM igny8_published_videos WHERE rendered_video_id = $R AND social_account_id = $YT1")" = 1 ] || bad "two rows for one post"

# --- refused before the upload: a landscape video is no Short ---------------------------------
ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=30 -t 2 -c:v libx264 -pix_fmt yuv420p "$PD/render-99-youtube_short.mp4" ||
	bad "ffmpeg cannot make the landscape video"
RW=$(sql1 "INSERT INTO igny8_rendered_videos (project_id, preset, duration, file_path, status, created_at, updated_at) VALUES ($P, 'youtube_short', 2.0, '$PD/render-99-youtube_short.mp4', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id")
sent=$(fstat "s['upload_bytes']['youtube'], s['posts']['youtube']")
r "publish a landscape Short" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$RW,\"social_account_id\":$YT1}"
V_W=$(jget "j['published_video_id']")
[ "$(follow "$V_W")" = failed ] && jget "j['error']" | grep -q "not fit for YouTube Shorts.*wider than tall" || bad "a landscape Short: $(cat "$tmp/out")"
[ "$(fstat "s['upload_bytes']['youtube'], s['posts']['youtube']")" = "$sent" ] || bad "the refused video was uploaded"
req GET "/projects/$P/" "$TA" >/dev/null
[ "$(jget "j['status']")" = published ] || bad "a refused publish made the published project $(jget "j['status']")"

# --- the platform file is read for each publish: TikTok's longest video edited down to 1 s ------
cp "$VIDC_STDLIB/platforms.json" "$tmp/platforms.orig"
python3 - "$VIDC_STDLIB/platforms.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
next(p for p in t["presets"] if p["name"] == "tiktok")["duration"]["max_s"] = 1
json.dump(t, open(sys.argv[1], "w"), indent=2)
PY
account tt4 tiktok "$tt" && TT4=$ID
sent=$(fstat "s['upload_bytes']['tiktok'], s['posts']['tiktok']")
r "publish over the edited TikTok limit" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT4}"
[ "$(follow "$(jget "j['published_video_id']")")" = failed ] &&
	jget "j['error']" | grep -q "not fit for TikTok: .* s is longer than 1 s (duration: as documented on TikTok for Developers.*\[preset tiktok of $VIDC_STDLIB/platforms.json\]" ||
	bad "the edited TikTok rule: $(cat "$tmp/out")"
[ "$(fstat "s['upload_bytes']['tiktok'], s['posts']['tiktok']")" = "$sent" ] || bad "the video over the edited limit was uploaded"
cp "$tmp/platforms.orig" "$VIDC_STDLIB/platforms.json"

# --- kill -9 mid-upload: the next worker resumes the recorded session -------------------------
before=$(fstat "s['upload_bytes']['youtube']")
fault yt_stall40
r "publish (killed mid-upload)" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$YT2}"
V_K=$(jget "j['published_video_id']")
J_K=$(jget "j['job_id']")
for _ in $(seq 1 300); do
	[ "$(fstat "s['stalled']")" = 1 ] && break
	sleep 0.1
done
[ "$(fstat "s['stalled']")" = 1 ] || bad "the upload never reached 40 %"
kill -9 "$WPID"
wait "$WPID" 2>/dev/null
[ "$(sql1 "SELECT status || ' ' || CASE WHEN upload_session IS NOT NULL THEN 1 ELSE 0 END FROM igny8_published_videos WHERE id = $V_K")" = "publishing 1" ] ||
	bad "no session recorded before the bytes went up: $(sql "SELECT status, upload_session FROM igny8_published_videos WHERE id = $V_K")"
start_worker
[ "$(follow "$V_K")" = published ] || bad "after kill -9: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
jget "j['log']" | grep -q "start: resuming the recorded upload session" || bad "the step log of the resumed upload: $(jget "j['log']")"
KID=$(jget "j['platform_video_id']")
[ "$(fstat "s['posts']['youtube'], s['videos']['$KID']['sha256'] == '$SHA', s['upload_bytes']['youtube'] - $before")" = "2 True $SIZE" ] ||
	bad "kill -9 mid-upload: one post of the file's bytes, none sent twice: $(fstat "s['posts'], s['upload_bytes']") (file $SIZE)"
[ "$(sql1 "SELECT attempts FROM vidc_jobs WHERE id = $J_K")" = 2 ] || bad "the killed job ran $(sql1 "SELECT attempts FROM vidc_jobs WHERE id = $J_K") times"

# --- YouTube's daily upload quota: the job waits for midnight Pacific --------------------------
r "publish over the quota" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$YT3}"
V_Q=$(jget "j['published_video_id']")
J_Q=$(jget "j['job_id']")
for _ in $(seq 1 300); do
	[ "$(sql1 "SELECT status = 'queued' AND run_after > 0 AND error IS NOT NULL FROM vidc_jobs WHERE id = $J_Q")" = 1 ] && break
	sleep 0.2
done
run_at=$(sql1 "SELECT run_after / 1000 FROM vidc_jobs WHERE id = $J_Q")
python3 - "$run_at" <<'PY' || bad "the quota's job does not wait for the next midnight Pacific: $(sql "SELECT status, run_after, error FROM vidc_jobs WHERE id = $J_Q")"
import sys, time, datetime
t = int(sys.argv[1]); now = time.time()
pt = datetime.datetime.utcfromtimestamp(t) - datetime.timedelta(hours=8)
assert now < t <= now + 26 * 3600 and pt.minute == 0 and pt.hour in (0, 1), (t, pt)
PY
req GET "/published/$V_Q/" "$TA" >/dev/null
[ "$(jget "j['status']")" = publishing ] && jget "j['error']" | grep -qi quota || bad "the waiting post: $(cat "$tmp/out")"
[ "$(fstat "s['posts']['youtube']")" = 2 ] || bad "the quota was passed"
stop_worker
refreshes=$(fstat "s['refreshes']['youtube']")
# After the reset, and at least two hours on, so YouTube's one-hour access token has expired and
# must be refreshed whatever the time of day (an hour before midnight Pacific the reset is minutes
# away); two hours after a midnight stay within its day.
later=$(( $(date +%s) + 7200 ))
[ "$later" -gt "$((run_at + 5))" ] || later=$((run_at + 5))
VIDC_NOW=$later "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
req GET "/published/$V_Q/" "$TA" >/dev/null
[ "$(jget "j['status']")" = published ] || bad "after the reset: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
[ "$(fstat "s['posts']['youtube'], s['refreshes']['youtube'] > $refreshes")" = "3 True" ] || bad "after the reset: $(fstat "s['posts'], s['refreshes']")"
[ "$(sql1 "SELECT outcome FROM vidc_job_runs WHERE job_id = $J_Q ORDER BY id LIMIT 1")" = deferred ] || bad "the wait is not logged as deferred"

# --- engagement: now (CLI) and every 12 hours (the worker) ------------------------------------
"$VIDC" engagement --config "$CONFIG" --site 1 >"$tmp/eng.out" 2>"$tmp/eng.err" || bad "vidc engagement: $(cat "$tmp/eng.err" "$tmp/eng.out")"
grep -q "published video $V_TT (tiktok): skipped" "$tmp/eng.out" || bad "the SELF_ONLY post was not skipped: $(cat "$tmp/eng.out")"
[ "$(sql1 "SELECT views FROM igny8_video_engagement WHERE published_video_id = $V_IG ORDER BY id DESC LIMIT 1")" = 900 ] ||
	bad "Instagram's views: $(sql "SELECT * FROM igny8_video_engagement WHERE published_video_id = $V_IG")"
[ "$(sql1 "SELECT COUNT(*) FROM igny8_video_engagement WHERE published_video_id = $V_TT")" = 0 ] || bad "a SELF_ONLY post got numbers"
curl -s -X POST "$F/_delete?id=$YTID" >/dev/null
last=$(sql1 "SELECT MAX(run_after) FROM vidc_jobs WHERE kind = 'engagement' AND site_id = 1 AND status = 'done'")
[ -n "$last" ] && [ "$last" != None ] || bad "the worker scheduled no engagement job"
rows=$(sql1 "SELECT COUNT(*) FROM igny8_video_engagement")
VIDC_NOW=$((last / 1000 + 12 * 3600 - 120)) "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
[ "$(sql1 "SELECT COUNT(*) FROM igny8_video_engagement")" = "$rows" ] || bad "engagement fetched before 12 hours had passed"
[ "$(sql1 "SELECT run_after FROM vidc_jobs WHERE kind = 'engagement' AND site_id = 1 AND status = 'queued'")" = $((last + 12 * 3600000)) ] ||
	bad "the next engagement job is not 12 hours after the last: $(sql "SELECT id, status, run_after FROM vidc_jobs WHERE kind = 'engagement'")"
VIDC_NOW=$((last / 1000 + 12 * 3600 + 60)) "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
[ "$(sql1 "SELECT COUNT(*) FROM igny8_video_engagement")" -gt "$rows" ] || bad "no engagement 12 hours later: $(grep engagement "$tmp/worker.log" | tail -3)"
r "removed" 200 GET "/published/{id}/" "/published/$V_YT/" "$TA"
[ "$(jget "j['status']")" = removed ] || bad "a deleted post is $(jget "j['status']")"
r "analytics" 200 GET /analytics/ "/analytics/?site_id=1" "$TA"
python3 - "$tmp/out" "$V_IG" "$V_YT" <<'PY' || bad "analytics: $(head -c 600 "$tmp/out")"
import json, sys
a = json.load(open(sys.argv[1])); ig, yt = int(sys.argv[2]), int(sys.argv[3])
by = {x["published_video_id"]: x for x in a["results"]}
assert by[ig]["views"] == 900 and by[ig]["saves"] == 9 and by[yt]["status"] == "removed", by
assert a["totals"]["views"] == sum(x["views"] or 0 for x in a["results"]) and a["videos"] == len(a["results"]), a
PY
r "analytics of a video" 200 GET "/analytics/{id}/" "/analytics/$V_IG/" "$TA"
[ "$(jget "len(j['timeline']) >= 2, j['timeline'][0]['raw'] is not None, j['published_video']['id']")" = "True True $V_IG" ] ||
	bad "the timeline: $(head -c 400 "$tmp/out")"

# --- JSON-LD ----------------------------------------------------------------------------------
code=$(curl -s -o "$tmp/ld.json" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $TA" "$U/published/$V_IG/jsonld/")
[ "$code" = "200 application/ld+json" ] || bad "JSON-LD: $code $(head -c 300 "$tmp/ld.json")"
n=$((n + 1)) && cp "$tmp/ld.json" "$tmp/replies/$n" && echo "GET /published/{id}/jsonld/ 200 $tmp/replies/$n" >>"$tmp/replies.txt"
python3 - "$tmp/ld.json" "$IGID" <<'PY' || bad "the VideoObject: $(head -c 600 "$tmp/ld.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["@type"] == "VideoObject" and j["name"] and j["uploadDate"].endswith("Z"), j
t = j["thumbnailUrl"][0] if isinstance(j["thumbnailUrl"], list) else j["thumbnailUrl"]
assert t.startswith("https://cdn.example.com/media/site-1/project-") and t.endswith(".jpg"), j
assert j["contentUrl"].endswith(".mp4") and j["embedUrl"].endswith("/embed") and j["duration"].startswith("PT"), j
PY
"$VIDC" jsonld --config "$CONFIG" "$V_IG" >"$tmp/ld2.json" || bad "vidc jsonld"
[ "$(cat "$tmp/ld2.json")" = "$(cat "$tmp/ld.json")" ] || bad "vidc jsonld differs from the API's"
r "JSON-LD of a post without a public id" 409 GET "/published/{id}/jsonld/" "/published/$V_TT/jsonld/" "$TA"

# --- site walls -------------------------------------------------------------------------------
r "B reads A's post" 404 GET "/published/{id}/" "/published/$V_IG/" "$TB"
r "B's JSON-LD of A's post" 404 GET "/published/{id}/jsonld/" "/published/$V_IG/jsonld/" "$TB"
r "B's timeline of A's post" 404 GET "/analytics/{id}/" "/analytics/$V_IG/" "$TB"
r "B's analytics of site A" 404 GET /analytics/ "/analytics/?site_id=1" "$TB"
r "B's analytics" 200 GET /analytics/ /analytics/ "$TB"
[ "$(jget "j['videos'], j['totals']['views']")" = "0 0" ] || bad "B's analytics: $(cat "$tmp/out")"
r "B publishes A's render" 404 POST /publish/ /publish/ "$TB" "{\"rendered_video_id\":$R,\"social_account_id\":$TTB}"
[ "$(jget "j['field']")" = rendered_video_id ] || bad "B's publish: field $(jget "j['field']")"
r "A publishes to B's account" 404 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TTB}"
[ "$(jget "j['field']")" = social_account_id ] || bad "A to B's account: field $(jget "j['field']")"

# --- a revoked refresh token: the account needs reconnection ----------------------------------
fault expire
fault revoke
r "publish with a revoked token" 202 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT3}"
V_R=$(jget "j['published_video_id']")
J_R=$(jget "j['job_id']")
"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
req GET "/published/$V_R/" "$TA" >/dev/null
[ "$(jget "j['status']")" = failed ] && jget "j['error']" | grep -q "needs reconnection" || bad "revoked: $(cat "$tmp/out")"
[ "$(sql1 "SELECT status FROM vidc_social_accounts WHERE id = $TT3")" = needs_reconnection ] || bad "the account was not marked"
[ "$(sql1 "SELECT attempts || status FROM vidc_jobs WHERE id = $J_R")" = 1failed ] || bad "a refused refresh was retried"
r "publish to an account that needs reconnection" 409 POST /publish/ /publish/ "$TA" "{\"rendered_video_id\":$R,\"social_account_id\":$TT3}"
[ "$(jget "j['field']")" = social_account_id ] || bad "reconnection: $(cat "$tmp/out")"

# --- no token in clear: database, logs, replies -----------------------------------------------
for t in yt-refresh-0 tt-refresh-0 ig-access-0 yt-access-0 test-secret; do
	# shellcheck disable=SC2046
	grep -q -- "$t" $(db_files) "$tmp/serve.log" "$tmp/worker.log" "$tmp/replies"/* 2>/dev/null && bad "'$t' is in the database, a log or a reply"
done
python3 tests/sh/service_openapi.py --replies-only docs/openapi.json "$tmp/replies.txt" || bad "replies differ from docs/openapi.json"
# the server and the workers run in the background: under the sanitizers a report in their logs
# (a leak is reported at exit) is a failure
stop_worker
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
grep -q Sanitizer "$tmp/worker.log" "$tmp/serve.log" "$tmp/cli.log" 2>/dev/null &&
	bad "a sanitizer report: $(grep -h -B2 -A12 Sanitizer "$tmp/worker.log" "$tmp/serve.log" "$tmp/cli.log" | head -40)"
exit $fail
