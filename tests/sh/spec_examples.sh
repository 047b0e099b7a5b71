#!/bin/sh
# Every ```vid block of SPEC.md is a complete spec that must check clean (warnings included), so
# the document cannot drift from the compiler. Blocks are checked from inside examples/, so
# "assets/..." paths resolve to the sample assets.
set -eu
cd "$(dirname "$0")/../.."
VIDC=$(realpath "${VIDC:-build/vidc}")
tmp=$(mktemp -d examples/.spec-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
	/^```vid$/ { n++; file = sprintf("%s/block%02d.vid", dir, n); inblock = 1; next }
	/^```/ { inblock = 0; next }
	inblock { print > file }
' SPEC.md
count=$(ls "$tmp" | wc -l)
[ "$count" -ge 4 ] || { echo "expected at least 4 vid blocks in SPEC.md, found $count"; exit 1; }
fail=0
for f in "$tmp"/*.vid; do
	# Blocks live one folder below examples/: make their asset paths resolve from examples/,
	# a folder their own roots do not hold, so it is granted (SPEC.md section 14).
	sed 's#"assets/#"../assets/#g' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
	if ! "$VIDC" check --color never -Werror --allow examples/assets "$f"; then
		echo "SPEC.md block $(basename "$f") does not check clean"
		fail=1
	fi
done
exit $fail
