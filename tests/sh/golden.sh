#!/bin/sh
# Golden frames: every PNG in tests/golden/golden/ must match its re-rendered frame by PSNR of at
# least 40 dB (tests/golden/README.md). Then the comparison itself is tested: a golden swapped
# for another picture must fail, name the frame and leave the actual and difference images.
. "$(dirname "$0")/lib.sh"
# The golden specs name the fixtures and the example pictures, outside tests/golden.
allow="--allow tests/fixtures --allow examples/assets"

# shellcheck disable=SC2086
if ! "$VIDC" golden tests/golden --threshold 40 $allow >"$tmp/out" 2>"$tmp/err"; then
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
"$VIDC" golden "$tmp/g" $allow >"$tmp/out2" 2>&1
rc=$?
[ $rc = 1 ] || { echo "a wrong golden: exit $rc, expected 1"; fail=1; }
grep -q 'transitions@1.75s' "$tmp/out2" || { echo "the failing golden is not named:"; cat "$tmp/out2"; fail=1; }
grep -q '1 failed' "$tmp/out2" || { echo "expected exactly one failure:"; cat "$tmp/out2"; fail=1; }
[ -f "$tmp/g/golden/transitions@1.75s.actual.png" ] || { echo "no .actual.png written"; fail=1; }
[ -f "$tmp/g/golden/transitions@1.75s.diff.png" ] || { echo "no .diff.png written"; fail=1; }
[ ! -f "$tmp/g/golden/transitions@3.25s.diff.png" ] || { echo "a passing golden got a .diff.png"; fail=1; }

# --update rewrites the wrong one only (the passing one is left alone), after which the directory
# passes; --update --all rewrites both.
"$VIDC" golden "$tmp/g" $allow --update >"$tmp/out4" 2>&1 || { echo "golden --update failed"; fail=1; }
grep -q '^updated transitions@1.75s.png$' "$tmp/out4" && grep -q '^ok   transitions@3.25s.png' "$tmp/out4" ||
	{ echo "--update should rewrite only the failing golden:"; cat "$tmp/out4"; fail=1; }
"$VIDC" golden "$tmp/g" $allow >"$tmp/out3" 2>&1 || { echo "after --update the goldens still fail:"; cat "$tmp/out3"; fail=1; }
"$VIDC" golden "$tmp/g" $allow --update --all >"$tmp/out4" 2>&1 || { echo "golden --update --all failed"; fail=1; }
[ "$(grep -c '^updated ' "$tmp/out4")" = 2 ] || { echo "--update --all should rewrite both:"; cat "$tmp/out4"; fail=1; }

# A golden whose spec is missing fails naming the spec; a spec with a warning and two goldens
# prints the warning once.
mkdir -p "$tmp/h/golden"
printf 'video { preset tiktok }\nscene a 2s { solid #203040 }\n' >"$tmp/h/warn.vid"
"$VIDC" frame "$tmp/h/warn.vid" --at 0.5s -o "$tmp/h/golden/warn@0.5s.png" 2>/dev/null
cp "$tmp/h/golden/warn@0.5s.png" "$tmp/h/golden/warn@1s.png"
cp "$tmp/h/golden/warn@0.5s.png" "$tmp/h/golden/gone@1s.png"
"$VIDC" golden "$tmp/h" >"$tmp/out5" 2>&1
[ $? = 1 ] || { echo "a golden without its spec should fail"; fail=1; }
grep -q "FAIL gone@1s.png: its spec '$tmp/h/gone.vid' is missing" "$tmp/out5" || { echo "the missing spec is not named:"; cat "$tmp/out5"; fail=1; }
[ "$(grep -c 'recommended for preset tiktok' "$tmp/out5")" = 1 ] || { echo "a spec's warning should print once:"; cat "$tmp/out5"; fail=1; }
grep -q 'golden: 3 checked, 1 failed' "$tmp/out5" || { echo "expected 3 checked, 1 failed:"; cat "$tmp/out5"; fail=1; }
exit $fail
