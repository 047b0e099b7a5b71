#!/bin/sh
# vidc make --spec-by llm (issue 15): the model writes the spec, vidc compiles it and sends the
# JSON diagnostics back until it compiles, at most --spec-rounds requests, then falls back to the
# template writer with a warning. Against tests/fakes/llm_server.py's spec modes: three different
# errors then fixed (2 rounds, round 2's request carries round 1's codes and messages), never
# fixed (3 rounds, warning, the template spec renders), a 500 (retried by the HTTP client) and a
# reply that is not JSON (fallback); a spec naming files outside the project is refused, the
# refusal fed back, and those files never opened (they are FIFOs: opening one would hang).
. "$(dirname "$0")/lib.sh"

# Under the sanitizers the renders would take minutes: everything but the render runs there.
render=1
norender=
[ "${VIDC_SANITIZE:-0}" = 1 ] && render=0 && norender=--no-render
unset VIDC_LLM_RESPONSE_FORMAT VIDC_LLM_TIMEOUT

start() { # start MODE [ARGS]: a fresh fake for each case
	fake port llm_server.py --key sk-test --mode "$@"
	url=http://127.0.0.1:$port/v1
}
mk() { # mk OUT [ARGS]: vidc make of the sample article against the fake
	o=$1
	shift
	VIDC_LLM_BASE_URL=$url VIDC_LLM_API_KEY=sk-test VIDC_LLM_MODEL=fake-1 \
		timeout 600 "$VIDC" make examples/article-cold-brew.json --preset tiktok -o "$tmp/$o" "$@"
}
requests() { # the spec requests the fake recorded, as JSON in $tmp/req.json, their count in $nreq
	# (curl and one python3: a python3 start is 0.3-0.6 s of CPU on the CI machine)
	curl -sf "http://127.0.0.1:$port/_spec_requests" >"$tmp/req.json" || say "the fake's recorded requests"
	nreq=$(python3 -c "import json; print(len(json.load(open('$tmp/req.json'))))")
}
mp4() { # mp4 OUT WHAT: a real vertical H.264 + AAC video
	[ $render = 1 ] || return 0
	probe=$(ffprobe -v error -show_entries stream=codec_name,width,height:format=duration -of compact=p=0 "$tmp/$1/video.mp4" 2>&1)
	echo "$probe" | grep -q 'codec_name=h264|width=1080|height=1920' || say "$2: video stream: $probe"
	echo "$probe" | grep -q 'codec_name=aac' || say "$2: audio stream: $probe"
}

# 1. Three different errors, then a fixed spec: two rounds, the model's spec is the one written.
start spec3
expect 0 "spec3" -- mk s3 --generator llm --spec-by llm -v $norender
has "$tmp/err" "spec round 1 of 3: 3 errors" "spec3 round 1 logged"
has "$tmp/err" "spec round 2 of 3: the model's spec compiles" "spec3 round 2 logged"
has "$tmp/err" "(written by the model in 2 rounds)" "spec3 note"
grep -q "spec is not used" "$tmp/err" && say "spec3: fell back: $(grep "spec is not used" "$tmp/err")"
requests
[ "$nreq" = 2 ] || say "spec3: $nreq spec requests, expected 2"
python3 - "$tmp/req.json" "$tmp/s3" <<'PY' || say "spec3: the requests"
import glob, json, os, re, sys
reqs, out = json.load(open(sys.argv[1])), sys.argv[2]
bad = []
sys_msg, user = reqs[0][0]["content"], reqs[0][1]["content"]
# The prompt: the rules file and every stdlib template's signature, read at run time.
rules = open("stdlib/llm/spec_rules.md").read()
if rules.strip() not in sys_msg: bad.append("the rules file is not in the system message")
for f in glob.glob("stdlib/templates/*.vid"):
    for sig in re.findall(r"^template [^{]*", open(f).read(), re.M):
        if sig.strip() not in sys_msg: bad.append("signature missing: " + sig.strip()[:60])
if "Presets: tiktok" not in user: bad.append("no preset in the user message")
assets = json.load(open(os.path.join(out, "assets.json")))["sections"]
for a in assets:
    if a.get("path") and '"%s"' % a["path"] not in user: bad.append("asset path missing: " + a["path"])
script = json.load(open(os.path.join(out, "script.json")))
if script["hook"] not in user: bad.append("the script is not in the user message")
# Round 2 repeats the conversation, the model's first reply and round 1's diagnostics.
r2 = reqs[1]
if [m["role"] for m in r2] != ["system", "user", "assistant", "user"]: bad.append("round 2 roles %s" % [m["role"] for m in r2])
if "backgroud" not in r2[2]["content"]: bad.append("round 2 lacks the model's first reply")
fb = r2[3]["content"]
body = fb[fb.index("{"):fb.rindex("}") + 1]
diags = json.loads(body)["diagnostics"]
codes = sorted(d["code"] for d in diags if d["severity"] == "error")
if codes != ["missing-unit", "unknown-property", "unknown-template"]: bad.append("round 2 codes %s" % codes)
msgs = " | ".join(d["message"] for d in diags)
for m in ["unknown video property 'backgroud' (did you mean 'background'?)",
          "a duration needs a unit: s, ms or f (write '300ms')",
          "unknown template 'short_crad' (did you mean 'short_card'?)"]:
    if m not in msgs: bad.append("round 2 lacks the message: " + m)
if not all(d["range"]["start"]["line"] > 0 for d in diags): bad.append("a diagnostic without its line")
# The spec written is the fixed one.
spec = open(os.path.join(out, "video.vid")).read()
if "short_crad" in spec or "backgroud" in spec or "use short_card(" not in spec or "Written by `vidc make`" in spec:
    bad.append("video.vid is not the model's fixed spec")
if bad:
    print("\n".join("    " + b for b in bad)); sys.exit(1)
PY
expect 0 "spec3 spec checks" -- "$VIDC" check "$tmp/s3/video.vid"
# written in the canonical layout, as the template writer's specs are
expect 0 "spec3 spec is formatted" -- "$VIDC" fmt --check "$tmp/s3/video.vid"
mp4 s3 spec3

# The other cases start from a short edited script (one point, about 12 s): their renders stay
# short on a busy machine.
python3 - "$tmp/s3/script.json" "$tmp/short-in.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["points"] = s["points"][:1]
s["chapter_markers"] = s["chapter_markers"][:2]
json.dump(s, open(sys.argv[2], "w"))
PY
"$VIDC" script --retime "$tmp/short-in.json" -o "$tmp/short.json" 2>"$tmp/err" || say "the short script: $(cat "$tmp/err")"
short="--script $tmp/short.json"

# 2. Never fixed: every round used, then the template writer's spec with a warning naming the
# errors left; the video still renders.
start specnever
expect 0 "specnever" -- mk sn $short --spec-by llm $norender
has "$tmp/err" "warning: $tmp/sn/video.vid: the model's spec is not used (the model's spec still has 3 errors after 3 rounds:" "specnever warning"
has "$tmp/err" "unknown template 'short_crad' (did you mean 'short_card'?) [unknown-template]" "specnever names the errors"
has "$tmp/err" "the template writer's spec is written instead" "specnever fallback"
grep -q "spec round" "$tmp/err" && say "specnever: round notes without -v"
requests
[ "$nreq" = 3 ] || say "specnever: $nreq spec requests, expected 3 (the default rounds)"
has "$tmp/sn/video.vid" 'Written by `vidc make`' "specnever: the template spec"
mp4 sn specnever
# --spec-rounds bounds it.
start specnever
expect 0 "specnever 2 rounds" -- mk sn2 $short --spec-by llm --spec-rounds 2 --no-render
has "$tmp/err" "after 2 rounds" "specnever --spec-rounds 2"
requests
[ "$nreq" = 2 ] || say "specnever --spec-rounds 2: $nreq requests"

# 3. Faults: a 500 is retried by the HTTP client (one round, two HTTP requests); a reply that is
# not JSON is not re-asked: the template spec, with the cause in the warning.
start spec500
expect 0 "spec500" -- mk s5 $short --spec-by llm -v $norender
has "$tmp/err" "500 Internal Server Error, retrying" "spec500 retry"
has "$tmp/err" "(written by the model in 1 round)" "spec500 accepted"
requests
[ "$nreq" = 2 ] || say "spec500: $nreq HTTP requests, expected 2"
mp4 s5 spec500
start specgarbage
expect 0 "specgarbage" -- mk sg $short --spec-by llm --no-render
has "$tmp/err" "is not a chat completion (no choices[0].message.content): not JSON); the template writer's spec is written instead" "specgarbage warning"
has "$tmp/sg/video.vid" 'Written by `vidc make`' "specgarbage: the template spec"

# 4. Files outside the project: refused at compile time, fed back, never opened.
mkfifo "$tmp/secret.png" "$tmp/outside.vid"
start specevil --outside "$tmp/outside.vid"
expect 0 "specevil" -- mk ev $short --spec-by llm -v --no-render
has "$tmp/err" "(written by the model in 2 rounds)" "specevil repaired"
requests
python3 - "$tmp/req.json" "$tmp/outside.vid" <<'PY' || say "specevil: round 2's diagnostics"
import json, sys
r2 = json.load(open(sys.argv[1]))[1][3]["content"]
diags = json.loads(r2[r2.index("{"):r2.rindex("}") + 1])["diagnostics"]
got = [d["message"] for d in diags if d["code"] == "outside-project"]
want = ["imported file '/etc/passwd' is outside the project", "imported file '%s' is outside the project" % sys.argv[2],
        "image '../secret.png' is outside the project"]
miss = [w for w in want if not any(g.startswith(w) for g in got)]
if miss or len([d for d in diags if d["severity"] == "error"]) != 3:
    print("    missing %s; got %s" % (miss, [d["message"] for d in diags])); sys.exit(1)
PY
grep -q "passwd\|secret" "$tmp/ev/video.vid" && say "specevil: the refused files are in the spec written"

# 5. Usage.
expect 2 "--spec-by unknown" -- "$VIDC" make examples/article-cold-brew.json -o "$tmp/u" --spec-by human
has "$tmp/err" "--spec-by takes template or llm, not 'human'" "--spec-by usage"
expect 2 "--spec-rounds 9" -- "$VIDC" make examples/article-cold-brew.json -o "$tmp/u" --spec-rounds 9
"$VIDC" make --help >"$tmp/help" 2>&1
has "$tmp/help" "--spec-by template|llm" "make --help"
has "$tmp/help" "--spec-rounds N" "make --help"
exit $fail
