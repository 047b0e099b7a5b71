#!/usr/bin/env python3
"""platforms_server.py - a fake of YouTube, Instagram (Graph API) and TikTok and of their OAuth
token endpoints, for tests/unit/pipeline_publish.c. Python 3 standard library only.

One port, one prefix per host the client is configured with:
  /google/token                         Google OAuth (VIDC_GOOGLE_OAUTH_URL=.../google)
  /youtube/v3/...                       Data API (VIDC_YOUTUBE_URL)
  /upload/youtube/v3/...                uploads (VIDC_YOUTUBE_UPLOAD_URL): videos resumable,
                                        thumbnails/set, captions (multipart/related)
  /youtubeanalytics/v2/reports          Analytics API (VIDC_YOUTUBE_ANALYTICS_URL)
  /graph/v21.0/...                      Graph API (VIDC_GRAPH_URL), incl. oauth/access_token
  /rupload/ig-api-upload/v21.0/ID       Instagram upload host (VIDC_IG_UPLOAD_URL)
  /tiktok/v2/...                        TikTok Content Posting API and OAuth (VIDC_TIKTOK_URL)
  /tiktok-upload/video/?upload_id=      TikTok upload URLs handed out by video/init

Valid tokens at start (and after POST /_reset): access "{yt,ig,tt}-access-0", refresh
"{yt,ig,tt}-refresh-0"; OAuth clients "test-client"/"test-secret". TikTok rotates the refresh
token on every refresh (the old one stops working), as the real one may.

Faults, armed with POST /_fault?name=N[&n=COUNT] (COUNT times, default 1; -1 for ever):
  yt_drop40   the connection of the upload PUT that crosses 40 % of the file is dropped there
              (the bytes before it are kept, as a real server persists them)
  yt_500      the next upload chunk gets 500 (nothing of it kept)
  yt_gone     the next request on an upload session gets 410 and the session is forgotten
  ig_drop40, tt_drop40   the same drop for the Instagram and TikTok uploads
  yt_stall40  the upload PUT that crosses 40 % of the file stops there: the bytes before it are
              kept, the reply never comes (for 60 s), so a test can kill the client mid-upload;
              /_stats "stalled" counts the stalls
  expire      every access token issued so far stops working (401 / OAuth error 190)
  revoke      every refresh token stops working (invalid_grant)
  429         the next API request gets 429 with Retry-After: 1
  ig_error    the next container ends in ERROR (status "Error: ... 2207026")
  ig_stuck    containers stay IN_PROGRESS
  tt_stuck    publishes stay PROCESSING_UPLOAD
  tt_failed   the next publish ends FAILED with fail_reason "file_format_check_failed"
  tt_unaudited  the app is unaudited: creator_info offers only SELF_ONLY and other levels fail
  ig_limit    content_publishing_limit reports the 24-hour quota used up
Control: GET /_stats -> {"posts": {platform: n}, "videos": {id: {platform, sha256, size, ...}},
"refreshes": {...}, "requests": {...}, "upload_bytes": {platform: bytes received in total}};
POST /_delete?id=ID marks a post deleted on its platform; POST /_reset forgets everything.
Usage: platforms_server.py [--port 0]; prints the port on the first line of stdout. It exits
when its parent process does (a crashed test leaves no server behind).
"""
import hashlib
import json
import re
import threading
import time
import urllib.parse

import fakelib

KIB256 = 256 * 1024
MIB = 1024 * 1024
LOCK = threading.Lock()
S = {}


def reset():
    S.clear()
    S.update({
        "faults": {}, "posts": {"youtube": 0, "instagram": 0, "tiktok": 0},
        "access": {"yt-access-0": "youtube", "ig-access-0": "instagram", "tt-access-0": "tiktok"},
        "expired": set(), "refresh": {"yt-refresh-0": "youtube", "ig-refresh-0": "instagram",
                                      "tt-refresh-0": "tiktok"},
        "seq": 0, "yt_sessions": {}, "videos": {}, "containers": {}, "tt": {},
        "refreshes": {"youtube": 0, "instagram": 0, "tiktok": 0}, "requests": {},
        "upload_bytes": {"youtube": 0, "instagram": 0, "tiktok": 0}, "last_meta": {}, "stalled": 0,
    })


reset()


def nid(prefix):
    S["seq"] += 1
    return "%s%d" % (prefix, S["seq"])


def fault(name):
    """True (and one use consumed) when fault name is armed."""
    n = S["faults"].get(name, 0)
    if n == 0:
        return False
    if n > 0:
        S["faults"][name] = n - 1
    return True


def armed(name):
    return S["faults"].get(name, 0) != 0


def sha(b):
    return hashlib.sha256(b).hexdigest()


def post_done(platform, vid, data, **extra):
    S["posts"][platform] += 1
    rec = {"platform": platform, "sha256": sha(data), "size": len(data), "deleted": False,
           "created": int(time.time())}
    rec.update(extra)
    S["videos"][vid] = rec


class Handler(fakelib.Handler):
    log_name = "platforms"

    # ---- plumbing ---------------------------------------------------------------------------
    def reply(self, status, body=None, headers=None, ctype="application/json"):
        """fakelib's send with this fake's argument order (headers before ctype)."""
        self.send(status, body, ctype, headers or ())

    def read_body(self, stop_at=None):
        """The request body; with stop_at, reads only that many bytes and returns (bytes, cut)."""
        n = int(self.headers.get("Content-Length") or 0)
        if stop_at is not None and stop_at < n:
            got = self.rfile.read(stop_at) if stop_at > 0 else b""
            return got, True
        return (self.rfile.read(n) if n else b""), False

    def upload(self, platform, data, drop_at=None):
        """Appends the request body to data (a bytearray; None keeps nothing) and counts it in
        upload_bytes. drop_at: reads only that many bytes, then cuts the connection as a network
        failure mid-chunk would. True when the connection was cut."""
        got, _ = self.read_body(drop_at)
        if data is not None:
            data += got
        S["upload_bytes"][platform] += len(got)
        if drop_at is None:
            return False
        self.drop()
        return True

    def params(self, body=b""):
        """Query parameters merged with a form body."""
        q = dict(urllib.parse.parse_qsl(self.url.query))
        ct = self.headers.get("Content-Type", "")
        if body and ct.startswith("application/x-www-form-urlencoded"):
            q.update(urllib.parse.parse_qsl(body.decode()))
        return q

    def bearer(self):
        h = self.headers.get("Authorization", "")
        for p in ("Bearer ", "OAuth "):
            if h.startswith(p):
                return h[len(p):]
        return None

    def auth(self, platform):
        """None when the token is good; else the reply has been sent and True is returned."""
        tok = self.bearer()
        ok = tok in S["access"] and S["access"][tok] == platform and tok not in S["expired"]
        if ok:
            return None
        expired = tok in S["expired"]
        if platform == "youtube":
            self.reply(401, {"error": {"code": 401, "status": "UNAUTHENTICATED",
                                       "message": "Request had invalid authentication credentials.",
                                       "errors": [{"reason": "authError"}]}})
        elif platform == "instagram":
            sub = 463 if expired else 467
            self.reply(400, {"error": {"message": "Error validating access token: Session has expired"
                                       if expired else "Invalid OAuth access token.",
                                       "type": "OAuthException", "code": 190, "error_subcode": sub}})
        else:
            self.reply(401, {"data": {}, "error": {"code": "access_token_invalid", "log_id": "L1",
                                                   "message": "The access token is invalid or not found in the request."}})
        return True

    def limited(self):
        if fault("429"):
            self.reply(429, {"error": {"code": 429, "message": "Too many requests"}},
                       headers={"Retry-After": "1"})
            return True
        return False

    def count(self, key):
        S["requests"][key] = S["requests"].get(key, 0) + 1

    def route(self, method):
        self.url = urllib.parse.urlsplit(self.path)
        p = self.url.path
        for pat, fn in ROUTES:
            m = re.fullmatch(pat, p)
            if m and fn[0] == method:
                if not p.startswith("/_"):
                    self.count(method + " " + pat)
                with LOCK:
                    return fn[1](self, *m.groups())
        self.read_body()
        self.reply(404, {"error": {"message": "no route %s %s" % (method, p)}})

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    # ---- control ----------------------------------------------------------------------------
    def c_stats(self):
        self.reply(200, {"posts": S["posts"], "videos": S["videos"], "refreshes": S["refreshes"],
                         "requests": S["requests"], "upload_bytes": S["upload_bytes"],
                         "last_meta": S["last_meta"], "stalled": S["stalled"]})

    def c_fault(self):
        self.read_body()
        q = self.params()
        S["faults"][q["name"]] = int(q.get("n", "1"))
        if q["name"] == "expire":
            S["expired"].update(S["access"].keys())
            S["faults"]["expire"] = 0
        if q["name"] == "revoke":
            S["refresh"].clear()
            S["faults"]["revoke"] = 0
        self.reply(200, {"ok": True})

    def c_delete(self):
        self.read_body()
        S["videos"][self.params()["id"]]["deleted"] = True
        self.reply(200, {"ok": True})

    def c_reset(self):
        self.read_body()
        reset()
        self.reply(200, {"ok": True})

    # ---- OAuth ------------------------------------------------------------------------------
    def new_access(self, platform, prefix):
        tok = nid(prefix + "-access-")
        S["access"][tok] = platform
        S["refreshes"][platform] += 1
        return tok

    def google_token(self):
        q = self.params(self.read_body()[0])
        if q.get("client_id") != "test-client" or q.get("client_secret") != "test-secret":
            return self.reply(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        if q.get("grant_type") != "refresh_token":
            return self.reply(400, {"error": "unsupported_grant_type"})
        if S["refresh"].get(q.get("refresh_token")) != "youtube":
            return self.reply(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        self.reply(200, {"access_token": self.new_access("youtube", "yt"), "expires_in": 3599,
                         "token_type": "Bearer", "scope": "https://www.googleapis.com/auth/youtube.upload"})

    def graph_token(self):
        q = self.params(self.read_body()[0])
        if q.get("client_id") != "test-client" or q.get("client_secret") != "test-secret":
            return self.reply(400, {"error": {"message": "Error validating application.", "type": "OAuthException", "code": 101}})
        old = q.get("fb_exchange_token")
        if q.get("grant_type") != "fb_exchange_token" or not (S["refresh"].get(old) == "instagram" or
                                                               S["access"].get(old) == "instagram"):
            return self.reply(400, {"error": {"message": "Error validating access token: The session has been invalidated.",
                                              "type": "OAuthException", "code": 190, "error_subcode": 460}})
        self.reply(200, {"access_token": self.new_access("instagram", "ig"), "token_type": "bearer",
                         "expires_in": 5183944})

    def tiktok_token(self):
        q = self.params(self.read_body()[0])
        if q.get("client_key") != "test-client" or q.get("client_secret") != "test-secret":
            return self.reply(401, {"error": "invalid_client", "error_description": "Client key or secret is incorrect."})
        old = q.get("refresh_token")
        if q.get("grant_type") != "refresh_token" or S["refresh"].get(old) != "tiktok":
            return self.reply(400, {"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.", "log_id": "L2"})
        del S["refresh"][old]
        new_refresh = nid("tt-refresh-")
        S["refresh"][new_refresh] = "tiktok"
        self.reply(200, {"access_token": self.new_access("tiktok", "tt"), "expires_in": 86400,
                         "open_id": "tt-user", "refresh_token": new_refresh,
                         "refresh_expires_in": 31536000, "scope": "video.publish,video.list",
                         "token_type": "Bearer"})

    # ---- YouTube ----------------------------------------------------------------------------
    def yt_start(self):
        body = self.read_body()[0]
        if self.auth("youtube") or self.limited():
            return
        q = self.params()
        if q.get("uploadType") != "resumable" or set(q.get("part", "").split(",")) != {"snippet", "status"}:
            return self.reply(400, {"error": {"code": 400, "message": "uploadType=resumable and part=snippet,status expected"}})
        try:
            total = int(self.headers["X-Upload-Content-Length"])
            ctype = self.headers["X-Upload-Content-Type"]
            meta = json.loads(body)
        except (KeyError, TypeError, ValueError):
            return self.reply(400, {"error": {"code": 400, "message": "X-Upload-Content-Length/Type and JSON metadata required"}})
        st = meta.get("status", {})
        sn = meta.get("snippet", {})
        why = None
        if not sn.get("title") or len(sn["title"]) > 100 or "<" in sn["title"]:
            why = "invalidTitle"
        elif "selfDeclaredMadeForKids" not in st:
            why = "status.selfDeclaredMadeForKids missing"
        elif st.get("privacyStatus") not in ("public", "private", "unlisted"):
            why = "invalidPrivacyStatus"
        elif st.get("publishAt") and st.get("privacyStatus") != "private":
            why = "invalidPublishAt: publishAt needs privacyStatus private"
        elif not sn.get("categoryId"):
            why = "invalidCategoryId"
        if why:
            return self.reply(400, {"error": {"code": 400, "message": why, "errors": [{"reason": why}]}})
        sid = nid("yts")
        S["yt_sessions"][sid] = {"total": total, "data": bytearray(), "meta": meta, "ctype": ctype,
                                 "video": None, "chunks": 0}
        S["last_meta"]["youtube"] = meta
        host = self.headers.get("Host")
        self.reply(200, {}, headers={"Location": "http://%s/upload/youtube/v3/videos?uploadType=resumable&upload_id=%s" % (host, sid)})

    def yt_put(self):
        q = self.params()
        s = S["yt_sessions"].get(q.get("upload_id"))
        if s is None:
            self.read_body()
            return self.reply(404, {"error": {"code": 404, "message": "upload session not found"}})
        if fault("yt_gone"):
            self.read_body()
            del S["yt_sessions"][q["upload_id"]]
            return self.reply(410, {"error": {"code": 410, "message": "upload session expired"}})
        cr = self.headers.get("Content-Range", "")
        have = len(s["data"])
        m = re.fullmatch(r"bytes \*/(\d+)", cr)
        if m:  # a status query
            self.read_body()
            return self.yt_state(s)
        m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", cr)
        if not m:
            self.read_body()
            return self.reply(400, {"error": {"code": 400, "message": "bad Content-Range %r" % cr}})
        a, b, total = (int(x) for x in m.groups())
        n = int(self.headers.get("Content-Length") or 0)
        if total != s["total"] or a != have or b - a + 1 != n or b >= total:
            self.read_body()
            return self.reply(400, {"error": {"code": 400, "message": "Content-Range %s does not follow the %d bytes received of %d" % (cr, have, s["total"])}})
        if b + 1 < total and n % KIB256:
            self.read_body()
            return self.reply(400, {"error": {"code": 400, "message": "a chunk that is not the last must be a multiple of 256 KiB"}})
        if s["chunks"] >= 1 and fault("yt_500"):
            self.read_body()
            return self.reply(500, {"error": {"code": 500, "message": "Backend Error"}})
        s["chunks"] += 1
        cut40 = int(total * 0.4)
        if a < cut40 < b + 1 and fault("yt_stall40"):
            got, _ = self.read_body(cut40 - a)
            s["data"] += got
            S["upload_bytes"]["youtube"] += len(got)
            S["stalled"] += 1
            LOCK.release()  # the other requests go on meanwhile (the route holds the lock)
            try:
                time.sleep(60)
            finally:
                LOCK.acquire()
            return self.drop()
        drop = a < cut40 < b + 1 and fault("yt_drop40")
        if self.upload("youtube", s["data"], cut40 - a if drop else None):
            return
        if len(s["data"]) == total and s["video"] is None:
            vid = nid("ytv")
            s["video"] = vid
            post_done("youtube", vid, bytes(s["data"]), meta=s["meta"], thumbnail=None, captions=None)
        return self.yt_state(s)

    def yt_state(self, s):
        if s["video"]:
            v = S["videos"][s["video"]]
            return self.reply(200, {"kind": "youtube#video", "id": s["video"], "snippet": v["meta"].get("snippet"),
                                    "status": dict(v["meta"].get("status", {}), uploadStatus="uploaded")})
        h = {"Range": "bytes=0-%d" % (len(s["data"]) - 1)} if s["data"] else {}
        self.reply(308, None, headers=h)

    def yt_video(self, vid):
        v = S["videos"].get(vid)
        if not v or v["platform"] != "youtube" or v["deleted"]:
            return self.reply(404, {"error": {"code": 404, "message": "Video not found", "errors": [{"reason": "videoNotFound"}]}})
        return v

    def yt_thumb(self):
        body = self.read_body()[0]
        if self.auth("youtube") or self.limited():
            return
        v = self.yt_video(self.params().get("videoId", ""))
        if v is None or not isinstance(v, dict):
            return
        if len(body) > 2 * MIB:
            return self.reply(400, {"error": {"code": 400, "message": "mediaBodyTooBig"}})
        if not (body[:3] == b"\xff\xd8\xff" or body[:8] == b"\x89PNG\r\n\x1a\n"):
            return self.reply(400, {"error": {"code": 400, "message": "invalidImage"}})
        v["thumbnail"] = sha(body)
        self.reply(200, {"kind": "youtube#thumbnailSetResponse", "items": [{"default": {"url": "x"}}]})

    def yt_caption(self):
        body = self.read_body()[0]
        if self.auth("youtube") or self.limited():
            return
        q = self.params()
        ct = self.headers.get("Content-Type", "")
        m = re.search(r"boundary=\"?([^\";]+)", ct)
        if q.get("uploadType") != "multipart" or not ct.startswith("multipart/related") or not m:
            return self.reply(400, {"error": {"code": 400, "message": "multipart/related upload expected"}})
        parts = [p for p in body.split(b"--" + m.group(1).encode()) if p.strip() not in (b"", b"--")]
        try:
            meta = json.loads(parts[0].split(b"\r\n\r\n", 1)[1])
            srt = parts[1].split(b"\r\n\r\n", 1)[1]
        except (IndexError, ValueError):
            return self.reply(400, {"error": {"code": 400, "message": "two parts expected: JSON metadata and the caption file"}})
        v = self.yt_video(meta.get("snippet", {}).get("videoId", ""))
        if v is None or not isinstance(v, dict):
            return
        if b"-->" not in srt or not meta["snippet"].get("language"):
            return self.reply(400, {"error": {"code": 400, "message": "invalid caption track"}})
        v["captions"] = sha(srt.rstrip(b"\r\n"))
        self.reply(200, {"kind": "youtube#caption", "id": nid("cap"), "snippet": meta["snippet"]})

    def yt_list(self):
        self.read_body()
        if self.auth("youtube") or self.limited():
            return
        items = []
        for vid in self.params().get("id", "").split(","):
            v = S["videos"].get(vid)
            if v and v["platform"] == "youtube" and not v["deleted"]:
                items.append({"id": vid, "statistics": {"viewCount": "1200", "likeCount": "45",
                                                        "favoriteCount": "0", "commentCount": "7"},
                              "status": {"uploadStatus": "processed", "privacyStatus": v["meta"]["status"]["privacyStatus"]}})
        self.reply(200, {"kind": "youtube#videoListResponse", "items": items,
                         "pageInfo": {"totalResults": len(items)}})

    def yt_report(self):
        self.read_body()
        if self.auth("youtube") or self.limited():
            return
        q = self.params()
        m = re.fullmatch(r"video==(\S+)", q.get("filters", ""))
        if q.get("ids") != "channel==MINE" or not m or not q.get("startDate") or not q.get("endDate"):
            return self.reply(400, {"error": {"code": 400, "message": "ids, filters, startDate and endDate required"}})
        names = q.get("metrics", "").split(",")
        vals = {"views": 1100, "likes": 44, "comments": 7, "shares": 3,
                "estimatedMinutesWatched": 550, "averageViewDuration": 30}
        rows = [[vals.get(n, 0) for n in names]] if m.group(1) in S["videos"] else []
        self.reply(200, {"kind": "youtubeAnalytics#resultTable",
                         "columnHeaders": [{"name": n, "columnType": "METRIC", "dataType": "INTEGER"} for n in names],
                         "rows": rows})

    # ---- Instagram --------------------------------------------------------------------------
    def ig_err(self, status, msg, code=100, sub=None):
        e = {"message": msg, "type": "OAuthException", "code": code, "fbtrace_id": "T1"}
        if sub:
            e["error_subcode"] = sub
        self.reply(status, {"error": e})

    def ig_limit(self, user):
        self.read_body()
        if self.auth("instagram") or self.limited():
            return
        used = 50 if armed("ig_limit") else sum(1 for c in S["containers"].values() if c["state"] == "PUBLISHED")
        self.reply(200, {"data": [{"quota_usage": used, "config": {"quota_total": 50, "quota_duration": 86400}}]})

    def ig_create(self, user):
        body = self.read_body()[0]
        if self.auth("instagram") or self.limited():
            return
        q = self.params(body)
        if q.get("media_type") != "REELS" or q.get("upload_type") != "resumable":
            return self.ig_err(400, "media_type=REELS and upload_type=resumable expected")
        if len(re.findall(r"#\w", q.get("caption", ""))) > 30 or len(q.get("caption", "")) > 2200:
            return self.ig_err(400, "The caption has more than 30 hashtags or 2200 characters", 100, 2207035)
        cid = nid("igc")
        S["containers"][cid] = {"user": user, "caption": q.get("caption", ""), "data": bytearray(),
                                "size": None, "state": "IN_PROGRESS", "polls": 0, "media": None,
                                "error": fault("ig_error")}
        S["last_meta"]["instagram"] = q
        host = self.headers.get("Host")
        self.reply(200, {"id": cid, "uri": "http://%s/rupload/ig-api-upload/v21.0/%s" % (host, cid)})

    def ig_upload(self, cid):
        c = S["containers"].get(cid)
        if c is None:
            self.read_body()
            return self.reply(404, {"debug_info": {"type": "NotFound", "message": "unknown container"}})
        if self.auth("instagram"):
            return
        try:
            off, size = int(self.headers["offset"]), int(self.headers["file_size"])
        except (KeyError, TypeError, ValueError):
            self.read_body()
            return self.reply(400, {"debug_info": {"type": "ProcessingFailedError", "message": "offset and file_size headers required"}})
        n = int(self.headers.get("Content-Length") or 0)
        if off > len(c["data"]) or off + n != size:
            self.read_body()
            return self.reply(400, {"debug_info": {"type": "ProcessingFailedError", "message": "offset %d past the %d bytes received" % (off, len(c["data"]))}})
        del c["data"][off:]
        c["size"] = size
        cut40 = int(size * 0.4)
        drop = off < cut40 and fault("ig_drop40")
        if self.upload("instagram", c["data"], cut40 - off if drop else None):
            return
        self.reply(200, {"success": True, "message": "Upload successful."})

    def ig_upload_status(self, cid):
        """GET on the upload URL: how many bytes arrived (the offset a resumed upload starts at),
        after the pattern of Meta's resumable uploads (a GET on the session gives the offset)."""
        self.read_body()
        c = S["containers"].get(cid)
        if c is None:
            return self.reply(404, {"debug_info": {"type": "NotFound", "message": "unknown container"}})
        if self.auth("instagram"):
            return
        self.reply(200, {"offset": len(c["data"])})

    def ig_object(self, oid):
        self.read_body()
        if self.auth("instagram") or self.limited():
            return
        c = S["containers"].get(oid)
        if c is not None:
            if c["state"] == "IN_PROGRESS" and c["size"] and len(c["data"]) == c["size"] and not armed("ig_stuck"):
                c["polls"] += 1
                if c["polls"] >= 2:
                    c["state"] = "ERROR" if c["error"] else "FINISHED"
            st = {"IN_PROGRESS": "In Progress", "FINISHED": "Finished", "PUBLISHED": "Published",
                  "ERROR": "Error: Media upload has failed with error code 2207026 (unsupported video format)"}
            return self.reply(200, {"id": oid, "status_code": c["state"], "status": st[c["state"]]})
        v = S["videos"].get(oid)
        if v and v["platform"] == "instagram" and not v["deleted"]:
            return self.reply(200, {"id": oid, "permalink": "https://www.instagram.com/reel/%s/" % oid,
                                    "shortcode": oid, "caption": v["caption"], "media_type": "VIDEO"})
        self.ig_err(400, "Unsupported get request. Object with ID '%s' does not exist" % oid, 100, 33)

    def ig_publish(self, user):
        body = self.read_body()[0]
        if self.auth("instagram") or self.limited():
            return
        c = S["containers"].get(self.params(body).get("creation_id"))
        if c is None or c["user"] != user:
            return self.ig_err(400, "Invalid creation_id", 100)
        if c["state"] == "PUBLISHED":
            return self.ig_err(400, "The media has already been published", 9007, 2207008)
        if c["state"] != "FINISHED":
            return self.ig_err(400, "Media ID is not available", 9007, 2207027)
        mid = nid("igm")
        c["state"], c["media"] = "PUBLISHED", mid
        post_done("instagram", mid, bytes(c["data"]), caption=c["caption"], user=user)
        self.reply(200, {"id": mid})

    def ig_media_list(self, user):
        self.read_body()
        if self.auth("instagram") or self.limited():
            return
        data = [{"id": k, "caption": v["caption"], "permalink": "https://www.instagram.com/reel/%s/" % k}
                for k, v in sorted(S["videos"].items(), key=lambda kv: -kv[1]["created"])
                if v["platform"] == "instagram" and v.get("user") == user and not v["deleted"]]
        self.reply(200, {"data": data})

    def ig_insights(self, mid):
        self.read_body()
        if self.auth("instagram") or self.limited():
            return
        v = S["videos"].get(mid)
        if not v or v["platform"] != "instagram" or v["deleted"]:
            return self.ig_err(400, "Unsupported get request. Object with ID '%s' does not exist" % mid, 100, 33)
        vals = {"views": 900, "reach": 800, "likes": 60, "comments": 5, "shares": 4, "saved": 9,
                "ig_reels_avg_watch_time": 8500, "ig_reels_video_view_total_time": 7650000}
        data = [{"name": n, "period": "lifetime", "values": [{"value": vals[n]}], "id": mid + "/insights/" + n}
                for n in self.params().get("metric", "").split(",") if n in vals]
        self.reply(200, {"data": data})

    # ---- TikTok -----------------------------------------------------------------------------
    def tt_reply(self, status, data, code="ok", msg=""):
        self.reply(status, {"data": data, "error": {"code": code, "message": msg, "log_id": "L3"}})

    def tt_json(self):
        body = self.read_body()[0]
        if self.auth("tiktok") or self.limited():
            return None
        try:
            return json.loads(body or b"{}")
        except ValueError:
            self.tt_reply(400, {}, "invalid_params", "body is not JSON")
            return None

    def tt_creator(self):
        if self.tt_json() is None:
            return
        opts = ["SELF_ONLY"] if armed("tt_unaudited") else ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
        self.tt_reply(200, {"creator_username": "tester", "creator_nickname": "Tester",
                            "privacy_level_options": opts, "comment_disabled": False,
                            "duet_disabled": False, "stitch_disabled": True,
                            "max_video_post_duration_sec": 600})

    def tt_init(self):
        req = self.tt_json()
        if req is None:
            return
        pi, si = req.get("post_info", {}), req.get("source_info", {})
        size, chunk, count = si.get("video_size", 0), si.get("chunk_size", 0), si.get("total_chunk_count", 0)
        if si.get("source") != "FILE_UPLOAD" or size <= 0 or chunk <= 0:
            return self.tt_reply(400, {}, "invalid_params", "source_info: FILE_UPLOAD with video_size and chunk_size")
        if size < 5 * MIB:
            good = chunk == size and count == 1
        else:
            good = (5 * MIB <= chunk <= 64 * MIB and count == size // chunk and
                    size - (count - 1) * chunk <= 128 * MIB)
        if not good:
            return self.tt_reply(400, {}, "invalid_params", "the chunk plan does not follow the media transfer rules")
        if pi.get("privacy_level") not in ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"):
            return self.tt_reply(400, {}, "invalid_params", "privacy_level")
        if armed("tt_unaudited") and pi["privacy_level"] != "SELF_ONLY":
            return self.tt_reply(403, {}, "unaudited_client_can_only_post_to_private_accounts",
                                 "Please review our integration guidelines at https://developers.tiktok.com/doc/content-sharing-guidelines/")
        pid = nid("v_pub_file~")
        S["tt"][pid] = {"size": size, "chunk": chunk, "count": count, "data": bytearray(),
                        "info": pi, "state": "PROCESSING_UPLOAD", "polls": 0, "post": None,
                        "failed": fault("tt_failed")}
        S["last_meta"]["tiktok"] = req
        host = self.headers.get("Host")
        self.tt_reply(200, {"publish_id": pid,
                            "upload_url": "http://%s/tiktok-upload/video/?upload_id=%s&upload_token=tok" % (host, pid)})

    def tt_upload(self):
        q = self.params()
        t = S["tt"].get(q.get("upload_id"))
        if t is None or t["state"] != "PROCESSING_UPLOAD":
            self.read_body()
            return self.reply(404, {"error": {"code": "not_found", "message": "upload not found or finished"}})
        m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", self.headers.get("Content-Range", ""))
        n = int(self.headers.get("Content-Length") or 0)
        if not m:
            self.read_body()
            return self.reply(400, {"error": {"code": "invalid_params", "message": "Content-Range required"}})
        a, b, total = (int(x) for x in m.groups())
        k = a // t["chunk"]
        last = min(k, t["count"] - 1) == t["count"] - 1
        want_b = t["size"] - 1 if last else a + t["chunk"] - 1
        if total != t["size"] or a % t["chunk"] or b != want_b or n != b - a + 1 or a > len(t["data"]):
            self.read_body()
            return self.reply(400, {"error": {"code": "invalid_params", "message": "chunk %s off the plan" % self.headers.get("Content-Range")}})
        del t["data"][a:]
        cut40 = int(total * 0.4)
        drop = a < cut40 <= b and fault("tt_drop40")
        if self.upload("tiktok", None if drop else t["data"], cut40 - a if drop else None):
            return
        if len(t["data"]) < t["size"]:
            return self.reply(206, None, headers={"Content-Range": "bytes 0-%d/%d" % (len(t["data"]) - 1, total)})
        t["state"] = "UPLOADED"
        self.reply(201, None)

    def tt_status(self):
        req = self.tt_json()
        if req is None:
            return
        t = S["tt"].get(req.get("publish_id"))
        if t is None:
            return self.tt_reply(400, {}, "invalid_publish_id", "publish_id not found")
        if t["state"] == "UPLOADED" and not armed("tt_stuck"):
            t["polls"] += 1
            if t["failed"]:
                t["state"] = "FAILED"
            elif t["polls"] >= 2:
                t["state"] = "PUBLISH_COMPLETE"
                post = str(7300000000000000000 + S["seq"])
                S["seq"] += 1
                t["post"] = post
                post_done("tiktok", post, bytes(t["data"]), title=t["info"].get("title"),
                          privacy=t["info"]["privacy_level"])
        shown = "PROCESSING_UPLOAD" if t["state"] == "UPLOADED" else t["state"]
        d = {"status": shown, "uploaded_bytes": len(t["data"])}
        if t["state"] == "FAILED":
            d["fail_reason"] = "file_format_check_failed"
        if t["post"]:
            d["publicaly_available_post_id"] = [int(t["post"])] if t["info"]["privacy_level"] != "SELF_ONLY" else []
            d["vidc_fake_post_id"] = t["post"]
        self.tt_reply(200, d)

    def tt_query(self):
        req = self.tt_json()
        if req is None:
            return
        fields = self.params().get("fields", "").split(",")
        out = []
        for vid in req.get("filters", {}).get("video_ids", []):
            v = S["videos"].get(str(vid))
            if v and v["platform"] == "tiktok" and not v["deleted"]:
                full = {"id": str(vid), "title": v.get("title"), "view_count": 1500, "like_count": 120,
                        "comment_count": 11, "share_count": 6, "duration": 42,
                        "share_url": "https://www.tiktok.com/@tester/video/%s" % vid}
                out.append({k: full[k] for k in fields if k in full})
        self.tt_reply(200, {"videos": out, "cursor": 0, "has_more": False})


def H(method, fn):
    return (method, fn)


ROUTES = [
    (r"/_stats", H("GET", Handler.c_stats)),
    (r"/_fault", H("POST", Handler.c_fault)),
    (r"/_delete", H("POST", Handler.c_delete)),
    (r"/_reset", H("POST", Handler.c_reset)),
    (r"/google/token", H("POST", Handler.google_token)),
    (r"/upload/youtube/v3/videos", H("POST", Handler.yt_start)),
    (r"/upload/youtube/v3/videos", H("PUT", Handler.yt_put)),
    (r"/upload/youtube/v3/thumbnails/set", H("POST", Handler.yt_thumb)),
    (r"/upload/youtube/v3/captions", H("POST", Handler.yt_caption)),
    (r"/youtube/v3/videos", H("GET", Handler.yt_list)),
    (r"/youtubeanalytics/v2/reports", H("GET", Handler.yt_report)),
    (r"/graph/v21.0/oauth/access_token", H("POST", Handler.graph_token)),
    (r"/graph/v21.0/([^/]+)/content_publishing_limit", H("GET", Handler.ig_limit)),
    (r"/graph/v21.0/([^/]+)/media", H("POST", Handler.ig_create)),
    (r"/graph/v21.0/([^/]+)/media", H("GET", Handler.ig_media_list)),
    (r"/graph/v21.0/([^/]+)/media_publish", H("POST", Handler.ig_publish)),
    (r"/graph/v21.0/([^/]+)/insights", H("GET", Handler.ig_insights)),
    (r"/graph/v21.0/([^/]+)", H("GET", Handler.ig_object)),
    (r"/rupload/ig-api-upload/v21.0/([^/]+)", H("POST", Handler.ig_upload)),
    (r"/rupload/ig-api-upload/v21.0/([^/]+)", H("GET", Handler.ig_upload_status)),
    (r"/tiktok/v2/oauth/token/", H("POST", Handler.tiktok_token)),
    (r"/tiktok/v2/post/publish/creator_info/query/", H("POST", Handler.tt_creator)),
    (r"/tiktok/v2/post/publish/video/init/", H("POST", Handler.tt_init)),
    (r"/tiktok/v2/post/publish/status/fetch/", H("POST", Handler.tt_status)),
    (r"/tiktok/v2/video/query/", H("POST", Handler.tt_query)),
    (r"/tiktok-upload/video/", H("PUT", Handler.tt_upload)),
]


def main():
    a = fakelib.arg_parser().parse_args()
    fakelib.serve(Handler, a.port, a.host)


if __name__ == "__main__":
    main()
