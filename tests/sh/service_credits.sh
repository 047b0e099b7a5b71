#!/bin/sh
# The service's credit holds come from the server's own estimate of the narration, not from the
# script's claim, and a narration the site cannot pay is not kept: a script claiming 1 s that
# speaks for minutes holds what its words take (the voice job's hold and the first render's);
# a script made long after its voice job was queued (hold 1 credit) is spoken, found to cost more
# than the site's balance and hold together, and refused: the job fails naming the cost, its
# files are removed, nothing is charged and the hold comes back.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
setup_sites
"$VIDC" site add --config "$CONFIG" --name "Site C" --video on >/dev/null || bad "site add C"
TC=$("$VIDC" token create --config "$CONFIG" --site 3 --name c 2>/dev/null)
"$VIDC" credits grant --config "$CONFIG" --site 3 --amount 4 >/dev/null || bad "credits grant C"
start_server

# The scripts, NAME WORDS CLAIM: WORDS words in the points (with a short hook and CTA), claiming
# CLAIM seconds in all and 0.5 s a point.
python3 - "$tmp" short 3 3 long3 600 3 long 1500 1 claim 300 3600 <<'PY'
import json, sys
pool = "coffee water grind steep filter ratio cold brew morning bottle fridge taste bitter smooth".split()
a = sys.argv[2:]
for name, words, claim in zip(a[0::3], a[1::3], a[2::3]):
    words, n = int(words), max(1, min(10, int(words) // 50))
    pts = [{"text": " ".join(pool[(k * 7 + i) % len(pool)] for i in range(words // n)).capitalize() + ".",
            "duration_est": 0.5, "visual_cue": "jar", "text_overlay": "Brew"} for k in range(n)]
    json.dump({"hook": "Cold brew.", "intro": "", "points": pts, "cta": "Bye.", "chapter_markers": [],
               "total_estimated_duration": float(claim), "seo": {}}, open("%s/%s.json" % (sys.argv[1], name), "w"))
PY
project() { # project TOKEN: a new standalone short's id
	req POST /projects/ "$1" '{"project_type":"short","target_platforms":["tiktok"],"settings":{"voice_provider":"espeak"}}' >/dev/null
	jget "j['id']"
}

# --- a short script's voice, made long after the job was queued: refused, nothing charged ----
P3=$(project "$TC")
expect "short script" 200 PUT "/scripts/$P3/" "$TC" "@$tmp/short.json"
expect "voice of the short script" 202 POST /voiceover/generate/ "$TC" "{\"project_id\":$P3,\"provider\":\"espeak\"}"
J3=$(jget "j['job_id']")
[ "$(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J3 AND kind = 'hold'")" = 1 ] ||
	bad "the short script's voice holds $(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J3 AND kind = 'hold'"), not 1"
# 600 words: espeak speaks them in about 200 s, 7 credits; the site has 3 and the hold's 1
expect "the script made long" 200 PUT "/scripts/$P3/" "$TC" "@$tmp/long3.json"
"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
expect "the refused job" 200 GET "/jobs/$J3/" "$TC"
[ "$(jget "j['status']")" = failed ] || bad "a voice the site cannot pay ended $(jget "j['status']"): $(tail -3 "$tmp/worker.log")"
jget "j.get('error') or ''" | grep -q 'credits of video_tts_selfhosted; the site can pay 4' ||
	bad "the refusal does not name the cost and what the site could pay: $(cat "$tmp/out")"
ls "$MEDIA"/site-3/project-"$P3"/voice.wav "$MEDIA"/site-3/project-"$P3"/voice.json >/dev/null 2>&1 &&
	bad "the voice the site could not pay for was kept"
expect "C's credits" 200 GET /credits/ "$TC"
[ "$(jget "j['balance']")" = 4 ] || bad "C's balance after the refused voice: $(jget "j['balance']"), not 4"
[ "$(sql1 "SELECT COUNT(*) FROM vidc_credit_ledger WHERE site_id = 3 AND kind = 'charge'")" = 0 ] ||
	bad "the refused voice was charged: $(sql "SELECT amount, note FROM vidc_credit_ledger WHERE site_id = 3 AND kind = 'charge'")"

# --- a long script claiming 1 s: the holds are what its words take -------------------------
# 1500 words at 130 a minute are about 700 s: 24 credits of espeak's 2 a minute (the claim: 1)
P=$(project "$TA")
expect "long script claiming 1 s" 200 PUT "/scripts/$P/" "$TA" "@$tmp/long.json"
expect "its voice" 202 POST /voiceover/generate/ "$TA" "{\"project_id\":$P,\"provider\":\"espeak\"}"
J=$(jget "j['job_id']")
h=$(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J AND kind = 'hold'")
[ "$h" -ge 20 ] && [ "$h" -le 30 ] || bad "the voice of 1500 words claiming 1 s holds $h credits, not 20-30"
P2=$(project "$TA")
expect "the same script again" 200 PUT "/scripts/$P2/" "$TA" "@$tmp/long.json"
expect "its first render" 202 POST /render/ "$TA" "{\"project_id\":$P2,\"presets\":[\"tiktok\"]}"
J2=$(jget "j['renders'][0]['job_id']")
h=$(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J2 AND kind = 'hold' AND operation_type = 'video_tts_selfhosted'")
[ "$h" -ge 20 ] && [ "$h" -le 30 ] || bad "the first render of 1500 words claiming 1 s holds $h credits for the voice, not 20-30"
# the claim can raise the hold: 300 words claiming 3600 s hold an hour (120 credits)
P4=$(project "$TA")
expect "a script claiming an hour" 200 PUT "/scripts/$P4/" "$TA" "@$tmp/claim.json"
expect "its voice" 202 POST /voiceover/generate/ "$TA" "{\"project_id\":$P4,\"provider\":\"espeak\"}"
J4=$(jget "j['job_id']")
[ "$(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J4 AND kind = 'hold'")" = 120 ] ||
	bad "a script claiming 3600 s holds $(sql1 "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE job_id = $J4 AND kind = 'hold'")"
exit $fail
