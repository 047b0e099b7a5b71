# lib.sh - what every shell test in tests/sh shares. A test starts with
#     . "$(dirname "$0")/lib.sh"
# and gets: the repository as working folder, $VIDC (default build/vidc), a scratch folder $tmp
# removed at exit (a background server whose pid is in $srv is stopped first), the failure flag
# $fail with say/bad to set it, and expect STATUS WHAT -- COMMAND... which runs COMMAND with
# stdout in $tmp/out and stderr in $tmp/err and fails unless it exits with STATUS.
# A test ends with `exit $fail`.
set -u
cd "$(dirname "$0")/../.." || exit 2
VIDC=${VIDC:-build/vidc}
tmp=$(mktemp -d) || exit 2
srv=""
lib_cleanup() {
	[ -n "$srv" ] && kill $srv 2>/dev/null
	rm -rf "$tmp"
}
trap lib_cleanup EXIT
fail=0
say() { echo "FAIL: $*"; fail=1; }
bad() { say "$@"; }
expect() { # expect STATUS DESCRIPTION -- command...
	want=$1; what=$2; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; sed 's/^/    /' "$tmp/err" | tail -8; fail=1
	fi
}
# has FILE TEXT WHAT: fails unless FILE contains TEXT (fixed string).
has() {
	grep -qF -- "$2" "$1" || { say "$3: '$2' not in:"; sed 's/^/    /' "$1" | tail -5; }
}
