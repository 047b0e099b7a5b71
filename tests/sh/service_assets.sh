#!/bin/sh
# The service's visuals are the assets stage of `vidc make` (pipeline/assets.h), end to end over
# the API with `vidc serve` and `vidc worker`:
#  1. No stock or AI keys: a content record whose pictures are URLs (tests/fakes/web_server.py)
#     and one local picture in the site's files folder, plus two that name another site's file
#     (a relative path out of the folder and an absolute one). The render shows each picture in
#     the section it illustrates (a frame in the middle of each photo section is closer to its
#     own source than to any other, the other site's picture included), the code block is a
#     code card, the call to action a card; every choice is a VideoAsset row (image / overlay,
#     article_image / rendered, the URL kept); each URL was fetched once, the other site's file
#     never read, the stock server never asked; the project's music_track reaches the spec.
#  2. Pexels configured (its URL in the config file, its key in the environment): a standalone
#     project's sections get stock photos (stock_pexels rows with the photographer's credit,
#     the licence and the page), the frames show them, and the visuals are charged per item.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
. tests/sh/service_lib.inc
render=1
[ "${VIDC_SANITIZE:-0}" = 1 ] && render=0 # renders take minutes under the sanitizers: the music case runs

mkdir -p "$tmp/www"
cp examples/assets/beans.jpg examples/assets/grind.jpg examples/assets/pour.jpg "$tmp/www/"
python3 tests/fakes/web_server.py --host 127.0.0.2 --root "$tmp/www" >"$tmp/port" &
PIDS="$PIDS $!"
python3 tests/fakes/stock_server.py --host 127.0.0.2 >"$tmp/sport" &
PIDS="$PIDS $!"
for _ in $(seq 100); do [ -s "$tmp/port" ] && [ -s "$tmp/sport" ] && break; sleep 0.1; done # 10 s, as lib.sh's fake: a python3 start took over 5 s at load 15
port=$(head -1 "$tmp/port")
sport=$(head -1 "$tmp/sport")
[ -n "$port" ] && [ -n "$sport" ] || { echo "FAIL: the fake servers did not start"; exit 1; }
base=http://127.0.0.2:$port
export VIDC_ALLOW_PRIVATE_URLS=127.0.0.2
unset VIDC_PEXELS_KEY VIDC_PIXABAY_KEY VIDC_OPENAI_API_KEY VIDC_SD_URL VIDC_CACHE_DIR
# the fetcher's cache from the config, Pexels's endpoint too (its key only from the environment)
python3 - "$CONFIG" "$tmp/svccache" "http://127.0.0.2:$sport" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["cache_dir"] = sys.argv[2]
c["fps"] = 10  # a third of the frames: the checks look at one frame a section
c["providers"] = {"pexels_url": sys.argv[3]}
json.dump(c, open(sys.argv[1], "w"))
PY
setup_sites
start_server
mkdir -p "$MEDIA/site-1/files/music" "$MEDIA/site-2/files"
cp examples/assets/jar.jpg "$MEDIA/site-1/files/"
cp examples/assets/music.ogg "$MEDIA/site-1/files/music/calm.ogg"
# site 2's picture: plain red, so a frame showing it could not pass for a coffee photo
ffmpeg -v error -f lavfi -i color=c=red:size=1080x1920 -frames:v 1 -y "$MEDIA/site-2/files/secret.jpg"
cp "$MEDIA/site-2/files/secret.jpg" "$tmp/www-secret.jpg"

# run_render PROJECT: renders tiktok with a worker until the queue is empty; sets R.
run_render() {
	expect "render $1" 202 POST /render/ "$TA" "{\"project_id\":$1,\"presets\":[\"tiktok\"]}"
	R=$(jget "j['renders'][0]['id']")
	"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
	req GET "/render/$R/status/" "$TA" >/dev/null
	[ "$(jget "j['status']")" = completed ] || { bad "render of project $1: $(cat "$tmp/out"); $(tail -5 "$tmp/worker.log")"; return 1; }
	code=$(curl -s -o "$tmp/video-$1.mp4" -w '%{http_code}' -H "Authorization: Bearer $TA" "$U/render/$R/file/")
	[ "$code" = 200 ] || bad "the MP4 of project $1: $code"
}

# frames PROJECT SOURCES_DIR METRIC: a frame in the middle of each picture section of the MP4
# against every picture in SOURCES_DIR and the project's own copies: the closest must be its own
# and clearly closer than any other. METRIC: mse (18x19 thumbnails, for photos) or mean (the mean
# colour, for the stock server's flat pictures, whose bars Ken Burns moves).
frames() {
	python3 - "$MEDIA/site-1/project-$1" "$tmp/video-$1.mp4" "$2" "$3" <<'PY'
import json, os, subprocess, sys
pdir, mp4, srcdir, metric = sys.argv[1:5]
a = json.load(open(os.path.join(pdir, "assets.json")))
t = json.load(open(os.path.join(pdir, "voice.json")))
words = t["words"]
span = {s["name"]: (words[s["first_word"]]["start"], words[s["last_word"]]["end"]) for s in t["sections"]}

def tiny(path, at=None):
    # cover-cropped like the layer, 18x32, the top fifth (the overlay) and captions' band left out
    vf = "scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920," if at is None else ""
    vf += "crop=1080:1152:0:384,scale=18:19,format=rgb24"
    pre = [] if at is None else ["-ss", "%.2f" % at]
    raw = subprocess.run(["ffmpeg", "-v", "error"] + pre + ["-i", path, "-frames:v", "1", "-vf", vf, "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    if metric == "mean":
        raw = bytes(sum(raw[c::3]) // (len(raw) // 3) for c in range(3))
    return raw

sources = {n: tiny(os.path.join(srcdir, n)) for n in sorted(os.listdir(srcdir))}
pics = [s for s in a["sections"] if s["kind"] in ("photo", "ai_image")]
assert pics, a["sections"]
for s in pics:
    if s["section"] == "hook":
        continue  # the opening darkens a band for the title
    own = os.path.join(pdir, s["path"])
    cands = dict(sources)
    cands["(own) " + s["path"]] = tiny(own)
    for o in pics:
        if o is not s:
            cands["(other) " + o["path"]] = tiny(os.path.join(pdir, o["path"]))
    t0, t1 = span[s["section"]]
    f = tiny(mp4, (t0 + t1) / 2)
    err = {n: sum((x - y) ** 2 for x, y in zip(f, v)) / len(v) for n, v in cands.items()}
    best = min(err, key=err.get)
    want = os.path.basename(s["original"].split("?")[0])
    print("%s: %s closest %s (%s)" % (s["section"], want, best, {k: int(v) for k, v in sorted(err.items(), key=lambda x: x[1])[:3]}))
    assert best == want or best.startswith("(own)"), (s["section"], want, best)
    # the frame is far from a picture the section does not show (a missing picture fails here)
    assert min(v for n, v in err.items() if n != best and not n.endswith(s["path"]) and n != want) > 1.5 * err[best], (s["section"], err)
PY
}

# --- 1. no keys: the article's pictures (URLs and the site's own file), cards, music --------
python3 - "$base" "$tmp/article.json" "$MEDIA/site-2/files/secret.jpg" <<'PY'
import json, sys
b, out, secret = sys.argv[1:4]
html = (
 "<p>Cold brew is coffee steeped in cold water for many hours. It tastes smooth and sweet.</p>"
 "<h2>Choose the beans</h2><p>Pick a medium roast of whole coffee beans from a local roaster.</p>"
 "<figure><img src='%s/beans.jpg' alt='Whole coffee beans from a local roaster'></figure>"
 "<h2>Grind them coarse</h2><p>Grind the beans coarse, like sea salt, with a burr grinder.</p>"
 "<figure><img src='%s/grind.jpg' alt='Coarse coffee grounds in a burr grinder'></figure>"
 "<h2>Steep in a jar</h2><p>Stir the coffee into cold water in a large glass jar and leave it in the fridge overnight.</p>"
 "<figure><img src='jar.jpg' alt='A covered glass jar of coffee steeping in the fridge'></figure>"
 "<h2>Measure with code</h2><p>A tiny script keeps the ratio right. The function below turns grams of coffee into millilitres of water.</p>"
 "<pre><code class='language-python'>def water_for(coffee_grams, ratio=8):\n    return coffee_grams * ratio</code></pre>"
 "<h2>Serve it cold</h2><p>Strain the coffee and pour it over ice with a splash of milk.</p>"
 "<figure><img src='%s/pour.jpg' alt='Cold brew poured over ice with a splash of milk'></figure>"
) % (b, b, b)
json.dump({"title": "Cold Brew at Home", "keywords": ["cold brew", "coffee"], "language": "en", "content_html": html,
           "images": ["../../site-2/files/secret.jpg", secret]}, open(out, "w"))
PY
cat >"$tmp/script1.json" <<'JSON'
{"hook":"Cold brew.","intro":"","points":[
 {"text":"Pick whole coffee beans from a local roaster.","duration_est":1.2,"visual_cue":"whole coffee beans","text_overlay":"Beans"},
 {"text":"Grind the beans coarse.","duration_est":1.2,"visual_cue":"coarse grounds in a grinder","text_overlay":"Grind"},
 {"text":"Stir the coffee into cold water in a large glass jar.","duration_est":2,"visual_cue":"a glass jar in the fridge","text_overlay":"Steep"},
 {"text":"The function below turns grams into water.","duration_est":2,"visual_cue":"code","text_overlay":"Ratio"},
 {"text":"Strain the coffee and pour it over ice.","duration_est":1.6,"visual_cue":"cold brew over ice","text_overlay":"Serve"}],
 "cta":"Follow.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":11,
 "seo":{"tiktok":{"title":"Cold brew","description":"Cold brew in a minute.","tags":["coldbrew"]}}}
JSON
if [ $render = 1 ]; then
expect "content" 201 POST /contents/ "$TA" "@$tmp/article.json"
C=$(jget "j['id']")
expect "project" 201 POST /projects/ "$TA" "{\"content_id\":$C,\"project_type\":\"short\",\"target_platforms\":[\"tiktok\"],\"settings\":{\"music_track\":\"music/calm.ogg\"}}"
P=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P/" "$TA" "@$tmp/script1.json"
if run_render "$P"; then
	expect "assets" 200 GET "/assets/$P/" "$TA"
	python3 - "$tmp/out" "$base" "$MEDIA/site-1/project-$P" <<'PY' || bad "the VideoAsset rows of the article's project"
import json, os, sys
rows = json.load(open(sys.argv[1]))["results"]
base, pdir = sys.argv[2], sys.argv[3]
a = json.load(open(os.path.join(pdir, "assets.json")))
by = {r["order"]: r for r in rows}
assert len(rows) == len(a["sections"]) == 7, (len(rows), [s["section"] for s in a["sections"]])
kinds = {"photo": "image", "footage": "footage", "ai_image": "image", "code_card": "overlay", "text_card": "overlay"}
for i, s in enumerate(a["sections"]):
    r = by[i]
    assert r["asset_type"] == kinds[s["kind"]] and r["source"] == s["source"], (r, s)
    want_si = {"hook": None, "intro": 0, "cta": None}.get(s["section"], int(s["section"][5:]) if s["section"].startswith("point") else None)
    assert r["section_index"] == want_si, (r, s["section"])
    if s.get("path"):
        assert r["file_path"] == os.path.join(pdir, s["path"]) and os.path.isfile(r["file_path"]), r
for r in rows:
    assert "secret" not in json.dumps(r), ("another site's picture", r)
photos = {os.path.basename(s["original"]): s["section"] for s in a["sections"] if s["kind"] == "photo"}
assert photos == {"beans.jpg": "point1", "grind.jpg": "point2", "jar.jpg": "point3", "pour.jpg": "point5"}, photos
for r in rows:
    if r["source"] == "article_image" and r["original_url"].startswith("http"):
        assert r["url"] == r["original_url"] and r["url"].startswith(base + "/"), r
    elif r["source"] == "article_image":
        assert r["original_url"] == "jar.jpg" and r["url"] is None, r
code = [s for s in a["sections"] if s["kind"] == "code_card"]
assert [s["section"] for s in code] == ["point4"], a["sections"]
assert by[6]["asset_type"] == "overlay" and by[6]["source"] == "rendered", by[6]
assert all(r["credit"] is None for r in rows), rows
print("article project: %d VideoAssets" % len(rows))
PY
	# each picture URL was fetched once; the stock service was never asked (no key)
	for p in beans grind pour; do
		n=$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('$base/_stats'))['paths'].get('/$p.jpg', 0))")
		[ "$n" = 1 ] || bad "$p.jpg was requested $n times"
	done
	[ "$(python3 -c "import json,urllib.request; print(json.load(urllib.request.urlopen('http://127.0.0.2:$sport/_stats'))['searches'])")" = 0 ] ||
		bad "the stock service was asked without a key"
	ls "$tmp/svccache" >/dev/null 2>&1 || bad "the fetcher's cache is not the config's cache_dir"
	grep -q 'music "music.ogg"' "$MEDIA/site-1/project-$P/tiktok.vid" || bad "the music_track is not in the spec: $(grep music "$MEDIA/site-1/project-$P/tiktok.vid")"
	grep -q 'use short_code(' "$MEDIA/site-1/project-$P/tiktok.vid" || bad "no code card in the spec"
	cp "$tmp/www-secret.jpg" "$tmp/www/secret.jpg"
	frames "$P" "$tmp/www" mse || bad "the frames of the article's video do not show its pictures"
	rm "$tmp/www/secret.jpg"
	[ "$(sql "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'charge' AND operation_type = 'video_visual_generation' AND project_id = $P")" = "[(15,)]" ] ||
		bad "article visuals are charged $(sql "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'charge' AND operation_type = 'video_visual_generation' AND project_id = $P")"
fi

fi

# a music_track outside the site's files folder fails the render with a clear error (its visuals,
# cards without a content record or keys, are recorded first)
expect "project" 201 POST /projects/ "$TA" "{\"project_type\":\"short\",\"target_platforms\":[\"tiktok\"],\"settings\":{\"music_track\":\"../../site-2/files/secret.jpg\"}}"
PM=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$PM/" "$TA" '{"hook":"One.","intro":"Two.","points":[{"text":"Three.","duration_est":1,"visual_cue":"x","text_overlay":"x"}],"cta":"Four.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":4,"seo":{}}'
expect "render" 202 POST /render/ "$TA" "{\"project_id\":$PM,\"presets\":[\"tiktok\"]}"
"$VIDC" worker --config "$CONFIG" --exit-when-idle >>"$tmp/worker.log" 2>&1
expect "project" 200 GET "/projects/$PM/" "$TA"
[ "$(jget "j['status']")" = failed ] || bad "a music_track of another site: the project is $(jget "j['status']")"
jget "j['error']" | grep -q 'music_track.*outside' || bad "the error does not say the music is outside: $(jget "j['error']")"
[ "$(jget "[(a['asset_type'], a['source']) for a in j['assets']]")" = "[('overlay', 'rendered'), ('overlay', 'rendered'), ('overlay', 'rendered'), ('overlay', 'rendered')]" ] ||
	bad "a standalone project without keys: $(jget "j['assets']")"
[ "$render" = 1 ] || exit $fail

# --- 2. Pexels: stock photos with their credits ------------------------------------------------
export VIDC_PEXELS_KEY=pexels-test
cat >"$tmp/script2.json" <<'JSON'
{"hook":"Cold brew.","intro":"","points":[
 {"text":"Grind the beans coarse.","duration_est":1.2,"visual_cue":"coarse coffee grounds","text_overlay":"Grind"}],
 "cta":"Follow.","chapter_markers":[{"time":0,"title":"Intro"}],"total_estimated_duration":3,
 "seo":{"tiktok":{"title":"Cold brew","description":"Cold brew.","tags":["coldbrew"]}}}
JSON
expect "standalone" 201 POST /projects/ "$TA" '{"project_type":"short","target_platforms":["tiktok"]}'
P2=$(jget "j['id']")
expect "script" 200 PUT "/scripts/$P2/" "$TA" "@$tmp/script2.json"
if run_render "$P2"; then
	expect "assets" 200 GET "/assets/$P2/" "$TA"
	python3 - "$tmp/out" <<'PY' || bad "the stock VideoAssets"
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
stock = [r for r in rows if r["source"] == "stock_pexels"]
assert len(stock) == 2 and all(r["asset_type"] == "image" for r in stock), rows
for r in stock:
    assert r["credit"].startswith("Photo by ") and " on Pexels" in r["credit"], r
    assert r["licence"] and r["original_url"].startswith("http") and r["url"].startswith("http"), r
assert rows[-1]["source"] == "rendered" and rows[-1]["asset_type"] == "overlay", rows[-1]
print("standalone project: %d stock photos with credits" % len(stock))
PY
	mkdir -p "$tmp/none"
	frames "$P2" "$tmp/none" mean || bad "the frames of the standalone video do not show the stock photos"
	[ "$(sql "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'charge' AND operation_type = 'video_visual_generation' AND project_id = $P2")" = "[(25,)]" ] ||
		bad "two stock visuals should cost 15 + 2 x 5"
	# The render's job held the visuals before it knew how many would be fetched: one per
	# section (hook, point, CTA) when stock is a source, so the hold covers what was charged.
	held=$(sql "SELECT -SUM(amount) FROM vidc_credit_ledger WHERE kind = 'hold' AND operation_type = 'video_visual_generation' AND project_id = $P2")
	[ "$held" = "[(30,)]" ] || bad "the visuals' hold was $held, want 30 (15 + 3 sections x 5), at least the charge"
fi
unset VIDC_PEXELS_KEY
exit $fail
