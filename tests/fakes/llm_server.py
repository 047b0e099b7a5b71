#!/usr/bin/env python3
"""A fake OpenAI-compatible chat-completions server for vidc's tests (Python 3 stdlib only).

    python3 tests/fakes/llm_server.py [--port 0] [--key sk-test] [--mode ok] [--delay 5]

Prints the port it listens on as the first line of standard output, then serves until killed.
It speaks POST /v1/chat/completions faithfully: checks "Authorization: Bearer KEY", the request
JSON (model, messages with role/content, response_format json_object or json_schema) and returns
a chat.completion object whose choices[0].message.content is a script built from the article
text in the request, sized to the word budget the system message asks for, so vidc's
validation of it is real.

Modes (--mode, or POST /_mode with {"mode": "..."}) script the faults:
  ok          every request succeeds
  429         the first request gets 429 Too Many Requests with Retry-After: 1, then ok
  500         the first request gets 500, then ok
  malformed   the first reply's content is not JSON; the next (the repair) is valid
  invalid     every reply breaks the schema (duration_est is a string)
  slow        sleeps --delay seconds before replying (beyond the client's timeout)
  notchat     replies 200 with a JSON body that is not a chat.completion
A wrong key always gets 401 with OpenAI's error body. GET /_stats returns {"requests": N,
"repairs": N} (repairs: requests whose last user message carried vidc's validator error).

Spec requests (`vidc make --spec-by llm`: the system message starts "You write the .vid spec")
get a spec in a ```vid fence, built from the request's presets, voice, captions, sections and
assets, so vidc's compile of it is real. Every spec request's messages are recorded: GET
/_spec_requests returns them as a list (one list of {role, content} per request). Spec modes:
  spec3       the first spec has three errors (an unknown video property, a fade without its
              unit, a misspelt template); the next is fixed
  specnever   every spec has those three errors
  specevil    the first spec imports /etc/passwd and the --outside file and shows the image
              ../secret.png (outside the project); the next is fixed
  spec500     the first spec request gets 500, then ok
  specgarbage every spec request gets 200 with a body that is not JSON
The script modes above apply to script requests only; ok serves both.
"""
import json
import re
import threading
import time

import fakelib

STATE = {"mode": "ok", "requests": 0, "repairs": 0, "key": "sk-test", "delay": 5.0,
         "spec_requests": [], "outside": "/etc/hostname"}
LOCK = threading.Lock()


def build_script(system, user, platforms):
    """A valid script from the article text of the user message, sized to the asked budget."""
    m = re.search(r"aim for about (\d+)", system)
    aim = int(m.group(1)) if m else 120
    m = re.search(r"between (\d+) and (\d+) words", system)
    wmax = int(m.group(2)) if m else aim * 2
    text = user.split("Article text:\n", 1)[-1]
    sentences = []
    for line in text.splitlines():
        for s in re.split(r"(?<=[.!?。！？])\s*", line):
            s = s.strip()
            if len(s.split()) >= 4 or (s and len(s) >= 12 and not s.isascii()):
                sentences.append(s)
    title = re.search(r"^Title: (.*)$", user, re.M)
    title = title.group(1) if title else "Video"
    hook = sentences[0] if sentences else title
    points, words = [], len(hook.split()) + 12
    for s in sentences[1:]:
        n = len(s.split())
        if words + n > min(aim, wmax - 10):
            break
        points.append({"text": s, "duration_est": round(n / 2.75, 2),
                       "visual_cue": "text card: " + " ".join(s.split()[:3]),
                       "text_overlay": " ".join(s.split()[:4])})
        words += n
        if len(points) >= 12:
            break
    if not points:
        points = [{"text": title, "duration_est": 3, "visual_cue": "", "text_overlay": ""}]
    chapters = [{"time": 0, "title": "Intro"}]
    t = 6.0
    for i, p in enumerate(points):
        chapters.append({"time": round(t, 2), "title": "Part %d" % (i + 1)})
        t += p["duration_est"]
    seo = {}
    for pf in platforms:
        seo[pf] = {"title": title[:100], "description": hook,
                   "tags": ["fake", "llm", "#test"]}
    return {"hook": hook, "intro": "Here is what you need to know.", "points": points,
            "cta": "Follow for more.", "chapter_markers": chapters,
            "total_estimated_duration": round(t + 3, 2), "seo": seo}


def field(user, name):
    m = re.search(r"^%s: (.*)$" % re.escape(name), user, re.M)
    return m.group(1).strip() if m else ""


def build_spec(user, errors=None):
    """A spec from the request: one `use` per section, the asset's photo where it has one.
    errors: None, "three" (three different mistakes) or "evil" (files outside the project)."""
    presets = field(user, "Presets").split()
    wide = presets and all(p == "youtube_long" for p in presets)
    pre = "explainer" if wide else "short"
    voice = re.findall(r'"([^"]*)"', field(user, "Voice"))
    sections = [x.strip() for x in field(user, "Sections, in narration order (one scene each)").split(",")]
    assets = dict(re.findall(r'^- ([a-z0-9_]+): (?:photo|ai_image) "([^"]*)"', user, re.M))
    lines = ['import "templates/%s.vid"' % pre, ""]
    if errors == "evil":
        lines += ['import "/etc/passwd"', 'import "%s"' % STATE["outside"]]
    lines += ["video {", "  preset " + " ".join(presets), "  fps 30"]
    if errors == "three":
        lines.append("  backgroud #101010")
    lines += ["}", 'voice "%s" { timings "%s" }' % (voice[0], voice[1])]
    if field(user, "Captions") not in ("", "none"):
        lines.append("captions " + field(user, "Captions"))
    music = re.findall(r'"([^"]*)"', field(user, "Music"))
    if music:
        lines.append('music "%s" { volume 20%% }' % music[0])
    for i, sec in enumerate(sections):
        title = sec.capitalize()
        if i == 0 and errors in ("three", "evil"):
            lines += ["scene %s auto {" % sec, '  narrates "%s"' % sec,
                      '  image "../secret.png"' if errors == "evil" else "  solid #1d3557",
                      '  text "%s" { style vidc_title; fade_in %s }' %
                      (title, "300" if errors == "three" else "300ms"), "}"]
        elif sec == "cta":
            lines.append('use %s_end("%s", "Follow for more.")' % (pre, sec))
        elif sec in assets:
            lines.append('use %s_%s("%s", "%s", "%s")' %
                         (pre, "open" if i == 0 else "point", sec, title, assets[sec]))
        else:
            bad = errors == "three" and i == 1
            lines.append('use %s_%s("%s", "%s", #1d3557)' % (pre, "crad" if bad else "card", sec, title))
    return "```vid\n" + "\n".join(lines) + "\n```"


class Handler(fakelib.Handler):
    log_name = "llm_server"

    def error(self, status, message, etype="invalid_request_error", code=None, headers=()):
        self.send(status, {"error": {"message": message, "type": etype, "param": None,
                                      "code": code}}, headers=headers)

    def do_GET(self):
        if self.path == "/_spec_requests":
            with LOCK:
                self.send(200, STATE["spec_requests"])
        elif self.path == "/_stats":
            with LOCK:
                self.send(200, {"requests": STATE["requests"], "repairs": STATE["repairs"],
                                 "mode": STATE["mode"]})
        else:
            self.error(404, "Unknown path %s" % self.path)

    def do_POST(self):
        data = self.body_bytes()
        if self.path == "/_mode":
            with LOCK:
                STATE["mode"] = json.loads(data)["mode"]
                STATE["requests"] = STATE["repairs"] = 0
                STATE["spec_requests"] = []
            return self.send(200, {"ok": True})
        if self.path not in ("/v1/chat/completions", "/chat/completions"):
            return self.error(404, "Unknown request URL: POST %s" % self.path)
        with LOCK:
            STATE["requests"] += 1
            count = STATE["requests"]
            mode = STATE["mode"]
        auth = self.headers.get("Authorization", "")
        if auth != "Bearer " + STATE["key"]:
            return self.error(401, "Incorrect API key provided: %s." % (auth[7:11] + "****"),
                              code="invalid_api_key")
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            return self.error(400, "Content-Type must be application/json")
        try:
            req = json.loads(data)
        except ValueError as e:
            return self.error(400, "We could not parse the JSON body of your request: %s" % e)
        msgs = req.get("messages")
        if not isinstance(req.get("model"), str) or not req["model"]:
            return self.error(400, "you must provide a model parameter")
        if (not isinstance(msgs, list) or not msgs or
                any(not isinstance(m, dict) or m.get("role") not in
                    ("system", "user", "assistant") or not isinstance(m.get("content"), str)
                    for m in msgs)):
            return self.error(400, "'messages' must be a list of {role, content}")
        system = next((m["content"] for m in msgs if m["role"] == "system"), "")
        if system.startswith("You write the .vid spec"):
            return self.spec_reply(req, msgs, data, mode)
        rf = req.get("response_format", {})
        if rf.get("type") not in ("json_object", "json_schema"):
            return self.error(400, "response_format.type must be json_object or json_schema")
        if rf["type"] == "json_schema":
            js = rf.get("json_schema")
            if (not isinstance(js, dict) or not isinstance(js.get("name"), str) or
                    not isinstance(js.get("schema"), dict) or js["schema"].get("type") != "object"):
                return self.error(400, "response_format.json_schema needs a name and an object schema")
        repair = msgs[-1]["role"] == "user" and msgs[-1]["content"].startswith("Your reply is invalid")
        if repair:
            with LOCK:
                STATE["repairs"] += 1
        user = next((m["content"] for m in msgs if m["role"] == "user"), "")
        pm = re.search(r"one key per platform \(([^)]*)\)", system)
        platforms = [p.strip() for p in pm.group(1).split(",")] if pm else ["tiktok"]

        if mode == "429" and count == 1:
            return self.error(429, "Rate limit reached for requests", "requests",
                              "rate_limit_exceeded", headers={"Retry-After": "1"})
        if mode == "500" and count == 1:
            return self.error(500, "The server had an error while processing your request.",
                              "server_error")
        if mode == "slow":
            time.sleep(STATE["delay"])
        if mode == "notchat":
            return self.send(200, {"object": "list", "data": []})
        script = build_script(system, user, platforms)
        if mode == "malformed" and not repair:
            content = '{"hook": "Cold brew", "points": [ {"text": "unterminated'
        elif mode == "invalid":
            script["points"][0]["duration_est"] = "about five seconds"
            content = json.dumps(script)
        else:
            content = json.dumps(script, ensure_ascii=False)
        self.completion(req, data, count, content)

    def spec_reply(self, req, msgs, data, mode):
        """A spec request: recorded, then answered as the spec mode says."""
        if "response_format" in req and req["response_format"].get("type") != "text":
            return self.error(400, "a spec is text: no JSON response_format")
        with LOCK:
            STATE["spec_requests"].append(msgs)
            n = len(STATE["spec_requests"])
        if mode == "spec500" and n == 1:
            return self.error(500, "The server had an error while processing your request.",
                              "server_error")
        if mode == "specgarbage":
            return self.send(200, b"<html>502 upstream gone</html>", "text/html")
        user = msgs[1]["content"]
        errors = None
        if mode == "specnever" or (mode == "spec3" and n == 1):
            errors = "three"
        elif mode == "specevil" and n == 1:
            errors = "evil"
        content = "Here is the spec.\n\n" + build_spec(user, errors) + "\n"
        self.completion(req, data, STATE["requests"], content)

    def completion(self, req, data, count, content):
        self.send(200, {
            "id": "chatcmpl-fake%d" % count, "object": "chat.completion",
            "created": int(time.time()), "model": req["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": len(data) // 4, "completion_tokens": len(content) // 4,
                      "total_tokens": (len(data) + len(content)) // 4}})


def main():
    ap = fakelib.arg_parser()
    ap.add_argument("--key", default="sk-test")
    ap.add_argument("--mode", default="ok")
    ap.add_argument("--delay", type=float, default=5.0)
    ap.add_argument("--outside", default="/etc/hostname",
                    help="a file outside the project that specevil's first spec imports")
    a = ap.parse_args()
    STATE.update(mode=a.mode, key=a.key, delay=a.delay, outside=a.outside)
    fakelib.serve(Handler, a.port, a.host)


if __name__ == "__main__":
    main()
