# lib.sh - what every shell test in tests/sh shares. A test starts with
#     . "$(dirname "$0")/lib.sh"
# and gets: the repository as working folder, $VIDC (default build/vidc), a scratch folder $tmp
# removed at exit (background servers whose pids are in $srv are stopped first), the failure flag
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
# fake VAR SCRIPT [ARGS...]: starts tests/fakes/SCRIPT ARGS... in the background (its pid joins
# $srv, stopped at exit; its stderr goes to $tmp/SCRIPT.log), waits up to 10 s for the port it
# prints on its first line and sets VAR to it. A fake that does not start ends the test.
fake() {
	fake_var=$1 fake_py=$2; shift 2
	fake_n=$((${fake_n:-0} + 1))
	python3 "tests/fakes/$fake_py" "$@" >"$tmp/fake$fake_n.port" 2>>"$tmp/$fake_py.log" &
	srv="$srv $!"
	for _ in $(seq 100); do [ -s "$tmp/fake$fake_n.port" ] && break; sleep 0.1; done
	fake_port=$(head -1 "$tmp/fake$fake_n.port")
	[ -n "$fake_port" ] || { echo "FAIL: tests/fakes/$fake_py did not start"; sed 's/^/    /' "$tmp/$fake_py.log"; exit 1; }
	eval "$fake_var=\$fake_port"
}
# media_fakes WWW: the web server on 127.0.0.2 serving WWW ($port, $base) and the stock server
# ($sport) with a 2 s 320x568 clip as its footage; the fetcher is allowed to reach them, caches
# in $tmp/cache, and no stock or image API key leaks in from the environment.
media_fakes() {
	fake port web_server.py --host 127.0.0.2 --root "$1"
	ffmpeg -v error -f lavfi -i testsrc=size=320x568:rate=25 -t 2 -pix_fmt yuv420p -y "$tmp/clip.mp4"
	fake sport stock_server.py --host 127.0.0.2 --video "$tmp/clip.mp4"
	base=http://127.0.0.2:$port
	export VIDC_CACHE_DIR="$tmp/cache" VIDC_ALLOW_PRIVATE_URLS=127.0.0.2
	unset VIDC_PEXELS_KEY VIDC_PIXABAY_KEY VIDC_OPENAI_API_KEY VIDC_SD_URL
}
# web_hits PATH: how many requests the web fake at $base has seen for PATH (query included).
web_hits() {
	python3 -c "import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + '/_stats'))['paths'].get(sys.argv[2], 0))" "$base" "$1"
}
