#!/bin/sh
# vidc fmt (issue 15). For every .vid in the repository: a spec that parses formats idempotently
# (fmt of fmt is the same bytes) and keeps its meaning (vidc ir prints the same IR and the same
# diagnostics before and after, source positions aside, with the flags the other tests use for
# that folder); a spec with syntax errors is refused and left unchanged. Then the committed
# layouts (tests/fmt/X.vid must format to exactly X.expected), --check's exit status and list,
# in-place rewriting (only when the layout changes, through a symbolic link), standard input,
# and a spec written by vidc make passing --check.
. "$(dirname "$0")/lib.sh"

# The copies compiled beside their originals (so their relative paths resolve the same way).
side=""
trap 'rm -f $side; lib_cleanup' EXIT

# positions FILE: the file without source positions (IR "@line:col", diagnostics'
# "file:line:col: " and their quoted source lines) and with the copies' names made one.
positions() {
	sed -E 's/ @[0-9]+:[0-9]+//g; s/\.fmt-[0-9]+-(orig|new)\.vid/SPEC.vid/g' "$1" |
		grep -vE '^ +[0-9]* \|' | sed -E 's/^[^ :]*SPEC\.vid:[0-9]+:[0-9]+: //'
}

# The repository's specs: git's list (other tests make temporary specs in hidden folders while
# this one runs), else every .vid outside hidden folders and the build.
specs=$(git ls-files '*.vid' 2>/dev/null)
[ -n "$specs" ] || specs=$(find . -name '*.vid' ! -path '*/.*' ! -path './build*' ! -path '*/node_modules/*' | sed 's|^\./||' | sort)

# Every spec formatted in place as a copy, in batches (vidc fmt takes many files; one spec that
# does not parse does not stop the others), then checked: a refused copy is unchanged and its
# errors were printed; a formatted one is stable (--check passes on it).
mkdir "$tmp/all"
i=0
for f in $specs; do
	i=$((i + 1))
	cp "$f" "$tmp/all/$i.vid" && echo "$i $f" >>"$tmp/map"
done
ls "$tmp/all"/*.vid | xargs -n 50 "$VIDC" fmt --color never >"$tmp/batch.out" 2>"$tmp/batch.err"
[ -s "$tmp/batch.out" ] && say "fmt in place printed on standard output: $(head -3 "$tmp/batch.out")"
nfmt=0 nrefused=0 nir=0
: >"$tmp/formatted"
while read -r i f; do
	if grep -qF "in $tmp/all/$i.vid (not formatted)" "$tmp/batch.err"; then
		grep -qF "$tmp/all/$i.vid:" "$tmp/batch.err" || say "$f: refused without its errors"
		cmp -s "$f" "$tmp/all/$i.vid" || say "$f: a spec with syntax errors was rewritten"
		nrefused=$((nrefused + 1))
	else
		echo "$i $f" >>"$tmp/formatted"
		nfmt=$((nfmt + 1))
	fi
done <"$tmp/map"
sed "s|^\([0-9]*\) .*|$tmp/all/\1.vid|" "$tmp/formatted" | xargs -n 50 "$VIDC" fmt --check >"$tmp/unstable" 2>&1
while read -r i f; do # --check lists the copies whose formatted text formats differently
	grep -qxF "$tmp/all/$i.vid" "$tmp/unstable" && say "$f: not idempotent (fmt of fmt differs)"
done <"$tmp/formatted"
grep -v "^$tmp/all/[0-9]*\.vid\$" "$tmp/unstable" | grep -q . && say "fmt --check of the formatted specs: $(head -3 "$tmp/unstable")"

# The meaning: each original and its formatted text compiled from the folder the spec lives in
# (the fuzz seeds from tests/fuzz, as the fuzzer compiles them), with the folder's flags. Under
# the sanitizers (VIDC_SANITIZE=1) every fourth spec: the gcc suite compares them all, and two
# sanitized compiles of 200 specs took three minutes of CI; a quarter of them still runs the
# formatter's and the compiler's code under ASan and UBSan (every spec is formatted above).
step=4
[ "${VIDC_SANITIZE:-0}" = 1 ] || step=1
nth=0
while read -r i f; do
	nth=$((nth + 1))
	[ $((nth % step)) = 0 ] || continue
	dir=$(dirname "$f")
	flags="--allow tests/fixtures --allow examples/assets"
	[ -f "${f%.vid}.flags" ] && flags="$flags $(cat "${f%.vid}.flags")"
	case $f in tests/fuzz/corpus/*) dir=tests/fuzz flags="$flags --no-assets" ;; esac
	orig=$dir/.fmt-$$-orig.vid new=$dir/.fmt-$$-new.vid
	side="$orig $new"
	cp "$f" "$orig" && cp "$tmp/all/$i.vid" "$new" || { say "cannot write beside $f"; continue; }
	# shellcheck disable=SC2086
	"$VIDC" ir --color never $flags "$orig" >"$tmp/ir1" 2>"$tmp/e1"
	r1=$?
	# shellcheck disable=SC2086
	"$VIDC" ir --color never $flags "$new" >"$tmp/ir2" 2>"$tmp/e2"
	r2=$?
	rm -f $side
	[ "$r1" = "$r2" ] || say "$f: vidc ir exits $r1 before formatting, $r2 after"
	[ "$r1" = 0 ] && [ -s "$tmp/ir1" ] && nir=$((nir + 1))
	for k in ir e; do
		positions "$tmp/${k}1" >"$tmp/${k}1.p"
		positions "$tmp/${k}2" >"$tmp/${k}2.p"
		cmp -s "$tmp/${k}1.p" "$tmp/${k}2.p" || { say "$f: formatting changed its $k output"; diff "$tmp/${k}1.p" "$tmp/${k}2.p" | head -10; }
	done
done <"$tmp/formatted"
echo "fmt.sh: $nfmt specs formatted ($nir of them compile to IR), $nrefused refused for syntax errors"
# The loop saw the repository: the examples, the stdlib, the goldens, the diag and IR tests.
[ $nfmt -ge 80 ] || say "only $nfmt specs formatted"
[ $nrefused -ge 5 ] || say "only $nrefused specs refused (tests/diag/syntax.vid and others have syntax errors)"
[ $nir -ge $((25 / step)) ] || say "only $nir specs compiled to IR"

# The committed layouts, from standard input.
for f in tests/fmt/*.vid; do
	exp=${f%.vid}.expected
	expect 0 "fmt - <$f" -- sh -c '"$1" fmt - <"$2"' sh "$VIDC" "$f"
	cmp -s "$tmp/out" "$exp" || { say "$f does not format to $exp"; diff "$exp" "$tmp/out" | head -20; }
	expect 0 "fmt - <$exp" -- sh -c '"$1" fmt - <"$2"' sh "$VIDC" "$exp"
	cmp -s "$tmp/out" "$exp" || say "$exp is not stable"
done
grep -q "$(printf '\r')" tests/fmt/crlf.vid || say "tests/fmt/crlf.vid lost its CR LF line ends (.gitattributes)"

# --check: lists what is not formatted, writes nothing, exit 1; exit 0 when all are.
cp tests/fmt/messy.vid "$tmp/messy.vid"
cp tests/fmt/messy.expected "$tmp/clean.vid"
expect 1 "--check on an unformatted spec" -- "$VIDC" fmt --check "$tmp/clean.vid" "$tmp/messy.vid"
[ "$(cat "$tmp/out")" = "$tmp/messy.vid" ] || say "--check listed: $(cat "$tmp/out")"
cmp -s tests/fmt/messy.vid "$tmp/messy.vid" || say "--check rewrote the spec"
expect 0 "--check on a formatted spec" -- "$VIDC" fmt --check "$tmp/clean.vid"
[ -s "$tmp/out" ] && say "--check listed a formatted spec: $(cat "$tmp/out")"
expect 1 "--check of standard input" -- sh -c '"$1" fmt --check - <"$2"' sh "$VIDC" tests/fmt/messy.vid
has "$tmp/out" "<stdin>" "--check -"

# In place: rewritten when the layout changes, left alone (same inode) when it does not, and
# through a symbolic link the file is rewritten and the link stays.
expect 0 "fmt in place" -- "$VIDC" fmt "$tmp/messy.vid"
cmp -s "$tmp/messy.vid" tests/fmt/messy.expected || say "in place: not the expected layout"
cp tests/fmt/messy.vid "$tmp/private.vid"
chmod 600 "$tmp/private.vid"
expect 0 "fmt of a private spec" -- "$VIDC" fmt "$tmp/private.vid"
[ "$(stat -c %a "$tmp/private.vid")" = 600 ] || say "the spec's permissions changed to $(stat -c %a "$tmp/private.vid")"
ino=$(stat -c %i "$tmp/clean.vid")
expect 0 "fmt of a formatted spec" -- "$VIDC" fmt "$tmp/clean.vid"
[ "$(stat -c %i "$tmp/clean.vid")" = "$ino" ] || say "a formatted spec was written again"
cp tests/fmt/messy.vid "$tmp/target.vid"
ln -s target.vid "$tmp/link.vid"
expect 0 "fmt through a link" -- "$VIDC" fmt "$tmp/link.vid"
[ -L "$tmp/link.vid" ] || say "the symbolic link was replaced by a file"
cmp -s "$tmp/target.vid" tests/fmt/messy.expected || say "the link's target was not formatted"

# A spec with syntax errors: the errors as vidc check prints them, exit 1, the file unchanged,
# and the other files on the command line still formatted.
cp tests/diag/syntax.vid "$tmp/syntax.vid"
cp tests/fmt/messy.vid "$tmp/messy2.vid"
expect 1 "fmt of a spec with syntax errors" -- "$VIDC" fmt --color never "$tmp/syntax.vid" "$tmp/messy2.vid"
cmp -s tests/diag/syntax.vid "$tmp/syntax.vid" || say "a spec with syntax errors was rewritten"
cmp -s "$tmp/messy2.vid" tests/fmt/messy.expected || say "the spec after a bad one was not formatted"
has "$tmp/err" "$tmp/syntax.vid:6:9: error: expected a value, found '('" "the syntax error"
has "$tmp/err" "errors in $tmp/syntax.vid (not formatted)" "the summary"
"$VIDC" check --color never "$tmp/syntax.vid" >/dev/null 2>"$tmp/check.err"
grep -v 'not formatted' "$tmp/err" | while IFS= read -r line; do
	grep -qxF -- "$line" "$tmp/check.err" || echo "$line"
done >"$tmp/extra"
[ -s "$tmp/extra" ] && say "fmt printed lines vidc check does not: $(head -3 "$tmp/extra")"
expect 1 "standard input with syntax errors" -- sh -c '"$1" fmt - <"$2"' sh "$VIDC" tests/diag/syntax.vid
[ -s "$tmp/out" ] && say "fmt - wrote a spec with syntax errors to standard output"
has "$tmp/err" "errors in <stdin> (not formatted)" "fmt - with syntax errors"
expect 1 "a missing file" -- "$VIDC" fmt "$tmp/none.vid"
has "$tmp/err" "none.vid" "the missing file's name"
expect 2 "no file" -- "$VIDC" fmt
expect 0 "fmt --help" -- "$VIDC" fmt --help
has "$tmp/out" "--check" "fmt --help"

# vidc make writes formatted specs (both orientations, with captions).
expect 0 "vidc make --no-render" -- "$VIDC" make examples/article-cold-brew.json --preset tiktok,youtube_long \
	--no-render -o "$tmp/make"
expect 0 "the specs vidc make wrote are formatted" -- "$VIDC" fmt --check "$tmp/make/video-tall.vid" "$tmp/make/video-wide.vid"
[ -s "$tmp/out" ] && say "not formatted: $(cat "$tmp/out")"
exit $fail
