#!/bin/sh
# The vidc command line: exit statuses (0 ok, 1 spec errors, 2 usage), help, IR output to a file,
# unknown commands and presets.
. "$(dirname "$0")/lib.sh"
expect 0 "help" -- "$VIDC" help
grep -q "usage: vidc" "$tmp/out" || { echo "FAIL: help text"; fail=1; }
# Each command's --help describes the options it takes (-o and --preset were in the usage line
# only): CMD:OPTION pairs.
for c in ir:--output ir:--preset render:--output render:--piece-length frame:--output frame:--preset \
	subs:--output subs:--format subs:--style subs:--preset chapters:--preset; do
	"$VIDC" "${c%%:*}" --help 2>&1 | grep -q -- "^  .*${c#*:} " || { echo "FAIL: vidc ${c%%:*} --help does not describe ${c#*:}"; fail=1; }
done
expect 0 "--version" -- "$VIDC" --version
expect 2 "no command" -- "$VIDC"
expect 2 "unknown command" -- "$VIDC" chek examples/cold-brew.vid
grep -q "did you mean 'check'" "$tmp/err" || { echo "FAIL: command suggestion"; fail=1; }
expect 2 "unknown option" -- "$VIDC" check --frobnicate examples/cold-brew.vid
expect 2 "check without spec" -- "$VIDC" check
expect 2 "bad --quality" -- "$VIDC" render examples/cold-brew.vid -o "$tmp/x.mp4" --quality 99
expect 0 "clean check" -- "$VIDC" check examples/cold-brew.vid
expect 1 "spec with errors" -- "$VIDC" check tests/diag/typo-transition.vid
expect 1 "missing spec file" -- "$VIDC" check "$tmp/nope.vid"
grep -q "cannot read" "$tmp/err" || { echo "FAIL: missing spec message"; cat "$tmp/err"; fail=1; }
expect 1 "preset the spec does not name" -- "$VIDC" ir examples/cold-brew.vid --preset youtube_long
expect 0 "ir to a file" -- "$VIDC" ir examples/cold-brew.vid --preset tiktok -o "$tmp/ir.txt"
head -1 "$tmp/ir.txt" | grep -q "^vidc-ir 1$" || { echo "FAIL: ir file header"; fail=1; }
[ "$(grep -c '^vidc-ir' "$tmp/ir.txt")" = 1 ] || { echo "FAIL: --preset selects one program"; fail=1; }
expect 0 "ir of all presets" -- "$VIDC" ir examples/cold-brew.vid
[ "$(grep -c '^vidc-ir' "$tmp/out")" = 3 ] || { echo "FAIL: ir prints every preset"; fail=1; }
# Same spec, same output: the IR is deterministic.
"$VIDC" ir examples/cold-brew.vid > "$tmp/a"; "$VIDC" ir examples/cold-brew.vid > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "FAIL: ir is not deterministic"; fail=1; }
# A truncated spec: errors, never a crash (status 1, not a signal).
head -c 300 examples/cold-brew.vid > "$tmp/cut.vid"
expect 1 "truncated spec" -- "$VIDC" check --no-assets "$tmp/cut.vid"
# Binary garbage.
head -c 2000 /bin/sh > "$tmp/bin.vid"
expect 1 "binary input" -- "$VIDC" check "$tmp/bin.vid"
exit $fail
