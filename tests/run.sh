#!/bin/sh
# Runs every test: the C unit tests in build/tests/, the diagnostic and IR golden files in
# tests/diag and tests/ir, the examples, and the shell tests in tests/sh. Prints one line per
# failure and a summary; exits 1 if anything failed.
#   VIDC=build/vidc BUILD=build tests/run.sh        (make check sets these)
#   UPDATE=1 tests/run.sh    rewrites the expected .err and .ir files from the current output
#                            (review the diff before committing it)
set -u
cd "$(dirname "$0")/.."
VIDC=${VIDC:-build/vidc}
BUILD=${BUILD:-build}
VIDC_STDLIB=${VIDC_STDLIB:-$PWD/stdlib}
export VIDC BUILD VIDC_STDLIB
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# 1. C unit tests.
for t in "$BUILD"/tests/*; do
	[ -x "$t" ] || continue
	if "$t" >"$TMP/out" 2>&1; then ok; else bad "$t"; sed 's/^/    /' "$TMP/out" | tail -20; fi
done

# 2. Diagnostics: tests/diag/X.vid must print exactly X.err (stderr of vidc check) and exit with
#    the status on the first line of X.err's sibling X.rc (default 1 when X.err has an error).
for v in tests/diag/*.vid; do
	exp=${v%.vid}.err
	flags=""
	[ -f "${v%.vid}.flags" ] && flags=$(cat "${v%.vid}.flags")
	# shellcheck disable=SC2086
	"$VIDC" check --color never $flags "$v" >"$TMP/stdout" 2>"$TMP/err"
	rc=$?
	if [ "${UPDATE:-}" = 1 ]; then cp "$TMP/err" "$exp"; fi
	want_rc=0
	grep -q ': error: ' "$exp" 2>/dev/null && want_rc=1
	if [ ! -f "$exp" ]; then bad "$v: no $exp"; continue; fi
	if ! diff -u "$exp" "$TMP/err" >"$TMP/diff"; then bad "$v: diagnostics differ"; sed 's/^/    /' "$TMP/diff" | head -30; continue; fi
	if [ "$rc" != "$want_rc" ]; then bad "$v: exit status $rc, expected $want_rc"; continue; fi
	ok
done

# 3. IR dumps: tests/ir/X.vid must compile to exactly X.ir (with the flags in X.flags, if any).
for v in tests/ir/*.vid; do
	exp=${v%.vid}.ir
	flags=""
	[ -f "${v%.vid}.flags" ] && flags=$(cat "${v%.vid}.flags")
	# shellcheck disable=SC2086
	"$VIDC" ir $flags "$v" >"$TMP/ir" 2>"$TMP/err"
	rc=$?
	if [ "${UPDATE:-}" = 1 ]; then cp "$TMP/ir" "$exp"; fi
	if [ $rc != 0 ]; then bad "$v: vidc ir failed"; sed 's/^/    /' "$TMP/err" | head; continue; fi
	if ! diff -u "$exp" "$TMP/ir" >"$TMP/diff"; then bad "$v: IR differs"; sed 's/^/    /' "$TMP/diff" | head -30; continue; fi
	ok
done

# 4. Every example checks clean, warnings included.
for v in examples/*.vid; do
	if "$VIDC" check --color never -Werror "$v" >"$TMP/out" 2>&1; then ok; else bad "$v does not check clean"; sed 's/^/    /' "$TMP/out" | head; fi
done

# 5. Shell tests (end-to-end renders, CLI behaviour), in TEST_JOBS lanes (default 2: most of
# them wait on one encoder thread or on a server, so two at a time use the machine's two cores;
# each makes its own temporary folder and free ports). A lane runs every TEST_JOBS-th test in
# order; results and times are reported in the tests' order, the slowest last.
lanes=${TEST_JOBS:-2}
lane() { # lane K: runs tests K, K+lanes, ... writing NAME.rc, NAME.out and NAME.time in $TMP/sh
	i=0
	for t in tests/sh/*.sh; do
		[ -f "$t" ] && [ "$t" != tests/sh/lib.sh ] || continue # lib.sh is sourced by the tests
		i=$((i + 1))
		[ $((i % lanes)) = "$1" ] || continue
		n=$(basename "$t" .sh)
		s0=$(date +%s)
		sh "$t" >"$TMP/sh/$n.out" 2>&1
		echo $? >"$TMP/sh/$n.rc"
		echo $(($(date +%s) - s0)) >"$TMP/sh/$n.time"
	done
}
mkdir -p "$TMP/sh"
k=0
while [ $k -lt "$lanes" ]; do
	lane $k &
	k=$((k + 1))
done
wait
for t in tests/sh/*.sh; do
	[ -f "$t" ] && [ "$t" != tests/sh/lib.sh ] || continue
	n=$(basename "$t" .sh)
	if [ "$(cat "$TMP/sh/$n.rc" 2>/dev/null)" = 0 ]; then ok; else bad "$t"; sed 's/^/    /' "$TMP/sh/$n.out" | tail -20; fi
	echo "$(cat "$TMP/sh/$n.time" 2>/dev/null || echo 0) $t" >>"$TMP/times"
done
echo "slowest shell tests (seconds):"
sort -rn "$TMP/times" | head -n 8 | sed 's/^/  /'

echo "tests: $pass passed, $fail failed"
[ "$fail" = 0 ]
