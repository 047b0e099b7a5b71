#!/bin/sh
# vidc voice / vidc voices: the embedded espeak provider end to end (a spec using the voice and
# its timings checks clean), usage errors and the preview limit, voice lists, and each HTTP
# provider against tests/fakes/tts_server.py in each fault mode: 429 with Retry-After, 500 then
# success, a reply cut off mid-body, malformed replies (always: an error; once: the section is
# asked again), a reply slower than the timeout, and wrong or missing keys.
. "$(dirname "$0")/lib.sh"
says() { # says PATTERN DESCRIPTION: the last command's stderr matches
	grep -Eq "$1" "$tmp/err" || { echo "FAIL: $2: stderr lacks /$1/"; sed 's/^/    /' "$tmp/err" | tail -5; fail=1; }
}
# uses_voice NAME: a spec built on $tmp/NAME.wav and its timings checks clean, and the timing
# file has every section.
uses_voice() {
	cat >"$tmp/$1.vid" <<EOF
video { preset tiktok }
voice "$1.wav" { timings "$1.json" }
captions karaoke
scene hook auto { solid #000 }
scene intro auto {
  solid #111
  text "1:4" { start word("one to four") }
}
scene point1 auto { solid #222 }
scene point2 auto { solid #333 }
scene cta auto { solid #444 }
EOF
	"$VIDC" check --color never "$tmp/$1.vid" >"$tmp/check" 2>&1 || {
		echo "FAIL: $1: a spec using the voice does not check"; sed 's/^/    /' "$tmp/check" | head; fail=1; }
}

cat >"$tmp/script.json" <<'EOF'
{"hook": "Cold brew is easy, and it's cheap.",
 "intro": "The ratio is 1:4 — that's one to four. Steep it for 12-24 hours!",
 "points": [{"text": "Grind the beans coarse.", "duration_est": 3, "visual_cue": "beans", "text_overlay": "Coarse"},
            {"text": "Wait a day, then enjoy the coffee.", "duration_est": 3}],
 "cta": "Follow for more.", "total_estimated_duration": 20}
EOF

# ---- espeak ----------------------------------------------------------------------------------
expect 0 "espeak voice" -- "$VIDC" voice "$tmp/script.json" -o "$tmp/espeak.wav"
[ -s "$tmp/espeak.wav" ] && [ -s "$tmp/espeak.json" ] || { echo "FAIL: espeak: no WAV or timings"; fail=1; }
uses_voice espeak
expect 0 "espeak --timing, --speed, --voice" -- "$VIDC" voice "$tmp/script.json" --speed 1.3 --voice en-gb \
	-o "$tmp/fast.wav" --timing "$tmp/fast-timings.json"
[ -s "$tmp/fast-timings.json" ] || { echo "FAIL: --timing not written"; fail=1; }
expect 0 "espeak --lang es" -- "$VIDC" voice --lang es --preview "¿Qué tal? Mañana, café." -o "$tmp/es.wav"
expect 1 "espeak unknown voice" -- "$VIDC" voice --voice xx-nope --preview "Hello." -o "$tmp/x.wav"
says "no voice 'xx-nope'" "unknown espeak voice"

# ---- usage -----------------------------------------------------------------------------------
long=$(printf '%0201d' 0)
expect 2 "preview over 200 characters" -- "$VIDC" voice --preview "$long" -o "$tmp/p.wav"
says "at most 200 characters; this text has 201" "preview limit"
ok200=$(printf 'word %.0s' $(seq 40))
expect 0 "preview of 200 characters" -- "$VIDC" voice --preview "$ok200" -o "$tmp/p.wav"
expect 2 "no output" -- "$VIDC" voice "$tmp/script.json"
expect 2 "no script" -- "$VIDC" voice -o "$tmp/x.wav"
expect 2 "unknown provider" -- "$VIDC" voice "$tmp/script.json" --provider polly -o "$tmp/x.wav"
expect 2 "bad speed" -- "$VIDC" voice "$tmp/script.json" --speed fast -o "$tmp/x.wav"
expect 2 "unknown option" -- "$VIDC" voice "$tmp/script.json" --pitch 3 -o "$tmp/x.wav"
expect 1 "missing script" -- "$VIDC" voice "$tmp/nope.json" -o "$tmp/x.wav"
says "cannot read script" "missing script message"
echo '{"hook": ' >"$tmp/broken.json"
expect 1 "broken script" -- "$VIDC" voice "$tmp/broken.json" -o "$tmp/x.wav"
echo '{"seo": {}}' >"$tmp/empty.json"
expect 1 "empty script" -- "$VIDC" voice "$tmp/empty.json" -o "$tmp/x.wav"
says "nothing to narrate" "empty script message"
cp "$tmp/script.json" "$tmp/same.json"
expect 2 "timings over the script" -- "$VIDC" voice "$tmp/same.json" -o "$tmp/same.wav"
says "would overwrite the script" "timings over the script message"
# espeak-ng opens a voice name as a file: a path read /etc/passwd as a voice and crashed
expect 1 "espeak voice a path" -- "$VIDC" voice --preview hello --provider espeak --voice ../../../../../../etc/passwd -o "$tmp/x.wav"
says "is not a voice name" "espeak voice a path message"
[ -e "$tmp/x.wav" ] && { echo "FAIL: a failed voice left a file"; fail=1; }

# ---- voice lists -----------------------------------------------------------------------------
expect 0 "voices espeak" -- "$VIDC" voices --provider espeak
grep -q "^en-us" "$tmp/out" || { echo "FAIL: espeak voices lack en-us"; fail=1; }
expect 0 "voices openai" -- "$VIDC" voices --provider openai
[ "$(cut -f1 "$tmp/out" | tr '\n' ' ')" = "alloy echo fable onyx nova shimmer " ] || { echo "FAIL: openai voices"; cat "$tmp/out"; fail=1; }
expect 0 "voices bark" -- "$VIDC" voices --provider bark
grep -q "^v2/de_speaker_3" "$tmp/out" || { echo "FAIL: bark voices"; fail=1; }
expect 0 "voices coqui" -- "$VIDC" voices --provider coqui

# ---- HTTP providers against the fake ---------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: HTTP providers: no python3 for tests/fakes/tts_server.py"
	exit $fail
fi
fake port tts_server.py
url=http://127.0.0.1:$port
export VIDC_OPENAI_BASE_URL=$url/v1 VIDC_OPENAI_API_KEY=test-key
export VIDC_ELEVENLABS_BASE_URL=$url VIDC_ELEVENLABS_API_KEY=test-key
export VIDC_COQUI_URL=$url VIDC_PIPER_URL=$url VIDC_BARK_URL=$url
export VIDC_HTTP_BACKOFF_MS=100 # first wait after a 5xx or a network failure (then doubles)
fetch() { # fetch METHOD URL: the body on stdout (curl when present: python3 starts slowly)
	if command -v curl >/dev/null 2>&1; then
		curl -sf -X "$1" "$2"
	else
		python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(urllib.request.Request(sys.argv[2], method=sys.argv[1], data=b"" if sys.argv[1] == "POST" else None)).read().decode())' "$1" "$2"
	fi
}
mode() { fetch POST "$url/_mode?mode=$1" >/dev/null || { echo "FAIL: cannot set the fake's mode"; fail=1; }; }
requests() { # how many synthesis requests provider $1 got since the last mode change
	n=$(fetch GET "$url/_stats" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p")
	echo "${n:-0}"
}

for p in openai elevenlabs coqui piper bark; do
	mode ok
	expect 0 "$p" -- "$VIDC" voice "$tmp/script.json" --provider $p -o "$tmp/$p.wav"
	uses_voice $p
	[ "$(requests $p)" = 5 ] || { echo "FAIL: $p: $(requests $p) requests for 5 sections"; fail=1; }

	mode 429
	start=$(date +%s)
	expect 0 "$p after 429 with Retry-After" -- "$VIDC" voice --provider $p --preview "Rate limits are fine." -o "$tmp/r.wav"
	[ $(($(date +%s) - start)) -ge 1 ] || { echo "FAIL: $p: Retry-After: 1 not honoured"; fail=1; }
	[ "$(requests $p)" = 2 ] || { echo "FAIL: $p: 429: $(requests $p) requests, expected 2"; fail=1; }

	mode 500
	expect 0 "$p after 500" -- "$VIDC" voice --provider $p --preview "Errors happen." -o "$tmp/r.wav"
	says "500" "$p: the retry is reported"

	mode drop
	expect 0 "$p after a dropped connection" -- "$VIDC" voice --provider $p --preview "Networks break." -o "$tmp/r.wav"

	mode malformed
	expect 1 "$p malformed reply" -- "$VIDC" voice --provider $p --preview "Garbage in." -o "$tmp/m.wav"
	says "section 'preview': $p: .*(not audio|not valid JSON)" "$p: malformed reply message"
	[ "$(requests $p)" = 3 ] || { echo "FAIL: $p: a malformed reply was tried $(requests $p) times, expected 3"; fail=1; }

	mode malformed1
	expect 0 "$p malformed reply, then a good one" -- "$VIDC" voice --provider $p --preview "Second time lucky." -o "$tmp/m1.wav"
	says "section 'preview': $p: .*trying again \(2 of 3\)" "$p: the section retry is reported"
	[ "$(requests $p)" = 2 ] || { echo "FAIL: $p: malformed once: $(requests $p) requests, expected 2"; fail=1; }

	mode slow
	expect 1 "$p timeout" -- "$VIDC" voice --provider $p --timeout 300 --preview "Too slow." -o "$tmp/s.wav"
	says "$p: .*timeout" "$p: timeout message"
done
[ -e "$tmp/m.wav" ] || [ -e "$tmp/s.wav" ] && { echo "FAIL: a failed voice left a file"; fail=1; }
# ElevenLabs' timings come from its character alignment (the fake spreads characters evenly),
# the others' from aligning espeak: the two must differ.
starts() { grep '"start"' "$1" | tr -d ' \n'; }
[ "$(starts "$tmp/elevenlabs.json")" != "$(starts "$tmp/openai.json")" ] ||
	{ echo "FAIL: elevenlabs: the character alignment was not used"; fail=1; }

# Coqui's server has no speed control: vidc time-stretches (WSOLA) what it returns.
dur() { sed -n 's/^ *"duration": \([0-9.]*\).*/\1/p' "$1" | head -1; }
speech="Cold brew is easy, and it's cheap. The ratio is one to four."
expect 0 "coqui speed 1" -- "$VIDC" voice --provider coqui --preview "$speech" -o "$tmp/s1.wav"
expect 0 "coqui speed 1.3" -- "$VIDC" voice --provider coqui --speed 1.3 --preview "$speech" -o "$tmp/s13.wav"
awk -v a="$(dur "$tmp/s1.json")" -v b="$(dur "$tmp/s13.json")" 'BEGIN { r = b / a; exit !(r > 0.72 && r < 0.82) }' ||
	{ echo "FAIL: coqui --speed 1.3: $(dur "$tmp/s13.json")s against $(dur "$tmp/s1.json")s at speed 1"; fail=1; }

# A language espeak cannot speak: no reference to align to, so word times are spread evenly.
expect 0 "coqui, a language espeak lacks" -- "$VIDC" voice --provider coqui --lang xx-YY --preview "Un deux trois." -o "$tmp/xx.wav"
says "spread evenly" "even timings note"

# A section longer than Bark takes in one request (220 bytes) goes in pieces cut at sentences.
mode ok
sentence="The beans steep in cold water for a long time, slowly, while you sleep."
cat >"$tmp/long-script.json" <<EOF
{"hook": "A long one.", "points": [{"text": "$sentence $sentence $sentence $sentence $sentence Then the zebra drinks it."}]}
EOF
expect 0 "bark, long section" -- "$VIDC" voice "$tmp/long-script.json" --provider bark -o "$tmp/long.wav"
[ "$(requests bark)" = 3 ] || { echo "FAIL: bark: the script took $(requests bark) requests, expected 3 (the hook, the point in 2 pieces)"; fail=1; }
cat >"$tmp/long.vid" <<EOF
video { preset tiktok }
voice "long.wav" { timings "long.json" }
scene hook auto { solid #000 }
scene point1 auto {
  solid #111
  text "z" { start word("zebra") }
}
EOF
"$VIDC" check --color never "$tmp/long.vid" >"$tmp/check" 2>&1 || { echo "FAIL: long: the spec does not check"; sed 's/^/    /' "$tmp/check" | head; fail=1; }

mode ok
VIDC_OPENAI_API_KEY=wrong expect 1 "openai wrong key" -- "$VIDC" voice --provider openai --preview "Hi." -o "$tmp/k.wav"
says "openai: 401 Unauthorized.*Incorrect API key.*check VIDC_OPENAI_API_KEY" "openai 401 message"
VIDC_ELEVENLABS_API_KEY=wrong expect 1 "elevenlabs wrong key" -- "$VIDC" voice --provider elevenlabs --preview "Hi." -o "$tmp/k.wav"
says "elevenlabs: 401 Unauthorized.*check VIDC_ELEVENLABS_API_KEY" "elevenlabs 401 message"
VIDC_OPENAI_API_KEY= expect 1 "openai without a key" -- "$VIDC" voice --provider openai --preview "Hi." -o "$tmp/k.wav"
says "no API key \(set VIDC_OPENAI_API_KEY\)" "missing key message"
expect 1 "openai unknown voice" -- "$VIDC" voice --provider openai --voice bob --preview "Hi." -o "$tmp/k.wav"
says "openai: 400" "openai 400 message"
expect 0 "--base-url" -- env VIDC_COQUI_URL=http://127.0.0.1:9 "$VIDC" voice --provider coqui --base-url "$url" --preview "Hi." -o "$tmp/b.wav"

expect 0 "voices elevenlabs" -- "$VIDC" voices --provider elevenlabs
grep -q "^21m00Tcm4TlvDq8ikWAM	Rachel" "$tmp/out" || { echo "FAIL: elevenlabs voices"; cat "$tmp/out"; fail=1; }
VIDC_ELEVENLABS_API_KEY=wrong expect 1 "voices elevenlabs wrong key" -- "$VIDC" voices --provider elevenlabs
says "401" "elevenlabs voices 401"
expect 0 "voices piper" -- "$VIDC" voices --provider piper
grep -q "^en_US-lessac-medium" "$tmp/out" || { echo "FAIL: piper voices"; cat "$tmp/out"; fail=1; }
mode malformed
expect 1 "voices elevenlabs malformed" -- "$VIDC" voices --provider elevenlabs
says "not valid JSON" "malformed voice list"

exit $fail
