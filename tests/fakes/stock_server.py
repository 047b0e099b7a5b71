#!/usr/bin/env python3
"""A fake Pexels, Pixabay, OpenAI images and Stable Diffusion web API for vidc's tests
(Python 3 standard library only).

    python3 tests/fakes/stock_server.py [--port 0] [--host 127.0.0.2] [--mode ok]
                                        [--pexels-key K] [--pixabay-key K] [--openai-key K]
                                        [--video FILE]

Prints the port it listens on as the first line of standard output, then serves until killed.
The protocols are spoken as the services document them:

  GET  /v1/search?query=&orientation=&size=&per_page=&page=      Pexels photos
  GET  /videos/search?query=&orientation=&size=&per_page=&page=  Pexels videos
       (header "Authorization: KEY"; replies with photos[]/videos[], total_results, page,
       per_page, next_page; X-Ratelimit-Limit/Remaining/Reset headers, Reset a UNIX time)
  GET  /api/?key=&q=&image_type=photo&orientation=&per_page=&page=   Pixabay photos
  GET  /api/videos/?key=&q=&per_page=&page=                          Pixabay videos
       (hits[], total, totalHits; a bad key is 400 "[ERROR 400] Invalid or missing API key";
       per_page outside 3-200 is a 400; X-RateLimit-* headers, Reset in seconds)
  POST /v1/images/generations {model, prompt, n, size, response_format}   OpenAI images
       ("Authorization: Bearer KEY"; data[0].b64_json, or data[0].url for response_format url)
  POST /sdapi/v1/txt2img {prompt, negative_prompt, width, height, steps, ...}
       Stable Diffusion web UI (AUTOMATIC1111): images[0] base64 PNG, parameters, info

The pictures are PNGs drawn on the fly (/media/img/ID.png?w=&h=: a colour per ID, a bar and a
stripe pattern, so frames can be compared); footage is --video (an MP4 the test makes).
Every query has 20 results: the first 10 landscape, the last 10 portrait, so pagination and the
orientation preference are observable; the query "nothing" has none.

Modes (--mode, or POST /_mode {"mode": "..."}) script the faults:
  ok           every request succeeds
  429          the first search (and the first generation) gets 429 with Retry-After: 1
  malformed    search and generation replies are not valid JSON
  empty        every search has no results
  html         media URLs serve an HTML page (as image/jpeg)
  cut          media URLs send half their body, then close
  redirect     media URLs redirect to http://127.0.0.1:PORT/... (loopback)
  ratelimit    searches succeed but say X-Ratelimit-Remaining: 0 (reset in an hour)
  url          OpenAI replies give data[0].url (a picture on this server) instead of b64_json
GET /_stats returns {"searches": N, "generations": N, "media": N, "paths": {...}, "last": {...}}
(last: the last API request's path, query and JSON body); GET /_reset forgets the counts.
"""
import base64
import hashlib
import json
import struct
import sys
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit

import fakelib

STATE = {"mode": "ok", "searches": 0, "generations": 0, "media": 0, "paths": {}, "last": {}}
FIRST = fakelib.Once()  # the first-request faults of the 429 mode
CONF = {"pexels_key": "pexels-test", "pixabay_key": "pixabay-test", "openai_key": "sk-test",
        "video": None, "port": 0, "host": "127.0.0.2"}
LOCK = threading.Lock()
NRESULTS = 20


PNG_CACHE = {}


def png(w, h, seed):
    """An RGB PNG: a colour from seed, a darker bar across the middle third, stripes at the top."""
    key = (w, h, seed)
    with LOCK:
        if key in PNG_CACHE:
            return PNG_CACHE[key]
    d = hashlib.sha256(seed.encode()).digest()
    c = (40 + d[0] % 180, 40 + d[1] % 180, 40 + d[2] % 180)
    dark = tuple(v // 3 for v in c)
    plain = b"\x00" + bytes(c) * w
    bar = b"\x00" + bytes(dark) * w
    stripe = b"\x00" + b"".join(bytes(c) * 8 + bytes(dark) * 8 for _ in range(w // 16 + 1))[:3 * w]
    top, mid = h // 10, h // 3
    raw = stripe * top + plain * (mid - top) + bar * (2 * h // 3 - mid) + plain * (h - 2 * h // 3)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
    with LOCK:
        if len(PNG_CACHE) > 64:
            PNG_CACHE.clear()
        PNG_CACHE[key] = data
    return data


HTML = b"<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>\n"


def item_id(query, i, kind):
    h = hashlib.sha256(("%s|%s" % (kind, query.lower())).encode()).hexdigest()
    return int(h[:6], 16) * 100 + i


def dims(i, video=False):
    """Results 0-9 landscape (small for photos), 10-19 portrait and large."""
    if i < NRESULTS // 2:
        return (1280, 720) if video else (1200, 800)
    return (1080, 1920) if video else (2160, 3840)


def page_results(query, kind, video, page, per_page, n):
    """(index, id, width, height) of the results on one page of a search with n results."""
    for i in range((page - 1) * per_page, min(n, page * per_page)):
        w, h = dims(i, video)
        yield i, item_id(query, i, kind), w, h


def media_url(base, ident, w, h, ext="png"):
    mode = STATE["mode"]
    kind = {"html": "html", "cut": "cut", "redirect": "redirect"}.get(mode, "img")
    return "%s/media/%s/%d.%s?w=%d&h=%d" % (base, kind, ident, ext, w, h)


class Handler(fakelib.Handler):
    def base(self):
        return "http://%s:%d" % (CONF["host"], CONF["port"])

    def count(self, key):
        with LOCK:
            STATE[key] += 1
            STATE["paths"][self.path] = STATE["paths"].get(self.path, 0) + 1

    def fault(self, api):
        """The mode's reply for an API request, or None to answer normally."""
        mode = STATE["mode"]
        if mode == "429" and FIRST.first("429:" + api):
            return self.send(429, {"error": "Too many requests"}, headers=[("Retry-After", "1")]) or True
        if mode == "malformed":
            return self.send(200, '{"photos": [{"id": 1, "src": ', "application/json") or True
        return None

    def do_GET(self):
        url = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        p = url.path
        if p == "/_stats":
            with LOCK:
                return self.send(200, {k: STATE[k] for k in ("searches", "generations", "media",
                                                              "paths", "last")})
        if p == "/_reset":
            with LOCK:
                STATE.update(searches=0, generations=0, media=0, paths={}, last={})
            FIRST.reset()
            return self.send(200, {})
        if p.startswith("/media/"):
            return self.media(p, q)
        with LOCK:
            STATE["last"] = {"path": p, "query": q,
                             "authorization": self.headers.get("Authorization", "")}
        if p in ("/v1/search", "/videos/search"):
            return self.pexels(p, q)
        if p in ("/api/", "/api/videos/"):
            return self.pixabay(p, q)
        self.send(404, {"error": "not found"})

    def rate_headers(self, pexels):
        remaining = "0" if STATE["mode"] == "ratelimit" else "19999"
        reset = str(int(time.time()) + 3600) if pexels else "3600"
        return [("X-Ratelimit-Limit" if pexels else "X-RateLimit-Limit", "20000"),
                ("X-Ratelimit-Remaining" if pexels else "X-RateLimit-Remaining", remaining),
                ("X-Ratelimit-Reset" if pexels else "X-RateLimit-Reset", reset)]

    def page(self, q, default_per_page, max_per_page):
        per_page = int(q.get("per_page", default_per_page))
        page = int(q.get("page", 1))
        return page, per_page

    def results(self, query):
        if STATE["mode"] == "empty" or query.strip().lower() == "nothing":
            return 0
        return NRESULTS

    def pexels(self, p, q):
        self.count("searches")
        if self.headers.get("Authorization") != CONF["pexels_key"]:
            return self.send(401, {"error": "Authorization field missing or invalid"})
        if self.fault("pexels"):
            return
        query = q.get("query", "")
        if not query:
            return self.send(400, {"error": "query is required"})
        page, per_page = self.page(q, 15, 80)
        if per_page < 1 or per_page > 80:
            return self.send(400, {"error": "per_page must be between 1 and 80"})
        n = self.results(query)
        video = p == "/videos/search"
        items = []
        kind = "pexels-video" if video else "pexels-photo"
        for i, ident, w, h in page_results(query, kind, video, page, per_page, n):
            user = {"id": 1000 + i, "name": "Photographer %d" % i,
                    "url": "https://www.pexels.com/@photographer-%d" % i}
            if video:
                files = [{"id": ident * 10 + k, "quality": qual, "file_type": "video/mp4",
                          "width": fw, "height": fh, "fps": 25,
                          "link": media_url(self.base(), ident * 10 + k, fw, fh, "mp4")}
                         for k, (qual, fw, fh) in enumerate([("sd", w // 2, h // 2), ("hd", w, h)])]
                items.append({"id": ident, "width": w, "height": h, "duration": 12,
                              "url": "https://www.pexels.com/video/%s-%d/" % (query.replace(" ", "-"), ident),
                              "image": media_url(self.base(), ident, 640, 360), "user": user,
                              "video_files": files, "video_pictures": []})
            else:
                orig = media_url(self.base(), ident, w, h).split("?")[0]
                items.append({
                    "id": ident, "width": w, "height": h,
                    "url": "https://www.pexels.com/photo/%s-%d/" % (query.replace(" ", "-"), ident),
                    "photographer": user["name"], "photographer_url": user["url"],
                    "photographer_id": user["id"], "avg_color": "#7A6A5A", "liked": False,
                    "alt": "%s, picture %d" % (query, i),
                    "src": {"original": orig, "large2x": orig + "?w=940", "large": orig + "?h=650",
                            "medium": orig + "?h=350", "small": orig + "?h=130",
                            "portrait": orig + "?w=800&h=1200", "landscape": orig + "?w=1200&h=627",
                            "tiny": orig + "?w=280&h=200"}})
        body = {"page": page, "per_page": per_page, "total_results": n,
                ("videos" if video else "photos"): items}
        if page * per_page < n:
            body["next_page"] = "%s%s?page=%d&per_page=%d&query=%s" % (
                self.base(), p, page + 1, per_page, query)
        if video:
            body["url"] = "https://www.pexels.com/videos/"
        self.send(200, body, headers=self.rate_headers(True))

    def pixabay(self, p, q):
        self.count("searches")
        if q.get("key") != CONF["pixabay_key"]:
            return self.send(400, "[ERROR 400] Invalid or missing API key", "text/plain")
        if self.fault("pixabay"):
            return
        page, per_page = self.page(q, 20, 200)
        if per_page < 3 or per_page > 200:
            return self.send(400, "[ERROR 400] \"per_page\" is out of valid range.", "text/plain")
        query = q.get("q", "")
        if len(query) > 100:
            return self.send(400, "[ERROR 400] \"q\" exceeds the allowed length of 100 characters.",
                             "text/plain")
        n = self.results(query)
        video = p == "/api/videos/"
        hits = []
        kind = "pixabay-video" if video else "pixabay-photo"
        for i, ident, w, h in page_results(query, kind, video, page, per_page, n):
            hit = {"id": ident, "pageURL": "https://pixabay.com/photos/%s-%d/" % (query.replace(" ", "-"), ident),
                   "type": "film" if video else "photo", "tags": "%s, picture, %d" % (query, i),
                   "views": 100, "downloads": 10, "likes": 1, "comments": 0,
                   "user_id": 2000 + i, "user": "user%d" % i,
                   "userImageURL": ""}
            if video:
                hit["duration"] = 15
                hit["videos"] = {name: {"url": media_url(self.base(), ident * 10 + k, vw, vh, "mp4"),
                                        "width": vw, "height": vh, "size": 1000000,
                                        "thumbnail": media_url(self.base(), ident, 640, 360)}
                                 for k, (name, vw, vh) in enumerate([
                                     ("large", w, h), ("medium", w * 2 // 3, h * 2 // 3),
                                     ("small", w // 2, h // 2), ("tiny", w // 3, h // 3)])}
            else:
                scale = 1280 / max(w, h)
                lw, lh = int(w * scale), int(h * scale)
                hit.update({"previewURL": media_url(self.base(), ident, 150, 100),
                            "previewWidth": 150, "previewHeight": 100,
                            "webformatURL": media_url(self.base(), ident, 640, 427),
                            "webformatWidth": 640, "webformatHeight": 427,
                            "largeImageURL": media_url(self.base(), ident, lw, lh),
                            "imageWidth": w, "imageHeight": h, "imageSize": 500000})
            hits.append(hit)
        self.send(200, {"total": n, "totalHits": n, "hits": hits}, headers=self.rate_headers(False))

    def media(self, p, q):
        self.count("media")
        parts = p.split("/")  # /media/KIND/ID.ext
        kind, name = parts[2], parts[3]
        ident = name.split(".")[0]
        w, h = int(q.get("w", 640)), int(q.get("h", 360))
        if kind == "html":
            return self.send(200, HTML, "image/jpeg")
        if kind == "redirect":
            loc = "http://127.0.0.1:%d/media/img/%s?w=%d&h=%d" % (CONF["port"], name, w, h)
            return self.send(302, b"", "text/plain", [("Location", loc)])
        if name.endswith(".mp4"):
            with open(CONF["video"], "rb") as f:
                data = f.read()
            ctype = "video/mp4"
        else:
            data = png(w, h, ident)
            ctype = "image/png"
        if kind == "cut":
            return self.send_cut(ctype, len(data), data[:len(data) // 2])
        self.send(200, data, ctype)

    def do_POST(self):
        url = urlsplit(self.path)
        raw = self.body_bytes()
        if url.path == "/_mode":
            STATE["mode"] = json.loads(raw)["mode"]
            FIRST.reset()
            return self.send(200, {"mode": STATE["mode"]})
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            return self.send(400, {"error": {"message": "invalid JSON body"}})
        with LOCK:
            STATE["last"] = {"path": url.path, "body": req,
                             "authorization": self.headers.get("Authorization", "")}
        if url.path == "/v1/images/generations":
            return self.openai(req)
        if url.path == "/sdapi/v1/txt2img":
            return self.sd(req)
        self.send(404, {"error": {"message": "not found"}})

    def openai(self, req):
        self.count("generations")
        if self.headers.get("Authorization") != "Bearer " + CONF["openai_key"]:
            return self.send(401, {"error": {"message": "Incorrect API key provided.",
                                             "type": "invalid_request_error", "code": "invalid_api_key"}})
        if self.fault("openai"):
            return
        if not req.get("prompt"):
            return self.send(400, {"error": {"message": "'prompt' is a required property"}})
        sizes = {"dall-e-3": ("1024x1024", "1792x1024", "1024x1792"),
                 "dall-e-2": ("256x256", "512x512", "1024x1024"),
                 "gpt-image-1": ("1024x1024", "1536x1024", "1024x1536", "auto")}
        model = req.get("model", "dall-e-2")
        size = req.get("size", "1024x1024")
        if model not in sizes or size not in sizes[model]:
            return self.send(400, {"error": {"message": "Invalid size '%s' for %s" % (size, model)}})
        if model == "gpt-image-1" and "response_format" in req:
            return self.send(400, {"error": {"message": "Unknown parameter: 'response_format'."}})
        w, h = (int(v) for v in size.split("x"))
        seed = hashlib.sha256(req["prompt"].encode()).hexdigest()[:8]
        item = {"revised_prompt": req["prompt"]}
        if req.get("response_format") == "url" or STATE["mode"] in ("url", "html", "redirect"):
            item["url"] = media_url(self.base(), int(seed, 16), w, h)
        else:
            item["b64_json"] = base64.b64encode(png(w, h, seed)).decode()
        self.send(200, {"created": int(time.time()), "data": [item]})

    def sd(self, req):
        self.count("generations")
        if self.fault("sd"):
            return
        w, h = int(req.get("width", 512)), int(req.get("height", 512))
        if w % 8 or h % 8 or not (64 <= w <= 2048 and 64 <= h <= 2048):
            return self.send(422, {"detail": [{"loc": ["body", "width"], "msg": "bad size %dx%d" % (w, h)}]})
        seed = hashlib.sha256(req.get("prompt", "").encode()).hexdigest()[:8]
        img = base64.b64encode(png(w, h, "sd" + seed)).decode()
        params = dict(req)
        self.send(200, {"images": [img], "parameters": params,
                        "info": json.dumps({"prompt": req.get("prompt", ""), "seed": 1234,
                                            "width": w, "height": h})})


def main():
    ap = fakelib.arg_parser(host="127.0.0.2")
    ap.add_argument("--mode", default="ok")
    ap.add_argument("--pexels-key", default="pexels-test")
    ap.add_argument("--pixabay-key", default="pixabay-test")
    ap.add_argument("--openai-key", default="sk-test")
    ap.add_argument("--video", default=None)
    args = ap.parse_args()
    STATE["mode"] = args.mode
    CONF.update(pexels_key=args.pexels_key, pixabay_key=args.pixabay_key,
                openai_key=args.openai_key, video=args.video, host=args.host)
    fakelib.serve(Handler, args.port, args.host, on_port=lambda port: CONF.update(port=port))


if __name__ == "__main__":
    sys.exit(main())
