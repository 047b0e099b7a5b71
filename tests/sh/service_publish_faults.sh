#!/bin/sh
# The publishing stage in the service under the fake platforms' faults (tests/fakes/
# platforms_server.py), each publish run by `vidc worker --exit-when-idle` and followed through
# the API with curl: a YouTube chunk answered 500 and a connection dropped at 40 % (the upload
# resumes: the fake holds the file's bytes, each received once); an Instagram container that ends
# in ERROR and a TikTok publish that ends FAILED (failed with the platform's reason, not retried);
# an Instagram container that never finishes (failed after the bounded wait, saying so);
# Instagram's 24-hour publishing limit (the job waits an hour, VIDC_NOW takes the worker there);
# an expired access token refreshed, TikTok's rotated refresh token stored sealed (the old one is
# dead, and a second publish works with the new one). The render is an MP4 made by ffmpeg
# (tests/sh/service_publish.sh publishes a real render).
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc

platforms_fake
# one attempt per job: a failure shows at once (the library retries a chunk itself)
python3 - "$CONFIG" "$tmp/token.key" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c.update({"token_key_file": sys.argv[2], "publish_poll_ms": 100, "publish_timeout_s": 2, "job_attempts": 1})
json.dump(c, open(sys.argv[1], "w"))
PY
work() { "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1 || bad "the worker exited $?"; }
setup_sites
start_server

# --- a project, its script, and an MP4 recorded as its completed render ------------------------
req POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}' >/dev/null
P=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P/" "$TA" '{"hook":"Cold brew takes time.","intro":"The short version.","points":[{"text":"One part coffee to eight parts water.","duration_est":1,"visual_cue":"text card: ratio","text_overlay":"1:8"}],"cta":"Follow for more.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":4,"seo":{"tiktok":{"title":"Cold brew","description":"Cold brew is easy.","tags":["coldbrew"]}}}'
PD=$MEDIA/site-1/project-$P
mkdir -p "$PD"
ffmpeg -v error -f lavfi -i testsrc=size=1080x1920:rate=30 -f lavfi -i sine -t 4 -c:v libx264 -pix_fmt yuv420p \
	-c:a aac -shortest "$PD/render-1-tiktok.mp4" || { bad "ffmpeg cannot make the test video"; exit 1; }
SHA=$(sha256sum "$PD/render-1-tiktok.mp4" | cut -d' ' -f1)
SIZE=$(wc -c <"$PD/render-1-tiktok.mp4")
render() { # a completed render of the file: its id
	sql1 "INSERT INTO igny8_rendered_videos (project_id, preset, duration, file_size, file_path, status, created_at, updated_at) VALUES ($P, 'tiktok', 4.0, $SIZE, '$PD/render-1-tiktok.mp4', 'completed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id"
}
R=$(render)
yt='"access_token":"yt-access-0","refresh_token":"yt-refresh-0","expires_in":3600,"client_id":"test-client","client_secret":"test-secret"'
tt='"access_token":"tt-access-0","refresh_token":"tt-refresh-0","expires_in":86400,"client_key":"test-client","client_secret":"test-secret","open_id":"tt-user"'
ig='"access_token":"ig-access-0","expires_in":5183944,"client_id":"test-client","client_secret":"test-secret","ig_user_id":"1784"'
account() { # account PLATFORM TOKENS: the new account's id
	req POST /accounts/ "$TA" "{\"platform\":\"$1\",\"tokens\":{$2}}" >/dev/null
	jget "j['id']"
}
# publish RENDER ACCOUNT: queues it, runs the worker; the post's record is in $tmp/out
publish() {
	code=$(req POST /publish/ "$TA" "{\"rendered_video_id\":$1,\"social_account_id\":$2}")
	[ "$code" = 202 ] || bad "publish $1 to $2: $code $(cat "$tmp/out")"
	V=$(jget "j['published_video_id']")
	J=$(jget "j['job_id']")
	work
	req GET "/published/$V/" "$TA" >/dev/null
}

# --- YouTube: a chunk answered 500, then the connection dropped at 40 % -------------------------
YT=$(account youtube "$yt")
fault yt_500
fault yt_drop40
publish "$R" "$YT"
[ "$(jget "j['status']")" = published ] || bad "YouTube after a 500 and a drop: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
jget "j['log']" | grep -q "resume" || bad "the step log does not show the resume: $(jget "j['log']")"
[ "$(fstat "s['posts']['youtube'], s['upload_bytes']['youtube'], [v['sha256'] for v in s['videos'].values()] == ['$SHA']")" = "1 $SIZE True" ] ||
	bad "YouTube: one post of the file's bytes, each received once: $(fstat "s['posts'], s['upload_bytes']") (file $SIZE)"

# --- failures with the platform's reason, not retried -----------------------------------------
IG1=$(account instagram "$ig")
fault ig_error
publish "$R" "$IG1"
[ "$(jget "j['status']")" = failed ] && jget "j['error']" | grep -q "ended ERROR.*2207026" || bad "an Instagram container in ERROR: $(cat "$tmp/out")"
[ "$(sql1 "SELECT attempts || status FROM vidc_jobs WHERE id = $J")" = 1failed ] || bad "the ERROR was retried"
TT1=$(account tiktok "$tt")
fault tt_failed
publish "$R" "$TT1"
[ "$(jget "j['status']")" = failed ] && jget "j['error']" | grep -q file_format_check_failed || bad "a TikTok publish FAILED: $(cat "$tmp/out")"
IG2=$(account instagram "$ig")
fault ig_stuck -1
publish "$R" "$IG2"
[ "$(jget "j['status']")" = failed ] && jget "j['error']" | grep -q "still IN_PROGRESS after 2 s" || bad "an Instagram container that never finishes: $(cat "$tmp/out")"
fault ig_stuck 0
[ "$(fstat "s['posts']['instagram'], s['posts']['tiktok']")" = "0 0" ] || bad "a failed publish posted: $(fstat "s['posts']")"
# the render stays completed, the failures are the posts'
[ "$(sql1 "SELECT status FROM igny8_rendered_videos WHERE id = $R")" = completed ] || bad "a failed publish changed the render"

# --- Instagram's 24-hour publishing limit: the job waits an hour -------------------------------
IG3=$(account instagram "$ig")
fault ig_limit -1
t0=$(date +%s)
publish "$R" "$IG3"
[ "$(jget "j['status']")" = publishing ] && jget "j['error']" | grep -q "posts allowed in 24 hours" || bad "the limit: $(cat "$tmp/out")"
run_at=$(sql1 "SELECT run_after / 1000 FROM vidc_jobs WHERE id = $J AND status = 'queued'")
[ -n "$run_at" ] && [ "$run_at" -ge $((t0 + 3540)) ] && [ "$run_at" -le $(($(date +%s) + 3660)) ] ||
	bad "the job does not wait an hour: $(sql "SELECT status, run_after, error FROM vidc_jobs WHERE id = $J")"
work # before the hour: nothing to do
[ "$(sql1 "SELECT status FROM vidc_jobs WHERE id = $J")" = queued ] || bad "the waiting job ran early"
fault ig_limit 0
VIDC_NOW=$((run_at + 5)) "$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
req GET "/published/$V/" "$TA" >/dev/null
[ "$(jget "j['status']")" = published ] || bad "after the hour: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
[ "$(fstat "s['posts']['instagram']")" = 1 ] || bad "Instagram posts: $(fstat "s['posts']")"

# --- an expired token: refreshed; TikTok's new refresh token is the one kept ------------------
TT2=$(account tiktok "$tt")
before=$(sql1 "SELECT tokens_sealed FROM vidc_social_accounts WHERE id = $TT2")
fault expire
publish "$R" "$TT2"
[ "$(jget "j['status']")" = published ] || bad "after a refresh: $(cat "$tmp/out"); $(tail -3 "$tmp/worker.log")"
[ "$(sql1 "SELECT tokens_sealed <> '$before' AND tokens_sealed LIKE 'sb1:%' FROM vidc_social_accounts WHERE id = $TT2")" = 1 ] ||
	bad "the refreshed tokens were not stored sealed"
# tt-refresh-0 is dead now: another publish after another expiry works only with the stored one
R2=$(render)
fault expire
publish "$R2" "$TT2"
[ "$(jget "j['status']")" = published ] || bad "the rotated refresh token was not kept: $(cat "$tmp/out")"
[ "$(fstat "s['posts']['tiktok'], s['refreshes']['tiktok']")" = "2 2" ] || bad "TikTok: $(fstat "s['posts'], s['refreshes']")"
[ "$(sql1 "SELECT status FROM vidc_social_accounts WHERE id = $TT2")" = active ] || bad "the refreshed account is not active"

for t in yt-refresh-0 tt-refresh-0 ig-access-0 test-secret; do
	grep -q -- "$t" "$DB" "$DB-wal" "$tmp/serve.log" "$tmp/worker.log" 2>/dev/null && bad "'$t' is in the database or a log"
done
kill "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
grep -q Sanitizer "$tmp/worker.log" "$tmp/serve.log" 2>/dev/null &&
	bad "a sanitizer report: $(grep -h -B2 -A12 Sanitizer "$tmp/worker.log" "$tmp/serve.log" | head -40)"
exit $fail
