#!/bin/sh
# Runs every test: the C unit tests in build/tests/, the diagnostic and IR golden files in
# tests/diag and tests/ir, the examples, and the shell tests in tests/sh. Prints one line per
# failure and a summary; exits 1 if anything failed.
#   VIDC=build/vidc BUILD=build tests/run.sh        (make check sets these)
#   UPDATE=1 tests/run.sh    rewrites the expected .err and .ir files from the current output
#                            (review the diff before committing it)
#   TEST_JOBS=N tests/run.sh  runs N tests at a time (default 2)
#   TIMES_OUT=FILE tests/run.sh  also writes each test's seconds to FILE (to refresh tests/times.txt)
#   ONLY='golden|unit/|sh/cli$' tests/run.sh  runs only the jobs whose name matches the
#                            extended regular expression (job names: golden, unit/NAME, sh/NAME)
set -u
cd "$(dirname "$0")/.."
VIDC=${VIDC:-build/vidc}
BUILD=${BUILD:-build}
VIDC_STDLIB=${VIDC_STDLIB:-$PWD/stdlib}
export VIDC BUILD VIDC_STDLIB
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
start=$(date +%s)

# Every test is a job: each C unit test binary in build/tests/ (unit/NAME), the diagnostic, IR and
# example checks together (golden), and each shell test in tests/sh (sh/NAME). TEST_JOBS lanes
# (default 2: most tests wait on one encoder thread or on a server, so two at a time use the
# machine's two cores) take jobs from one queue, the longest first by tests/times.txt (seconds per
# job on the idle 2-core machine, plain build and sanitizers), so the lanes end together instead
# of one waiting on the other's slow tail. A job writes "ok" or "FAIL: ..." lines to
# $TMP/res/JOB; results are reported in the tests' order, the slowest shell tests last.
mkdir -p "$TMP/res" "$TMP/out" "$TMP/claim" "$TMP/time"
ok() { echo ok >>"$TMP/res/$job"; }
bad() { echo "FAIL: $*" >>"$TMP/res/$job"; }
detail() { sed 's/^/    /' "$1" | "$2" "-$3" >>"$TMP/res/$job"; } # detail FILE head|tail N
o=$TMP/out

# golden: the diagnostics, IR dumps and examples (fast; one job).
golden() {
	# Diagnostics: tests/diag/X.vid must print exactly X.err (stderr of vidc check) and exit 1
	# when X.err has an error, else 0.
	for v in tests/diag/*.vid; do
		exp=${v%.vid}.err
		flags=""
		[ -f "${v%.vid}.flags" ] && flags=$(cat "${v%.vid}.flags")
		# shellcheck disable=SC2086
		"$VIDC" check --color never $flags "$v" >"$o/g.stdout" 2>"$o/g.err"
		rc=$?
		if [ "${UPDATE:-}" = 1 ]; then cp "$o/g.err" "$exp"; fi
		want_rc=0
		grep -q ': error: ' "$exp" 2>/dev/null && want_rc=1
		if [ ! -f "$exp" ]; then bad "$v: no $exp"; continue; fi
		if ! diff -u "$exp" "$o/g.err" >"$o/g.diff"; then bad "$v: diagnostics differ"; detail "$o/g.diff" head 30; continue; fi
		if [ "$rc" != "$want_rc" ]; then bad "$v: exit status $rc, expected $want_rc"; continue; fi
		ok
	done
	# IR dumps: tests/ir/X.vid must compile to exactly X.ir (with the flags in X.flags, if any).
	for v in tests/ir/*.vid; do
		exp=${v%.vid}.ir
		flags=""
		[ -f "${v%.vid}.flags" ] && flags=$(cat "${v%.vid}.flags")
		# shellcheck disable=SC2086
		"$VIDC" ir $flags "$v" >"$o/g.ir" 2>"$o/g.err"
		rc=$?
		if [ "${UPDATE:-}" = 1 ]; then cp "$o/g.ir" "$exp"; fi
		if [ $rc != 0 ]; then bad "$v: vidc ir failed"; detail "$o/g.err" head 10; continue; fi
		if ! diff -u "$exp" "$o/g.ir" >"$o/g.diff"; then bad "$v: IR differs"; detail "$o/g.diff" head 30; continue; fi
		ok
	done
	# Every example checks clean, warnings included.
	for v in examples/*.vid; do
		if "$VIDC" check --color never -Werror "$v" >"$o/g.out" 2>&1; then ok; else bad "$v does not check clean"; detail "$o/g.out" head 10; fi
	done
}

# run JOB: runs one job, its seconds in $TMP/time/JOB.
run() {
	job=$(echo "$1" | tr / .)
	s0=$(date +%s)
	case $1 in
	golden) golden ;;
	unit/*)
		if "$BUILD/tests/${1#unit/}" >"$o/$job" 2>&1; then ok; else bad "$BUILD/tests/${1#unit/}"; detail "$o/$job" tail 20; fi ;;
	sh/*)
		if sh "tests/sh/${1#sh/}.sh" >"$o/$job" 2>&1; then ok; else bad "tests/sh/${1#sh/}.sh"; detail "$o/$job" tail 20; fi ;;
	esac
	echo $(($(date +%s) - s0)) >"$TMP/time/$job"
}

# The jobs in the tests' order; lib.sh is sourced by the shell tests, not run as one.
for t in "$BUILD"/tests/*; do [ -x "$t" ] && echo "unit/$(basename "$t")"; done >"$TMP/jobs"
echo golden >>"$TMP/jobs"
for t in tests/sh/*.sh; do [ -f "$t" ] && [ "$t" != tests/sh/lib.sh ] && echo "sh/$(basename "$t" .sh)"; done >>"$TMP/jobs"
if [ -n "${ONLY:-}" ]; then
	grep -E -- "$ONLY" "$TMP/jobs" >"$TMP/jobs.only" || { echo "tests: no job matches ONLY=$ONLY" >&2; exit 1; }
	mv "$TMP/jobs.only" "$TMP/jobs"
fi
# The queue: longest first (column 2 of tests/times.txt, column 3 under the sanitizers); a job
# not in the file yet counts as 20 s, a unit test as 1.
col=2
[ "${VIDC_SANITIZE:-0}" = 1 ] && col=3
awk -v col=$col 'NR == FNR { if ($1 !~ /^#/ && NF >= 3) t[$1] = $col; next }
	{ print ($0 in t ? t[$0] : $0 ~ /^unit\// ? 1 : 20), FNR, $0 }' tests/times.txt "$TMP/jobs" | sort -k1,1nr -k2,2n | cut -d' ' -f3 >"$TMP/queue"

lanes=${TEST_JOBS:-2}
lane() { # a lane takes the next job no other lane has claimed (mkdir is atomic)
	while read -r j; do
		mkdir "$TMP/claim/$(echo "$j" | tr / .)" 2>/dev/null || continue
		run "$j" </dev/null # not the queue: a test that reads its input must not eat the jobs
	done <"$TMP/queue"
}
k=0
while [ $k -lt "$lanes" ]; do
	lane &
	k=$((k + 1))
done
wait

pass=0
fail=0
: >"$TMP/times"
while read -r j; do
	job=$(echo "$j" | tr / .)
	r=$TMP/res/$job
	if [ ! -s "$r" ]; then fail=$((fail + 1)); echo "FAIL: $j did not run"; continue; fi
	n=$(grep -c '^ok$' "$r")
	pass=$((pass + n))
	fail=$((fail + $(grep -c '^FAIL: ' "$r")))
	grep -v '^ok$' "$r"
	echo "$(cat "$TMP/time/$job" 2>/dev/null || echo 0) $j" >>"$TMP/times"
done <"$TMP/jobs"
[ -n "${TIMES_OUT:-}" ] && awk '{ print $2, $1 }' "$TMP/times" >"$TIMES_OUT"
echo "slowest shell tests (seconds):"
grep ' sh/' "$TMP/times" | sort -rn | head -n 8 | sed 's|^|  |; s| sh/| tests/sh/|; s|$|.sh|'

echo "tests: $pass passed, $fail failed ($(($(date +%s) - start)) s)"
[ "$fail" = 0 ]
