#!/usr/bin/env python3
"""A fake web server for vidc's fetcher tests (Python 3 standard library only).

    python3 tests/fakes/web_server.py [--port 0] [--host 127.0.0.1] [--root DIR]

Prints the port it listens on as the first line of standard output, then serves until killed.
Files under --root are served as a plain web server would (Content-Type from the extension,
Content-Length, ETag, Range requests answered with 206). Other paths script the faults the
fetcher must survive or refuse:

  /html.jpg                 an HTML error page served as image/jpeg
  /redirect?to=URL          302 to URL (e.g. http://127.0.0.1:PORT/x.png: a redirect to loopback)
  /chain/N/NAME             N redirects (relative Locations), then /NAME
  /slow/NAME?delay=S        the headers, then one byte of NAME every S seconds (a stalled body)
  /cut/NAME                 Content-Length of NAME, half of it, then the connection closes
  /flaky/NAME               the first request is cut halfway; later ones honour Range
  /huge?mb=N[&length=0]     an N MB video/mp4 body (an ftyp box, then zeros) made on the fly
                            (length=0: chunked, no Content-Length)
  /bomb.png                 a small PNG whose header claims 100000x100000 pixels
  /bomb.jpg                 a JPEG whose frame header, after 60 KB of EXIF, claims 30000x30000
  /limited/NAME             429 with Retry-After: 1 on the first request, then NAME
  /error500/NAME            500 on the first request, then NAME
  /gone                     404
  /_stats                   {"total": N, "paths": {PATH: N}, "ranges": N} (not counted)
  /_reset                   forgets the counts and the first-request faults

Every request but /_stats and /_reset is counted, with its path (query included).
"""
import json
import os
import struct
import sys
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit

import fakelib

STATE = {"total": 0, "paths": {}, "ranges": 0}
FIRST = fakelib.Once()  # the first-request faults (/flaky/, /limited/, /error500/)
LOCK = threading.Lock()
ROOT = "."
TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
         ".webp": "image/webp", ".mp4": "video/mp4", ".webm": "video/webm",
         ".json": "application/json", ".html": "text/html"}


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def bomb_png():
    """A PNG whose IHDR claims 100000x100000 8-bit RGB: a real decoder would need 30 GB."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 300000
    idat = zlib.compress(row * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) +
            png_chunk(b"IEND", b""))


def bomb_jpg():
    """A JPEG whose SOF0 (after a 60 KB APP1) claims 30000x30000 pixels (900 megapixels)."""
    app1 = b"\xff\xe1" + struct.pack(">H", 60000) + b"Exif\x00\x00" + b"\x00" * (60000 - 8)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 30000, 30000, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app1 + sof + b"\x00" * 100000


HTML = (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
        b"<body><h1>Not Found</h1><p>The requested image was not found.</p></body></html>\n")


class Handler(fakelib.Handler):
    def read_file(self, name):
        path = os.path.normpath(os.path.join(ROOT, name.lstrip("/")))
        if not path.startswith(os.path.abspath(ROOT)) or not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def serve_bytes(self, data, ctype, etag=None):
        """200 or, for a Range request (with a matching If-Range), 206."""
        rng = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        etag = etag or '"%08x"' % (zlib.crc32(data) & 0xffffffff)
        if rng and rng.startswith("bytes=") and (not if_range or if_range == etag):
            with LOCK:
                STATE["ranges"] += 1
            start = int(rng[6:].split("-")[0] or 0)
            if start >= len(data):
                return self.send(416, b"", ctype, [("Content-Range", "bytes */%d" % len(data))])
            part = data[start:]
            return self.send(206, part, ctype, [
                ("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data))),
                ("ETag", etag), ("Accept-Ranges", "bytes")])
        self.send(200, data, ctype, [("ETag", etag), ("Accept-Ranges", "bytes")])

    def ctype(self, name):
        return TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")

    def do_GET(self):
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        p = url.path
        if p == "/_stats":
            with LOCK:
                body = json.dumps({"total": STATE["total"], "paths": STATE["paths"],
                                   "ranges": STATE["ranges"]}).encode()
            return self.send(200, body, "application/json")
        if p == "/_reset":
            with LOCK:
                STATE.update(total=0, paths={}, ranges=0)
            FIRST.reset()
            return self.send(200, b"{}", "application/json")
        with LOCK:
            STATE["total"] += 1
            STATE["paths"][self.path] = STATE["paths"].get(self.path, 0) + 1
        if p == "/html.jpg":
            return self.send(200, HTML, "image/jpeg")
        if p == "/gone":
            return self.send(404, b"not here", "text/plain")
        if p == "/bomb.png":
            return self.serve_bytes(bomb_png(), "image/png")
        if p == "/bomb.jpg":
            return self.serve_bytes(bomb_jpg(), "image/jpeg")
        if p == "/redirect":
            to = q.get("to", ["/"])[0]
            return self.send(302, b"", "text/plain", [("Location", to)])
        if p.startswith("/chain/"):
            parts = p.split("/", 3)
            n = int(parts[2])
            loc = "/chain/%d/%s" % (n - 1, parts[3]) if n > 1 else "/" + parts[3]
            return self.send(302, b"", "text/plain", [("Location", loc)])
        if p == "/huge":
            return self.huge(int(q.get("mb", ["200"])[0]), q.get("length", ["1"])[0] != "0")
        for prefix in ("/slow/", "/cut/", "/flaky/", "/limited/", "/error500/"):
            if p.startswith(prefix):
                name = p[len(prefix):]
                data = self.read_file(name)
                if data is None:
                    return self.send(404, b"no such file", "text/plain")
                return getattr(self, prefix.strip("/").replace("error500", "err500"))(name, data, q)
        data = self.read_file(p)
        if data is None:
            return self.send(404, b"<html><body>404</body></html>", "text/html")
        self.serve_bytes(data, self.ctype(p))

    def huge(self, mb, with_length):
        total = mb << 20
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        if with_length:
            self.send_header("Content-Length", str(total))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
        block = b"\x00" * (1 << 16)
        sent = 0
        try:
            while sent < total:
                chunk = head if sent == 0 else block[:min(len(block), total - sent)]
                if with_length:
                    self.wfile.write(chunk)
                else:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            if not with_length:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the rest: that is the point
        self.close_connection = True

    def slow(self, name, data, q):
        delay = float(q.get("delay", ["2"])[0])
        self.send_response(200)
        self.send_header("Content-Type", self.ctype(name))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def cut(self, name, data, q):
        self.send_cut(self.ctype(name), len(data), data[:len(data) // 2],
                      [("Accept-Ranges", "bytes")])

    def flaky(self, name, data, q):
        if FIRST.first("flaky:" + name):
            return self.cut(name, data, q)
        self.serve_bytes(data, self.ctype(name))

    def limited(self, name, data, q):
        if FIRST.first("limited:" + name):
            return self.send(429, b'{"error": "rate limit exceeded"}', "application/json",
                             [("Retry-After", "1")])
        self.serve_bytes(data, self.ctype(name))

    def err500(self, name, data, q):
        if FIRST.first("500:" + name):
            return self.send(500, b"internal error", "text/plain")
        self.serve_bytes(data, self.ctype(name))


def main():
    global ROOT
    ap = fakelib.arg_parser()
    ap.add_argument("--root", default=".")
    args = ap.parse_args()
    ROOT = os.path.abspath(args.root)
    fakelib.serve(Handler, args.port, args.host)


if __name__ == "__main__":
    sys.exit(main())
