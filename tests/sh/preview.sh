#!/bin/sh
# `vidc preview` (issue 15): the live page in a real browser. Debian's chromium (headless, driven
# by puppeteer-core, pinned in tests/browser/package.json and installed into
# tests/browser/node_modules on the first run) loads the page of a two-scene spec and checks
# what tests/browser/preview.test.js says: the duration, the scrubber moving the frame, that frame
# equal to `vidc frame`'s (PSNR >= 40 dB), a save refreshing the page within ~2 s keeping the
# playhead, a broken spec's diagnostic shown with the last good frame kept. Here: --help, a
# non-loopback --host refused before anything listens, a request naming another host (DNS
# rebinding) refused with 403, and the page on [::1] as well when the machine has IPv6 loopback.
. "$(dirname "$0")/lib.sh"

expect 0 "preview --help" -- "$VIDC" preview --help
has "$tmp/out" "--port N" "preview --help"
expect 2 "preview --host 0.0.0.0" -- "$VIDC" preview examples/cold-brew.vid --host 0.0.0.0
has "$tmp/err" "loopback" "the refusal of a non-loopback bind"
expect 2 "preview --host 192.168.1.1" -- "$VIDC" preview examples/cold-brew.vid --host 192.168.1.1

if [ ! -x /usr/bin/chromium ]; then
	say "chromium is missing: run scripts/deps.sh"
	exit $fail
fi
if [ ! -d tests/browser/node_modules/puppeteer-core ]; then
	(cd tests/browser && npm install --no-audit --no-fund --ignore-scripts >"$tmp/npm.log" 2>&1) ||
		{ say "cannot install puppeteer-core (npm):"; tail -5 "$tmp/npm.log"; exit 1; }
fi

mkdir -p "$tmp/proj"
cp examples/assets/beans.jpg "$tmp/proj/"
cat >"$tmp/proj/spec.vid" <<'VID'
video { preset youtube_long; fps 30 }
scene first 2s {
  solid #264653
  text "First" { color white; font_size 120px }
}
scene second 2s {
  solid #2a9d8f
  image "beans.jpg" { fit contain; width 40%; height 40% }
  text "Second" { color white; font_size 120px }
}
VID
expect 0 "the test spec checks" -- "$VIDC" check -Wno-duration "$tmp/proj/spec.vid"

"$VIDC" preview "$tmp/proj/spec.vid" >"$tmp/preview.out" 2>"$tmp/preview.err" &
srv="$srv $!"
url=""
for _ in $(seq 100); do
	url=$(sed -n 's/^vidc preview: \(http:[^ ]*\)$/\1/p' "$tmp/preview.out")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { say "vidc preview printed no URL"; cat "$tmp/preview.err"; exit 1; }
case $url in http://127.0.0.1:*/) ;; *) say "the URL is not on 127.0.0.1: $url" ;; esac
port=${url#http://127.0.0.1:}
port=${port%/}

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: evil.example:$port" "${url}state")
[ "$code" = 403 ] || say "a request for Host evil.example got $code, not 403"
code=$(curl -s -o /dev/null -w '%{http_code}' "${url}state")
[ "$code" = 200 ] || say "the state got $code"
# the IPv6 loopback too (a browser may resolve localhost to ::1 first), same port, same Host check
if grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
	code=$(curl -6 -s -o /dev/null -w '%{http_code}' "http://[::1]:$port/state")
	[ "$code" = 200 ] || say "the state on [::1]:$port got $code"
	code=$(curl -6 -s -o /dev/null -w '%{http_code}' -H "Host: evil.example:$port" "http://[::1]:$port/state")
	[ "$code" = 403 ] || say "on [::1], a request for Host evil.example got $code, not 403"
else
	echo "note: no IPv6 loopback (::1) on this machine: the [::1] listener is not checked"
fi

node tests/browser/preview.test.js "$url" "$tmp/proj/spec.vid" "$VIDC" "$tmp" || fail=1
[ $fail = 0 ] || sed 's/^/    vidc preview: /' "$tmp/preview.err" | tail -5
exit $fail
