#!/bin/sh
# Real articles (tests/fixtures/real): what the script says aloud (hook, intro, points) holds
# no page furniture: a recipe card's times, servings and ingredient lines, Medium's "Follow" /
# "6 min read" / author box, a correction note, a sentence reading inline code; <br><br>
# paragraphs stay apart; an image on the article's site without the record's url is named in
# a warning (no doubled slash), once by vidc make too. vidc script, and vidc make without the
# render: no network.
. "$(dirname "$0")/lib.sh"
R=tests/fixtures/real
for n in recipe medium technical news entities-br lazy-images; do
	expect 0 "script of $n" -- "$VIDC" script "$R/$n.json" -o "$tmp/$n.json"
	cp "$tmp/err" "$tmp/$n.err"
done
python3 - "$tmp" <<'EOF' || fail=1
import json, sys, re
d = sys.argv[1]
# Words a narrator must not say, per article (each was said on main's build).
never = {
    "recipe": ["Prep Time", "Cook Time", "Calories", "ripe bananas mashed", "1 tsp baking soda",
               "Servings"],
    "medium": ["Follow", "min read", "Written by", "Nutrition writer", "2.1K", "Photo by"],
    "technical": ["tracemalloc.Filter(", "<frozen"],
    "news": ["An earlier version of this story"],
}
bad = []
for n, words in never.items():
    s = json.load(open("%s/%s.json" % (d, n), encoding="utf-8"))
    said = [s["hook"], s["intro"]] + [p["text"] for p in s["points"]]
    for w in words:
        for t in said:
            if w in t:
                bad.append("%s: says %r: %s" % (n, w, t))
    if not s["points"]:
        bad.append("%s: no points" % n)
if bad:
    print("FAIL: " + "\n      ".join(bad))
    sys.exit(1)
EOF
# <br><br> ends a paragraph: the second paragraph is a line of its own in the prose.
expect 0 "prose of entities-br" -- "$VIDC" script --text "$R/entities-br.json"
grep -qxF "Here's the system I’ve used for three years … it takes about two hours on a Sunday." "$tmp/out" ||
	say "<br><br> did not end the paragraph: $(head -3 "$tmp/out")"
# The root-relative picture of lazy-images.json has no address to resolve against: named, once
# per reading, with the reason and no doubled slash.
has "$tmp/lazy-images.err" "image '/wp-content/uploads/2024/03/alfama.jpg' in content_html is a path on the article's web site" "root-relative image warning"
if grep -q "//wp-content" "$tmp/lazy-images.err"; then say "a doubled slash: $(cat "$tmp/lazy-images.err")"; fi
# vidc make reads the record in its article stage and again for the assets: said once all the same.
expect 0 "make of lazy-images (no render)" -- "$VIDC" make "$R/lazy-images.json" --no-render -o "$tmp/mk"
n=$(grep -c "alfama.jpg' in content_html is a path" "$tmp/err")
[ "$n" = 1 ] || say "vidc make said the root-relative image's warning $n times: $(grep alfama "$tmp/err")"
exit $fail
