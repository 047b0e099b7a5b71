#!/bin/sh
# vidc make on an article whose pictures are URLs (served by tests/fakes/web_server.py) and which
# explains a code block: the pictures end up in the video where they illustrate, each used once
# (a frame in the middle of each photo section is closer to its own source photo than to any
# other), the code block is a code card, the spec checks clean, and the fetched pictures come
# from the server once. Then with Pexels (tests/fakes/stock_server.py): footage for the other
# sections and its credits in every platform's description.
set -u
VIDC=${VIDC:-build/vidc}
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

mkdir -p "$tmp/www"
cp examples/assets/beans.jpg examples/assets/grind.jpg examples/assets/jar.jpg examples/assets/pour.jpg "$tmp/www/"
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
export VIDC_CACHE_DIR="$tmp/cache" VIDC_ALLOW_PRIVATE_URLS=127.0.0.2
unset VIDC_PEXELS_KEY VIDC_PIXABAY_KEY VIDC_OPENAI_API_KEY VIDC_SD_URL

python3 - "$base" "$tmp/article.json" <<'PY'
import json, sys
b, out = sys.argv[1], sys.argv[2]
html = (
 "<p>Cold brew is coffee steeped in cold water for many hours. It tastes smooth and sweet, and it keeps in the fridge for a week.</p>"
 "<h2>Choose the beans</h2><p>Pick a medium roast of whole coffee beans from a local roaster. Fresh whole beans roasted within a month give the sweetest cold brew.</p>"
 "<figure><img src='%s/beans.jpg' alt='Whole coffee beans from a local roaster'></figure>"
 "<h2>Grind them coarse</h2><p>Grind the beans coarse, like sea salt, so the coffee filters cleanly. A burr grinder gives even grounds that extract slowly.</p>"
 "<figure><img src='%s/grind.jpg' alt='Coarse coffee grounds in a burr grinder'></figure>"
 "<h2>Steep in a jar</h2><p>Stir one part coffee into eight parts cold water in a large glass jar and leave it in the fridge overnight. Cover the jar so the coffee does not pick up other smells.</p>"
 "<figure><img src='%s/jar.jpg' alt='A covered glass jar of coffee steeping in the fridge'></figure>"
 "<h2>Measure with code</h2><p>If you brew every week, a tiny script keeps the ratio right. The function below turns grams of coffee into millilitres of water.</p>"
 "<pre><code class='language-python'>def water_for(coffee_grams, ratio=8):\n    return coffee_grams * ratio\n\nprint(water_for(100))</code></pre>"
 "<h2>Serve it cold</h2><p>Strain the coffee through a paper filter and pour it over ice with a splash of milk. Dilute the concentrate with cold water to taste before you serve it.</p>"
 "<figure><img src='%s/pour.jpg' alt='Cold brew poured over ice with a splash of milk'></figure>"
) % (b, b, b, b)
json.dump({"title": "Cold Brew at Home", "keywords": ["cold brew", "coffee"], "language": "en",
           "content_html": html}, open(out, "w"))
PY

"$VIDC" make "$tmp/article.json" --preset tiktok --no-render -o "$tmp/out" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "vidc make failed"; exit 1; }
"$VIDC" check -Werror "$tmp/out/video.vid" >"$tmp/check" 2>&1 || { cat "$tmp/check"; bad "the spec does not check clean"; }
grep -q 'use short_code(' "$tmp/out/video.vid" || bad "no code card in the spec: $(grep '^use' "$tmp/out/video.vid")"
grep -q '\[3/5\] visuals' "$tmp/log" || bad "make does not report the visuals stage"
for p in beans grind jar pour; do
	n=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$base/_stats'))['paths'].get('/$p.jpg', 0))")
	[ "$n" = 1 ] || bad "$p.jpg was requested $n times"
done

# One frame in the middle of every photo section, compared with every source photo: the closest
# must be the one the assets file names (cover-cropped like the layer, downscaled to 18x32, the
# top fifth with the overlay left out).
python3 - "$tmp/out" "$tmp/www" "$VIDC" <<'PY' || bad "frames do not show their photos"
import json, os, subprocess, sys
out, www, vidc = sys.argv[1], sys.argv[2], sys.argv[3]
a = json.load(open(os.path.join(out, "assets.json")))
t = json.load(open(os.path.join(out, "voice.json")))
words = t["words"]
span = {s["name"]: (words[s["first_word"]]["start"], words[s["last_word"]]["end"]) for s in t["sections"]}

def tiny(path, frame=False):
    vf = "scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920," if not frame else ""
    vf += "crop=1080:1536:0:384,scale=18:32,format=rgb24"
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-vf", vf, "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    return raw

sources = {n: tiny(os.path.join(www, n)) for n in sorted(os.listdir(www))}
photos = [s for s in a["sections"] if s["kind"] == "photo"]
assert len(photos) >= 3, a["sections"]
assert len(set(s["original"] for s in photos)) == len(photos), "a photo is used twice"
for s in photos:
    t0, t1 = span[s["section"]]
    png = os.path.join(out, "f-%s.png" % s["section"])
    subprocess.run([vidc, "frame", os.path.join(out, "video.vid"), "--at", "%.2fs" % ((t0 + t1) / 2), "-o", png],
                   check=True, capture_output=True)
    f = tiny(png, frame=True)
    err = {n: sum((x - y) ** 2 for x, y in zip(f, v)) / len(v) for n, v in sources.items()}
    best = min(err, key=err.get)
    want = os.path.basename(s["original"])
    print("%s: %s (closest %s, errors %s)" % (s["section"], want, best, {k: int(v) for k, v in err.items()}))
    assert best == want, (s["section"], want, err)
PY

# With Pexels: the sections the article cannot serve get stock footage (muted, looped), and the
# credits reach every platform's description within its limit.
export VIDC_PEXELS_KEY=pexels-test VIDC_PEXELS_URL=http://127.0.0.2:$sport
"$VIDC" make "$tmp/article.json" --preset tiktok,youtube_long --no-render \
	--visuals article,footage,cards -o "$tmp/out2" >"$tmp/log2" 2>&1 || { cat "$tmp/log2"; bad "vidc make with footage failed"; }
grep -q 'use short_footage(' "$tmp/out2/video-tall.vid" || bad "no footage in the spec: $(grep '^use' "$tmp/out2/video-tall.vid")"
grep -q 'use explainer_footage(' "$tmp/out2/video-wide.vid" || bad "no footage in the 16:9 spec"
"$VIDC" check -Werror "$tmp/out2/video-tall.vid" >"$tmp/check2" 2>&1 || { cat "$tmp/check2"; bad "the footage spec does not check clean"; }
python3 - "$tmp/out2" <<'PY' || bad "credits"
import json, os, sys
d = sys.argv[1]
a = json.load(open(os.path.join(d, "assets.json")))
foot = [s for s in a["sections"] if s["kind"] == "footage"]
assert foot and all(s["credit"].startswith("Video by ") for s in foot), a["sections"]
for p, limit in (("tiktok", 2200), ("youtube_long", 5000)):
    m = json.load(open(os.path.join(d, p + ".json")))
    desc = m["description"]
    assert "Credits:" in desc and foot[0]["credit"] in desc, (p, desc)
    total = len(desc) + (sum(len(t) + 2 for t in m["tags"]) + 2 if p == "tiktok" else 0)
    assert total <= limit, (p, total)
PY
unset VIDC_PEXELS_KEY VIDC_PEXELS_URL
exit $fail
