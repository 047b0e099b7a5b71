#!/bin/sh
# Golden frames: every PNG in tests/golden/golden/ must match its re-rendered frame by PSNR of at
# least 40 dB (tests/golden/README.md). Then the comparison itself is tested: a golden swapped
# for another picture must fail, name the frame and leave the actual and difference images.
. "$(dirname "$0")/lib.sh"

if ! "$VIDC" golden tests/golden --threshold 40 >"$tmp/out" 2>"$tmp/err"; then
	echo "golden frames differ:"
	cat "$tmp/out" "$tmp/err"
	exit 1
fi
n=$(ls tests/golden/golden/*.png | wc -l)
grep -q "golden: $n checked, 0 failed" "$tmp/out" || { echo "expected $n goldens checked:"; cat "$tmp/out"; fail=1; }

# A wrong golden fails, with the PSNR named and both helper images written.
mkdir -p "$tmp/g/golden"
cp tests/golden/transitions.vid "$tmp/g/"
sed -i 's#"\.\./\.\./examples/#"'"$PWD"'/examples/#' "$tmp/g/transitions.vid"
cp tests/golden/golden/transitions@3.25s.png "$tmp/g/golden/transitions@1.75s.png"
cp tests/golden/golden/transitions@3.25s.png "$tmp/g/golden/transitions@3.25s.png"
"$VIDC" golden "$tmp/g" >"$tmp/out2" 2>&1
rc=$?
[ $rc = 1 ] || { echo "a wrong golden: exit $rc, expected 1"; fail=1; }
grep -q 'transitions@1.75s' "$tmp/out2" || { echo "the failing golden is not named:"; cat "$tmp/out2"; fail=1; }
grep -q '1 failed' "$tmp/out2" || { echo "expected exactly one failure:"; cat "$tmp/out2"; fail=1; }
[ -f "$tmp/g/golden/transitions@1.75s.actual.png" ] || { echo "no .actual.png written"; fail=1; }
[ -f "$tmp/g/golden/transitions@1.75s.diff.png" ] || { echo "no .diff.png written"; fail=1; }
[ ! -f "$tmp/g/golden/transitions@3.25s.diff.png" ] || { echo "a passing golden got a .diff.png"; fail=1; }

# --update rewrites the wrong one, after which the directory passes.
"$VIDC" golden "$tmp/g" --update >/dev/null 2>&1 || { echo "golden --update failed"; fail=1; }
"$VIDC" golden "$tmp/g" >"$tmp/out3" 2>&1 || { echo "after --update the goldens still fail:"; cat "$tmp/out3"; fail=1; }
exit $fail
