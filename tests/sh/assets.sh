#!/bin/sh
# vidc assets: an article whose images are URLs (served by tests/fakes/web_server.py), local
# files and code blocks gets its own pictures where they illustrate and code cards where the
# code is explained; an HTML page as .jpg, a redirect to loopback and files outside the
# article's folder are refused and named; two projects fetch a URL once; --swap, --visuals and
# the stock source (tests/fakes/stock_server.py) with its credits; usage errors.
set -u
VIDC=${VIDC:-build/vidc}
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

mkdir -p "$tmp/www" "$tmp/art/pics"
cp examples/assets/beans.jpg examples/assets/grind.jpg examples/assets/pour.jpg "$tmp/www/"
cp examples/assets/jar.jpg "$tmp/art/pics/jar.jpg"
cp examples/assets/jar.jpg "$tmp/outside.jpg"
python3 tests/fakes/web_server.py --host 127.0.0.2 --root "$tmp/www" >"$tmp/port" &
srv=$!
ffmpeg -v error -f lavfi -i testsrc=size=320x568:rate=25 -t 2 -pix_fmt yuv420p -y "$tmp/clip.mp4"
python3 tests/fakes/stock_server.py --host 127.0.0.2 --video "$tmp/clip.mp4" >"$tmp/sport" &
ssrv=$!
trap 'kill $srv $ssrv 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && [ -s "$tmp/sport" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/port")
sport=$(head -1 "$tmp/sport")
[ -n "$port" ] && [ -n "$sport" ] || { echo "FAIL: the fake servers did not start"; exit 1; }
base=http://127.0.0.2:$port
export VIDC_CACHE_DIR="$tmp/cache" VIDC_ALLOW_PRIVATE_URLS=127.0.0.2 VIDC_HTTP_BACKOFF_MS=20
unset VIDC_PEXELS_KEY VIDC_PIXABAY_KEY VIDC_OPENAI_API_KEY VIDC_SD_URL

python3 - "$base" "$tmp/art/article.json" <<'PY'
import json, sys
base, out = sys.argv[1], sys.argv[2]
html = (
 "<p>Cold brew is coffee steeped in cold water for many hours. It tastes smooth and sweet, and it keeps in the fridge for a week.</p>"
 "<h2>Choose the beans</h2><p>Pick a medium or dark roast of whole coffee beans from a local roaster. Fresh beans roasted within the last month give the sweetest cold brew.</p>"
 "<figure><img src='%s/html.jpg' alt='Fresh whole coffee beans from a local roaster, roasted last month'></figure>"
 "<figure><img src='%s/beans.jpg' alt='Whole coffee beans in a bowl'><figcaption>Whole beans keep their flavour longer.</figcaption></figure>"
 "<h2>Grind them coarse</h2><p>Grind the beans coarse, like sea salt, so the coffee filters cleanly. A burr grinder gives even grounds that extract slowly.</p>"
 "<figure><img src='%s/redirect?to=http://127.0.0.1:%s/beans.jpg' alt='Coarse grounds from a burr grinder, like sea salt'></figure>"
 "<figure><img src='%s/grind.jpg' alt='Coarse coffee grounds in a burr grinder'></figure>"
 "<h2>Steep in a jar</h2><p>Stir one part coffee into eight parts cold water in a large glass jar and leave it in the fridge overnight. The jar should be covered so the coffee does not pick up other smells.</p>"
 "<figure><img src='../outside.jpg' alt='Coffee and cold water stirred in a large glass jar in the fridge overnight'></figure>"
 "<figure><img src='pics/jar.jpg' alt='A covered glass jar of coffee steeping in the fridge'></figure>"
 "<h2>Measure with code</h2><p>If you brew every week, a tiny script keeps the ratio right. The function below turns grams of coffee into millilitres of water.</p>"
 "<pre><code class='language-python'>def water_for(coffee_grams, ratio=8):\n    return coffee_grams * ratio\n\nprint(water_for(100))</code></pre>"
 "<h2>Serve it cold</h2><p>Strain the coffee through a paper filter and pour it over ice with a splash of milk. Dilute the concentrate with water to taste before you serve it.</p>"
 "<figure><img src='/etc/passwd' alt='Strain the coffee through a paper filter over ice'></figure>"
 "<figure><img src='%s/pour.jpg' alt='Cold brew poured over ice with milk'></figure>"
) % (base, base, base, base.rsplit(':', 1)[1], base, base)
json.dump({"title": "Cold Brew at Home", "keywords": ["cold brew", "coffee"], "language": "en",
           "content_html": html}, open(out, "w"))
PY
"$VIDC" script "$tmp/art/article.json" -o "$tmp/script.json" >"$tmp/log0" 2>&1 || { cat "$tmp/log0"; bad "vidc script failed"; }

# 1. The article's pictures and code where they belong.
"$VIDC" assets "$tmp/script.json" --article "$tmp/art/article.json" -o "$tmp/p1/assets.json" >"$tmp/log1" 2>&1 ||
	{ cat "$tmp/log1"; bad "vidc assets failed"; }
python3 - "$tmp/p1" <<'PY' || bad "assets file: $(cat "$tmp/log1")"
import json, os, sys
d = sys.argv[1]
a = json.load(open(os.path.join(d, "assets.json")))
secs = a["sections"]
assert a["preset"] == "tiktok" and a["width"] == 1080 and a["height"] == 1920, a
names = [s["section"] for s in secs]
assert names[0] == "hook" and names[-1] == "cta", names
orig = {s.get("original", ""): s for s in secs}
for o in ("beans.jpg", "grind.jpg", "pics/jar.jpg", "pour.jpg"):
    hit = [s for s in secs if s.get("original", "").endswith(o)]
    assert hit and hit[0]["kind"] == "photo" and hit[0]["source"] == "article_image", (o, secs)
    assert os.path.isfile(os.path.join(d, hit[0]["path"])), hit[0]
for s in secs:
    assert "html.jpg" not in s.get("original", "") and "redirect" not in s.get("original", ""), s
    assert "outside" not in s.get("original", "") and "passwd" not in s.get("original", ""), s
    assert s["why"], s
    if s.get("path"):
        assert not s["path"].startswith("/") and ".." not in s["path"], s
used = [s["original"] for s in secs if s.get("original")]
assert len(used) == len(set(used)), "a picture is used twice: %s" % used
code = [s for s in secs if s["kind"] == "code_card"]
assert len(code) == 1 and code[0]["language"] == "python", secs
src = open(os.path.join(d, code[0]["path"])).read()
assert "def water_for(coffee_grams, ratio=8):" in src, src
assert secs[-1]["kind"] == "text_card" and secs[-1]["colors"][0].startswith("#"), secs[-1]
PY
grep -q 'html.jpg.*HTML page' "$tmp/log1" || bad "the HTML page served as .jpg is not named: $(cat "$tmp/log1")"
grep -q '127.0.0.1.*loopback' "$tmp/log1" || bad "the redirect to loopback is not named"
grep -q 'outside.jpg' "$tmp/log1" || bad "the picture outside the article's folder is not named"
grep -q '/etc/passwd' "$tmp/log1" || bad "/etc/passwd is not named"
cmp -s "$tmp/p1/$(python3 -c "import json,sys; print([s['path'] for s in json.load(open(sys.argv[1]))['sections'] if s.get('original','').endswith('beans.jpg')][0])" "$tmp/p1/assets.json")" examples/assets/beans.jpg ||
	bad "the fetched picture differs from the served one"

# 2. A second project: the URLs come from the cache (one request each).
"$VIDC" assets "$tmp/script.json" --article "$tmp/art/article.json" -o "$tmp/p2/assets.json" >"$tmp/log2" 2>&1 || bad "second project failed"
n=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$base/_stats'))['paths'].get('/beans.jpg', 0))")
[ "$n" = 1 ] || bad "two projects fetched beans.jpg $n times"

# 3. --swap: one section replaced by a local file, then by a URL; the rest kept.
before=$(python3 -c "import json,sys; print([s['path'] for s in json.load(open(sys.argv[1]))['sections'] if s['section'] == 'point2'][0])" "$tmp/p1/assets.json")
"$VIDC" assets -o "$tmp/p1/assets.json" --swap "2=$tmp/art/pics/jar.jpg" --allow "$tmp/art" >"$tmp/log3" 2>&1 || { cat "$tmp/log3"; bad "--swap with a file failed"; }
"$VIDC" assets -o "$tmp/p1/assets.json" --swap "point1=$base/grind.jpg" >"$tmp/log4" 2>&1 || { cat "$tmp/log4"; bad "--swap with a URL failed"; }
python3 - "$tmp/p1" "$before" <<'PY' || bad "after --swap"
import json, os, sys
d, before = sys.argv[1], sys.argv[2]
s = json.load(open(os.path.join(d, "assets.json")))["sections"]
assert s[1]["source"] == "user" and s[1]["kind"] == "photo" and s[1]["original"].endswith("jar.jpg"), s[1]
assert os.path.isfile(os.path.join(d, s[1]["path"])), s[1]
p1 = [x for x in s if x["section"] == "point1"][0]
assert p1["source"] == "user" and p1["original"].endswith("/grind.jpg"), p1
assert [x for x in s if x["section"] == "point2"][0]["path"] == before, "--swap changed another section"
PY
"$VIDC" assets -o "$tmp/p1/assets.json" --swap "2=$tmp/outside.jpg" >"$tmp/log5" 2>&1
[ $? = 1 ] && grep -q 'outside.jpg' "$tmp/log5" || bad "--swap with a file outside the allowed folders: $(cat "$tmp/log5")"
"$VIDC" assets -o "$tmp/p1/assets.json" --swap "nine=$base/beans.jpg" >"$tmp/log6" 2>&1
[ $? = 1 ] && grep -q "no section 'nine'" "$tmp/log6" || bad "--swap of an unknown section: $(cat "$tmp/log6")"

# 4. An edited file that points outside its folder is refused when read.
python3 - "$tmp/p1/assets.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
[x for x in a["sections"] if x["section"] == "point2"][0]["path"] = "../../etc/passwd"
json.dump(a, open(sys.argv[1], "w"))
PY
"$VIDC" assets -o "$tmp/p1/assets.json" --swap "2=$base/beans.jpg" >"$tmp/log7" 2>&1
[ $? = 1 ] && grep -q 'inside the assets file' "$tmp/log7" || bad "an assets path outside its folder: $(cat "$tmp/log7")"

# 5. --visuals cards: every section a text card on a gradient; no source tried, nothing fell back.
"$VIDC" assets "$tmp/script.json" --article "$tmp/art/article.json" --visuals cards -o "$tmp/p3/assets.json" >"$tmp/log8" 2>&1 || bad "--visuals cards failed"
python3 - "$tmp/p3/assets.json" <<'PY' || bad "--visuals cards: $(cat "$tmp/log8")"
import json, sys
for s in json.load(open(sys.argv[1]))["sections"]:
    assert s["kind"] == "text_card" and s["text"] and not s.get("fell_back"), s
    assert s["colors"][0] != "#000000" and s["colors"][1] != "#000000", s
PY

# 6. Stock: sections without an article picture get Pexels photos in the preset's orientation,
#    credited; the credits are collected.
export VIDC_PEXELS_KEY=pexels-test VIDC_PEXELS_URL=http://127.0.0.2:$sport
"$VIDC" assets "$tmp/script.json" --visuals stock,cards --preset youtube_long -o "$tmp/p4/assets.json" >"$tmp/log9" 2>&1 ||
	{ cat "$tmp/log9"; bad "stock failed"; }
python3 - "$tmp/p4" <<'PY' || bad "stock: $(cat "$tmp/log9")"
import json, os, sys
d = sys.argv[1]
a = json.load(open(os.path.join(d, "assets.json")))
stock = [s for s in a["sections"] if s["source"] == "stock_pexels"]
assert len(stock) == len(a["sections"]) - 1, a["sections"]
for s in stock:
    assert s["kind"] == "photo" and s["width"] > s["height"] and s["licence"] == "Pexels License", s
    assert s["credit"].startswith("Photo by ") and "pexels.com" in s["credit"], s
    assert os.path.isfile(os.path.join(d, s["path"])), s
assert len(set(s["original"] for s in stock)) == len(stock), "a stock photo is used twice"
assert len(a["credits"]) == len(stock), a["credits"]
PY
unset VIDC_PEXELS_KEY VIDC_PEXELS_URL

# 7. Usage errors: exit 2.
"$VIDC" assets "$tmp/script.json" -o "$tmp/x.json" --visuals pictures >/dev/null 2>&1; [ $? = 2 ] || bad "--visuals pictures: not a usage error"
"$VIDC" assets "$tmp/script.json" >/dev/null 2>&1; [ $? = 2 ] || bad "no -o: not a usage error"
"$VIDC" assets -o "$tmp/none.json" >/dev/null 2>&1; [ $? = 2 ] || bad "no script: not a usage error"

exit $fail
