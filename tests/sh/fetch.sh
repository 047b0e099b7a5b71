#!/bin/sh
# vidc fetch against tests/fakes/web_server.py: two projects (two processes, one after the other
# and two at once) fetching the same URL cost the server one request; the default cache folder
# follows XDG_CACHE_HOME; an HTML page served as .jpg, a PNG bomb, a 200 MB body, a redirect to
# loopback, a private address without VIDC_ALLOW_PRIVATE_URLS and a non-http scheme are refused
# with messages naming the URL and the cause, and nothing of them is cached.
. "$(dirname "$0")/lib.sh"

fake port web_server.py --host 127.0.0.2 --root examples/assets
base=http://127.0.0.2:$port

export VIDC_CACHE_DIR="$tmp/cache" VIDC_ALLOW_PRIVATE_URLS=127.0.0.2 VIDC_HTTP_BACKOFF_MS=20

# Two projects, one URL: one request.
mkdir -p "$tmp/p1" "$tmp/p2"
"$VIDC" fetch "$base/beans.jpg" --accept image -o "$tmp/p1/beans.jpg" >"$tmp/out1" 2>&1 || { cat "$tmp/out1"; bad "fetch failed"; }
"$VIDC" fetch "$base/beans.jpg" --accept image -o "$tmp/p2/beans.jpg" >"$tmp/out2" 2>&1 || { cat "$tmp/out2"; bad "second fetch failed"; }
cmp -s "$tmp/p1/beans.jpg" examples/assets/beans.jpg || bad "project 1 got other bytes"
cmp -s "$tmp/p2/beans.jpg" examples/assets/beans.jpg || bad "project 2 got other bytes"
grep -q 'fetched' "$tmp/out1" || bad "first fetch: $(cat "$tmp/out1")"
grep -q 'cached' "$tmp/out2" || bad "second fetch not from the cache: $(cat "$tmp/out2")"
grep -q 'image/jpeg' "$tmp/out1" || bad "type not reported: $(cat "$tmp/out1")"
[ "$(web_hits /beans.jpg)" = 1 ] || bad "the server saw $(web_hits /beans.jpg) requests for one URL"

# Two at once: both succeed, the cache holds one whole copy, no temp file is left.
"$VIDC" fetch "$base/jar.jpg" -o "$tmp/p1/jar.jpg" >/dev/null 2>&1 &
a=$!
"$VIDC" fetch "$base/jar.jpg" -o "$tmp/p2/jar.jpg" >/dev/null 2>&1 || bad "concurrent fetch B failed"
wait $a || bad "concurrent fetch A failed"
cmp -s "$tmp/p1/jar.jpg" examples/assets/jar.jpg && cmp -s "$tmp/p2/jar.jpg" examples/assets/jar.jpg || bad "concurrent fetches got other bytes"
[ -z "$(find "$tmp/cache/tmp" -type f)" ] || bad "temp files left: $(ls "$tmp/cache/tmp")"

# The default folder: $XDG_CACHE_HOME/vidc.
env -u VIDC_CACHE_DIR XDG_CACHE_HOME="$tmp/xdg" "$VIDC" fetch "$base/pour.jpg" >"$tmp/out3" 2>&1 || { cat "$tmp/out3"; bad "fetch into XDG_CACHE_HOME failed"; }
ls "$tmp"/xdg/vidc/objects/*/*.jpg >/dev/null 2>&1 || bad "nothing in \$XDG_CACHE_HOME/vidc/objects"

# Refusals: exit 1, the URL and the cause named, nothing cached.
before=$(find "$tmp/cache/objects" -type f | wc -l)
check() { # NAME EXPECTED-TEXT... -- vidc fetch arguments
	name=$1; shift
	pats=""
	while [ "$1" != -- ]; do pats="$pats|$1"; shift; done
	shift
	"$VIDC" fetch "$@" >"$tmp/r" 2>&1
	rc=$?
	[ $rc = 1 ] || bad "$name: exit $rc, expected 1: $(cat "$tmp/r")"
	IFS='|'
	for p in ${pats#|}; do grep -q -- "$p" "$tmp/r" || bad "$name: no '$p' in: $(cat "$tmp/r")"; done
	unset IFS
}
check "HTML as .jpg" "/html.jpg" "HTML page" "not an image" -- "$base/html.jpg" --accept image
check "PNG bomb" "/bomb.png" "100000x100000" -- "$base/bomb.png" --accept image
check "200 MB body" "/huge" "209715200 bytes" "52428800" -- "$base/huge?mb=200"
check "redirect to loopback" "127.0.0.1" "loopback" "VIDC_ALLOW_PRIVATE_URLS" -- "$base/redirect?to=http://127.0.0.1:$port/beans.jpg"
check "ftp" "only http and https" -- "ftp://127.0.0.2/beans.jpg"
check "redirect to file:" "only http and https" -- "$base/redirect?to=file:///etc/passwd"
check "not found" "404" "/nothing.jpg" -- "$base/nothing.jpg"
VIDC_ALLOW_PRIVATE_URLS= check "private address" "127.0.0.2" "loopback" -- "$base/grind.jpg"
after=$(find "$tmp/cache/objects" -type f | wc -l)
[ "$before" = "$after" ] || bad "refused bodies were cached ($before -> $after objects)"
VIDC_ALLOW_PRIVATE_URLS=1 "$VIDC" fetch "$base/grind.jpg" >/dev/null 2>&1 || bad "VIDC_ALLOW_PRIVATE_URLS=1 did not allow a private address"

# A control character in a URL is shown escaped, not sent to the terminal.
"$VIDC" fetch "$(printf 'http://127.0.0.2:%s/\033[31mred.jpg' "$port")" >"$tmp/esc" 2>&1
grep -q "$(printf '\033')" "$tmp/esc" && bad "an escape sequence from a URL reached the terminal"

# Usage errors: exit 2.
"$VIDC" fetch >/dev/null 2>&1; [ $? = 2 ] || bad "no URL: not a usage error"
"$VIDC" fetch "$base/x" --accept sound >/dev/null 2>&1; [ $? = 2 ] || bad "--accept sound: not a usage error"

exit $fail
