#!/usr/bin/env python3
"""tts_server.py - a fake of the TTS services vidc's voice stage talks to, for tests/sh/voice.sh.

Python 3 standard library only. Speaks, on one port:
  openai      POST /v1/audio/speech            (Authorization: Bearer KEY) -> WAV
  elevenlabs  POST /v1/text-to-speech/ID/with-timestamps?output_format=pcm_24000
                                               (xi-api-key: KEY) -> JSON {audio_base64, alignment}
              GET  /v1/voices                  (xi-api-key: KEY) -> JSON {voices: [...]}
  coqui       GET  /api/tts?text=&speaker_id=&language_id=&style_wav= -> WAV
  piper       POST /  {text, voice?, length_scale?} -> WAV;  GET /voices -> JSON object
  bark        POST /generate {text, voice_preset} -> WAV
The audio is real speech from `espeak-ng --stdout` (so alignment has pauses to find); the
ElevenLabs character alignment spreads the characters over the speech in proportion.

Usage: tts_server.py [--port 0] [--key test-key] [--mode MODE]
Prints the port on the first line of stdout. Modes (also settable with POST /_mode?mode=M):
  ok         everything works
  429        the first synthesis request per provider gets 429 with Retry-After: 1
  500        the first synthesis request per provider gets 500, later ones succeed
  drop       the first synthesis request per provider is cut off mid-body
  malformed  replies are 200 but broken: bad JSON, or bytes that are not audio
  malformed1 only the first synthesis request per provider gets such a reply
  slow       replies come after 5 s (beyond the client's timeout in the tests)
GET /_stats returns {"requests": {provider: count}}.
A wrong key gets 401 with the provider's error body, whatever the mode.
"""
import array
import base64
import io
import subprocess
import sys
import threading
import time
import urllib.parse
import wave

import fakelib

OPENAI_VOICES = {"alloy", "echo", "fable", "onyx", "nova", "shimmer"}
STATE = {"mode": "ok", "key": "test-key", "faulted": set(), "requests": {}}
LOCK = threading.Lock()


def speak(text, rate_wpm=175, voice="en-us"):
    """WAV bytes of text spoken by espeak-ng (22050 Hz mono 16-bit)."""
    return subprocess.run(["espeak-ng", "--stdout", "-v", voice, "-s", str(rate_wpm), text],
                          check=True, capture_output=True).stdout


def wav_samples(data):
    with wave.open(io.BytesIO(data)) as w:
        rate = w.getframerate()
        pcm = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        pcm.byteswap()
    return rate, pcm


def resample(pcm, src, dst):
    """Linear interpolation; good enough for a test signal."""
    n = int(len(pcm) * dst / src)
    out = array.array("h", bytes(2 * n))
    for i in range(n):
        x = i * src / dst
        j = int(x)
        f = x - j
        a = pcm[j] if j < len(pcm) else 0
        b = pcm[j + 1] if j + 1 < len(pcm) else a
        out[i] = int(a + (b - a) * f)
    return out


def char_alignment(text, pcm, rate):
    """Characters spread evenly over the span with sound."""
    loud = [i for i in range(0, len(pcm), rate // 100) if abs(pcm[i]) > 300]
    t0 = loud[0] / rate if loud else 0.0
    t1 = loud[-1] / rate if loud else len(pcm) / rate
    n = max(len(text), 1)
    step = (t1 - t0) / n
    return {
        "characters": list(text),
        "character_start_times_seconds": [round(t0 + i * step, 3) for i in range(len(text))],
        "character_end_times_seconds": [round(t0 + (i + 1) * step, 3) for i in range(len(text))],
    }


class Handler(fakelib.Handler):
    log_name = "tts_server"

    # -- replies --------------------------------------------------------------------------
    def fault(self, provider):
        """Applies the mode; returns True when the request has been answered by a fault."""
        with LOCK:
            STATE["requests"][provider] = STATE["requests"].get(provider, 0) + 1
            mode = STATE["mode"]
            first = provider not in STATE["faulted"]
            if mode in ("429", "500", "drop", "malformed1") and first:
                STATE["faulted"].add(provider)
        self.first_fault = mode == "malformed1" and first
        if mode == "slow":
            time.sleep(5)
            return False
        if not first:
            return False
        if mode == "429":
            self.send(429, {"error": {"message": "Rate limit reached"}}, headers={"Retry-After": "1"})
            return True
        if mode == "500":
            self.send(500, {"error": {"message": "The server had an error"}})
            return True
        if mode == "drop":
            self.send_cut("audio/wav", 100000, b"RIFF" + bytes(500))
            return True
        return False

    def malformed(self):
        # first_fault is set by fault() for the request being answered (malformed1 mode).
        return STATE["mode"] == "malformed" or getattr(self, "first_fault", False)

    def audio(self, text, rate_wpm=175):
        if self.malformed():
            self.send(200, b"this is not audio at all", "audio/wav")
        else:
            self.send(200, speak(text, rate_wpm), "audio/wav")

    # -- routes ---------------------------------------------------------------------------
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/_stats":
            with LOCK:
                return self.send(200, {"requests": STATE["requests"], "mode": STATE["mode"]})
        if url.path == "/v1/voices":
            if self.headers.get("xi-api-key") != STATE["key"]:
                return self.send(401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
            if self.malformed():
                return self.send(200, '{"voices": [{"voice_id": ')
            return self.send(200, {"voices": [
                {"voice_id": "21m00Tcm4TlvDq8ikWAM", "name": "Rachel", "labels": {"accent": "american", "gender": "female"}},
                {"voice_id": "ErXwobaYiN019PkySvjV", "name": "Antoni", "labels": {"accent": "american", "gender": "male"}}]})
        if url.path == "/voices":
            return self.send(200, {"en_US-lessac-medium": {"language": {"code": "en_US"}},
                                    "de_DE-thorsten-medium": {"language": {"code": "de_DE"}}})
        if url.path == "/api/tts":
            text = (q.get("text") or [""])[0]
            if not text or "language_id" not in q:
                return self.send(400, {"message": "text and language_id are required"})
            if self.fault("coqui"):
                return
            return self.audio(text)
        self.send(404, {"detail": "Not Found"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/_mode":
            with LOCK:
                STATE["mode"] = (q.get("mode") or ["ok"])[0]
                STATE["faulted"].clear()
                STATE["requests"].clear()
            return self.send(200, {"mode": STATE["mode"]})
        req = self.body_json()
        if url.path == "/v1/audio/speech":
            if self.headers.get("Authorization") != "Bearer " + STATE["key"]:
                return self.send(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                                  "code": "invalid_api_key"}})
            if (not isinstance(req, dict) or not req.get("input") or req.get("voice") not in OPENAI_VOICES
                    or not req.get("model") or req.get("response_format") not in ("wav", "pcm", "mp3")):
                return self.send(400, {"error": {"message": "Invalid request: need model, input, a known voice, response_format"}})
            if self.fault("openai"):
                return
            speed = float(req.get("speed") or 1.0)
            return self.audio(req["input"], int(175 * speed))
        if url.path.startswith("/v1/text-to-speech/") and url.path.endswith("/with-timestamps"):
            if self.headers.get("xi-api-key") != STATE["key"]:
                return self.send(401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
            if not isinstance(req, dict) or not req.get("text") or not req.get("model_id"):
                return self.send(422, {"detail": [{"msg": "field required: text, model_id"}]})
            if (q.get("output_format") or [""])[0] != "pcm_24000":
                return self.send(422, {"detail": [{"msg": "this fake only serves output_format=pcm_24000"}]})
            if self.fault("elevenlabs"):
                return
            if self.malformed():
                return self.send(200, '{"audio_base64": "UklGR')
            rate, pcm = wav_samples(speak(req["text"]))
            pcm = resample(pcm, rate, 24000)
            raw = pcm.tobytes() if sys.byteorder == "little" else (pcm.byteswap() or pcm.tobytes())
            return self.send(200, {"audio_base64": base64.b64encode(raw).decode(),
                                    "alignment": char_alignment(req["text"], pcm, 24000),
                                    "normalized_alignment": char_alignment(req["text"], pcm, 24000)})
        if url.path == "/":
            if not isinstance(req, dict) or not req.get("text"):
                return self.send(400, {"error": "JSON with \"text\" required"})
            if self.fault("piper"):
                return
            scale = float(req.get("length_scale") or 1.0)
            return self.audio(req["text"], int(175 / scale))
        if url.path == "/generate":
            if not isinstance(req, dict) or not req.get("text") or not req.get("voice_preset"):
                return self.send(400, {"error": "JSON with \"text\" and \"voice_preset\" required"})
            if self.fault("bark"):
                return
            return self.audio(req["text"])
        self.send(404, {"detail": "Not Found"})


def main():
    ap = fakelib.arg_parser()
    ap.add_argument("--key", default="test-key")
    ap.add_argument("--mode", default="ok", choices=["ok", "429", "500", "drop", "malformed", "malformed1", "slow"])
    a = ap.parse_args()
    STATE["mode"], STATE["key"] = a.mode, a.key
    fakelib.serve(Handler, a.port, a.host)


if __name__ == "__main__":
    main()
