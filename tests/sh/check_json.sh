#!/bin/sh
# `vidc check --format json` and `vidc fix` (issue 15): a spec with three different errors (a
# typo'd property, a duration without its unit, a misspelt template name) gives one JSON object
# on stdout with each error's stable code, range and exact fix-it, and the text diagnostics are
# not printed; `vidc fix` applies the three fixes, after which the spec checks clean and
# compiles to the same IR as a copy fixed by hand. Control characters in a message come out
# escaped, and a spec with an error no fix-it repairs is left with exit 1.
. "$(dirname "$0")/lib.sh"

cd "$tmp" || exit 2
VIDC=$OLDPWD/$VIDC

cat >spec.vid <<'EOF'
template card(title: string) {
  scene 2s {
    solid #112233
    text title { style vidc_body }
  }
}
video { preset youtube_long; fps 10 }
scene a 2s {
  text "hi" { colr white; fade_in 200 }
}
use crad(title = "x")
EOF
sed -e 's/colr white/color white/' -e 's/fade_in 200 /fade_in 200ms /' -e 's/use crad/use card/' spec.vid >hand.vid
cp spec.vid orig.vid

expect 1 "check --format json" -- "$VIDC" check --format json spec.vid
grep -q ': error: ' err && say "json: text diagnostics on stderr too"
has err "3 errors and 1 warning in spec.vid" "json: the summary on stderr"
python3 - out <<'EOF' || say "json: wrong diagnostics"
import json, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
got = [(g["severity"], g["code"]) for g in d]
want = [("warning", "duration"), ("error", "unknown-property"), ("error", "missing-unit"),
        ("error", "unknown-template")]
assert got == want, got
def rng(r):
    return (r["start"]["line"], r["start"]["col"], r["end"]["line"], r["end"]["col"])
# the errors' ranges: the property name, the number, the whole use
assert [rng(g["range"]) for g in d[1:]] == [(9, 15, 9, 19), (9, 35, 9, 38), (11, 5, 11, 22)], \
    [rng(g["range"]) for g in d[1:]]
fix = [[(rng(f["range"]), f["replacement"], f["file"]) for f in g["fixits"]] for g in d[1:]]
assert fix == [[((9, 15, 9, 19), "color", "spec.vid")], [((9, 35, 9, 38), "200ms", "spec.vid")],
               [((11, 5, 11, 9), "card", "spec.vid")]], fix
assert d[0]["fixits"] == [] and d[0]["notes"] == []
assert all(g["file"] == "spec.vid" for g in d)
assert "did you mean 'color'" in d[1]["message"]
text = open("spec.vid", "rb").read()
for g in d[1:]:
    for f in g["fixits"]:  # offset and length point at the text the range shows
        r = f["range"]
        assert text[r["offset"]:r["offset"] + r["length"]] in (b"colr", b"200", b"crad"), r
EOF

# -Werror: the warning is an error, its code still the -W name
expect 1 "check -Werror --format json" -- "$VIDC" check -Werror --format json spec.vid
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnostics"][0]; assert (d["severity"], d["code"]) == ("error", "duration"), d' out ||
	say "-Werror json: the warning is not an error named duration"
expect 2 "check --format yaml" -- "$VIDC" check --format yaml spec.vid
has err "--format takes text or json" "--format yaml"

# fix --dry-run shows the three edits and leaves the file alone
expect 0 "fix --dry-run" -- "$VIDC" fix --dry-run spec.vid
cmp -s spec.vid orig.vid || say "fix --dry-run changed the file"
has out "spec.vid:9:15: replace 'colr' with 'color'" "dry-run"
has out "+  text \"hi\" { colr white; fade_in 200ms }" "dry-run"
has out "spec.vid:11:5: replace 'crad' with 'card'" "dry-run"
has err "would apply 3 fixes in spec.vid" "dry-run"

expect 0 "fix" -- "$VIDC" fix spec.vid
has err "applied 3 fixes in spec.vid" "fix"
cmp -s spec.vid hand.vid || { say "fix: not the hand-fixed spec"; diff spec.vid hand.vid | head; }
expect 0 "check after fix" -- "$VIDC" check spec.vid
"$VIDC" ir spec.vid >fixed.ir 2>/dev/null || say "ir of the fixed spec failed"
"$VIDC" ir hand.vid >hand.ir 2>/dev/null || say "ir of the hand-fixed spec failed"
[ -s hand.ir ] && cmp -s fixed.ir hand.ir || say "fix: the IR differs from the hand-fixed spec's"
expect 0 "fix with nothing to fix" -- "$VIDC" fix spec.vid
has err "applied 0 fixes" "nothing to fix"

# An error without a fix-it stays: exit 1, listed as vidc check lists it
printf 'video { preset youtube_long; fps 10 }\nscene a 2s { solid #000000 { fade_in 200; opacity 7 } }\n' >rest.vid
expect 1 "fix with an error left" -- "$VIDC" fix rest.vid
has err "rest.vid:2:53: error: opacity must be between 0 and 1" "fix: the error left"
has rest.vid "fade_in 200ms" "fix: the fixable error fixed"

# Control characters and quotes in a message are escaped in the JSON
printf 'video { preset youtube_long; fps 10 }\nscene a 2s { image "x\\u{1B}y\\u{7f}\\"q.png" }\n' >ctl.vid
expect 1 "json with control characters" -- "$VIDC" check --format json ctl.vid
grep -q "$(printf '\033')" out && say "json: a raw ESC byte in the output"
has out 'x\u001by\u007f\"q.png' "json escapes"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnostics"]; assert any("x\x1by\x7f\"q.png" in g["message"] for g in d), d' out ||
	say "json: the escaped message does not decode to the path"

# A file outside the project and a missing one have their own codes; a template parameter's
# did-you-mean carries its fix-it
cat >roots.vid <<'EOF2'
template card(title: string) {
  scene 2s { text title }
}
video { preset youtube_long; fps 10 }
scene a 2s { image "/etc/passwd" }
scene b 2s { image "nothere.png" }
use card(titel = "x")
EOF2
expect 1 "json: outside, missing, template parameter" -- "$VIDC" check --format json roots.vid
python3 - out <<'EOF2' || say "json: wrong codes for outside/missing/template parameter"
import json, sys
d = [g for g in json.load(open(sys.argv[1]))["diagnostics"] if g["severity"] == "error"]
codes = [g["code"] for g in d]
assert codes == ["outside-project", "file-not-found", "missing", "unknown-parameter"], codes
assert [f["replacement"] for f in d[3]["fixits"]] == ["title"], d[3]
EOF2
grep -q "root:" out err && say "json: the outside file's content is shown"

exit $fail
