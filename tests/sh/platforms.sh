#!/bin/sh
# The platform file (stdlib/platforms.json, SPEC.md "The platform file"): a rule corrected in a
# copy of the stdlib takes effect without a rebuild (VIDC_STDLIB points at the copy), and a broken
# file is an error naming the file and the JSON path of the broken rule.
set -u
VIDC=${VIDC:-build/vidc}
STDLIB=${VIDC_STDLIB:-$PWD/stdlib}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cp -R "$STDLIB" "$tmp/stdlib"
cat >"$tmp/short.vid" <<'VID'
video {
  preset youtube_short
}
scene a 200s {
  solid #000
}
VID

# 1. With the shipped rules a 200 s Short is an error naming the 180 s rule and its source.
VIDC_STDLIB="$tmp/stdlib" "$VIDC" check --color never "$tmp/short.vid" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || bad "200 s Short: exit status $rc, expected 1"
grep -q "accepts at most 180s" "$tmp/err" && grep -q "Upload YouTube Shorts" "$tmp/err" ||
	bad "200 s Short: no 180 s rule with its source: $(head -c 400 "$tmp/err")"

# 2. A user corrects the rule in the copy (max_s 180 -> 240): the same binary now accepts it.
python3 - "$tmp/stdlib/platforms.json" <<'PY'
import json, sys
path = sys.argv[1]
t = json.load(open(path))
for p in t["presets"]:
    if p["name"] == "youtube_short":
        p["duration"]["max_s"] = 240
        p["recommended"]["max_s"] = 240
json.dump(t, open(path, "w"), indent=2)
PY
VIDC_STDLIB="$tmp/stdlib" "$VIDC" check --color never "$tmp/short.vid" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || bad "edited rule: exit status $rc, expected 0: $(head -c 400 "$tmp/err")"
[ -s "$tmp/err" ] && bad "edited rule: unexpected diagnostics: $(head -c 400 "$tmp/err")"
# ... and the shipped stdlib still refuses it (the edit did not leak into the build).
VIDC_STDLIB="$STDLIB" "$VIDC" check --color never "$tmp/short.vid" >/dev/null 2>&1 &&
	bad "the shipped stdlib accepts a 200 s Short"
# The edited limit is the new one: 250 s breaks 240 s.
sed 's/200s/250s/' "$tmp/short.vid" >"$tmp/short250.vid"
VIDC_STDLIB="$tmp/stdlib" "$VIDC" check --color never "$tmp/short250.vid" >/dev/null 2>"$tmp/err"
grep -q "accepts at most 240s" "$tmp/err" || bad "edited rule: 250 s not held to 240 s: $(head -c 400 "$tmp/err")"

# 3. A broken rule: an error naming the file and the JSON path, no crash.
python3 - "$tmp/stdlib/platforms.json" <<'PY'
import json, sys
path = sys.argv[1]
t = json.load(open(path))
t["presets"][1]["duration"]["max_s"] = "three minutes"
json.dump(t, open(path, "w"), indent=2)
PY
VIDC_STDLIB="$tmp/stdlib" "$VIDC" check --color never "$tmp/short.vid" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || bad "broken rule: exit status $rc, expected 1"
grep -q "platforms.json: \$.presets\[1\].duration.max_s: expected a number" "$tmp/err" ||
	bad "broken rule: message names no file and JSON path: $(head -c 400 "$tmp/err")"

# 4. Not JSON at all: the file, line and column.
printf '{"version": 1,\n  "presets": [\n' >"$tmp/stdlib/platforms.json"
VIDC_STDLIB="$tmp/stdlib" "$VIDC" check --color never "$tmp/short.vid" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || bad "not JSON: exit status $rc, expected 1"
grep -q "platforms.json:[0-9]*:[0-9]*: not JSON" "$tmp/err" || bad "not JSON: $(head -c 400 "$tmp/err")"

exit $fail
