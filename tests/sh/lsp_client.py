"""lsp_client.py - the Language Server Protocol client the shell tests share (lsp.sh, group.sh).

It starts `vidc lsp` and speaks JSON-RPC over its stdio with LSP's Content-Length framing. A
test runs its script with PYTHONPATH=tests/sh (/usr/bin/python3), imports Client and asserts
on the replies itself.
Python 3 standard library only.
"""
import json
import subprocess


class Client:
    """One `vidc lsp` process. stderr as subprocess.Popen's (None: the test's own)."""

    def __init__(self, vidc, stderr=None):
        self.proc = subprocess.Popen([vidc, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr)

    def send(self, msg):
        """Sends one message (a request with an id, or a notification without)."""
        body = json.dumps(dict(msg, jsonrpc="2.0")).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def recv(self):
        """Reads the next message; headers other than Content-Length are skipped."""
        n = None
        while True:
            line = self.proc.stdout.readline()
            assert line, "the server closed its output"
            if line == b"\r\n":
                break
            k, v = line.decode().split(":", 1)
            if k.lower() == "content-length":
                n = int(v)
        assert n is not None, "a message without Content-Length"
        return json.loads(self.proc.stdout.read(n))

    def initialize(self, capabilities=None):
        """The initialize request (id 1); returns the server's reply for the test to check."""
        self.send({"id": 1, "method": "initialize", "params": {"capabilities": capabilities or {}}})
        return self.recv()

    def wait(self, timeout=10):
        return self.proc.wait(timeout=timeout)
