"""fakelib.py - what the fake servers of tests/fakes/ share (Python 3 standard library only).

Each fake (llm_server, tts_server, platforms_server, stock_server, web_server) speaks one real
protocol; the plumbing under it is the same everywhere and lives here once: the threaded server
that prints its port on the first line of stdout (tests read it), a request handler with one
`send` (JSON, text or bytes), body readers, the cut-mid-body and dropped-connection faults, and
the "first request only" bookkeeping the fault modes use.
"""
import argparse
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            return  # a client that stops reading (a refused body, a timeout) is what tests want
        super().handle_error(request, client_address)


def arg_parser(host="127.0.0.1"):
    """An ArgumentParser with the options every fake takes: --port (0: any) and --host."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default=host)
    return ap


def serve(handler, port, host="127.0.0.1", on_port=None):
    """Listens on host:port, prints the port actually bound, then serves until killed or until
    the process that started it exits (a crashed test leaves no server behind).
    on_port(port) runs before the print, so a fake can build absolute URLs to itself."""
    srv = Server((host, port), handler)
    parent = os.getppid()

    def orphaned():  # the test that started us died without stopping us: do not linger
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    if on_port:
        on_port(srv.server_address[1])
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


class Once:
    """Remembers keys: first(key) is True only the first time key is seen since reset()."""

    def __init__(self):
        self.seen = set()
        self.lock = threading.Lock()

    def first(self, key):
        with self.lock:
            if key in self.seen:
                return False
            self.seen.add(key)
            return True

    def reset(self):
        with self.lock:
            self.seen.clear()


def encode(body):
    """Reply bytes: dicts and lists as JSON, strings as UTF-8, bytes as they are."""
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode()
    if isinstance(body, str):
        return body.encode()
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_name = None  # a prefix for stderr logging; None keeps the fake quiet

    def log_message(self, fmt, *args):
        if self.log_name:
            sys.stderr.write(self.log_name + ": " + (fmt % args) + "\n")

    def send(self, code, body=b"", ctype="application/json", headers=()):
        """One reply. body None: no Content-Type and no body; headers a dict or (name, value)
        pairs. A client that went away is not an error of the fake."""
        data = b"" if body is None else encode(body)
        try:
            self.send_response(code)
            if body is not None:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers.items() if isinstance(headers, dict) else headers):
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def body_bytes(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def body_json(self):
        """The request body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body_bytes().decode("utf-8"))
        except ValueError:
            return None

    def drop(self):
        """Cuts the connection without (the rest of) a reply, as a network failure would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send_cut(self, ctype, length, part, headers=()):
        """A 200 that promises length bytes, sends part of them, then drops the connection."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(part)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.drop()
