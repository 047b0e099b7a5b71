#!/bin/sh
# `vidc lsp` (issue 15): a scripted Language Server Protocol session over stdio. initialize
# answers with full text sync and the position encoding; didOpen of a spec with an error and a
# warning publishes both with LSP's 0-based ranges (UTF-16 by default: a character before the
# error that takes 2 bytes counts 1), the error's code and its fix-it in data; didChange to a
# clean spec publishes an empty list; codeAction turns the fix-it into a quick fix; an unknown request gets MethodNotFound; shutdown then
# exit ends with status 0, and exit without shutdown with 1.
. "$(dirname "$0")/lib.sh"

cd "$tmp" || exit 2
VIDC=$OLDPWD/$VIDC

cat >lsp.py <<'EOF'
import json, os, subprocess, sys

vidc, folder = sys.argv[1], sys.argv[2]
proc = subprocess.Popen([vidc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def send(msg):
    body = json.dumps(dict(msg, jsonrpc="2.0")).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

def recv():
    n = None
    while True:
        line = proc.stdout.readline()
        assert line, "the server closed its output"
        if line == b"\r\n":
            break
        k, v = line.decode().split(":", 1)
        if k.lower() == "content-length":
            n = int(v)
    return json.loads(proc.stdout.read(n))

uri = "file://" + folder.replace(" ", "%20") + "/a%20spec.vid"
send({"id": 1, "method": "initialize", "params": {"capabilities": {}}})
r = recv()
assert r["id"] == 1 and r["result"]["capabilities"]["textDocumentSync"] == 1, r
assert r["result"]["capabilities"]["positionEncoding"] == "utf-16", r
send({"method": "initialized", "params": {}})

bad = 'video { preset youtube_long; fps 10 }\nscene a 2s {\n  text "é" { colr white }\n}\n'
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "vid", "version": 1, "text": bad}}})
n = recv()
assert n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri, n
ds = n["params"]["diagnostics"]
assert [(d["severity"], d["code"]) for d in ds] == [(2, "duration"), (1, "unknown-property")], ds
e = ds[1]
# "  text "é" { " is 14 bytes but 13 UTF-16 units: the property starts at character 13
assert e["range"] == {"start": {"line": 2, "character": 13}, "end": {"line": 2, "character": 17}}, e
assert e["source"] == "vidc" and "did you mean 'color'" in e["message"], e
fx = e["data"]["fixits"]
assert len(fx) == 1 and fx[0]["replacement"] == "color" and fx[0]["range"]["start"]["col"] == 15, fx

send({"id": 5, "method": "textDocument/codeAction",
      "params": {"textDocument": {"uri": uri}, "range": e["range"], "context": {"diagnostics": ds}}})
r = recv()
assert r["id"] == 5 and len(r["result"]) == 1, r
a = r["result"][0]
assert a["kind"] == "quickfix" and a["title"] == "Change to 'color'" and a["diagnostics"] == [e], a
assert a["edit"]["changes"] == {uri: [{"range": e["range"], "newText": "color"}]}, a

good = bad.replace("colr", "color")
send({"method": "textDocument/didChange",
      "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": good}]}})
n = recv()
assert [d["code"] for d in n["params"]["diagnostics"]] == ["duration"], n

send({"id": 2, "method": "textDocument/hover", "params": {}})
r = recv()
assert r["id"] == 2 and r["error"]["code"] == -32601, r
send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
n = recv()
assert n["params"]["diagnostics"] == [], n
send({"id": 3, "method": "shutdown"})
r = recv()
assert r["id"] == 3 and r["result"] is None, r
send({"method": "exit"})
assert proc.wait(timeout=10) == 0, proc.returncode

# exit without shutdown: status 1; UTF-8 positions when the client offers them
proc = subprocess.Popen([vidc, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
send({"id": 1, "method": "initialize",
      "params": {"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}})
assert recv()["result"]["capabilities"]["positionEncoding"] == "utf-8"
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "vid", "version": 1, "text": bad}}})
e = recv()["params"]["diagnostics"][1]
assert e["range"]["start"] == {"line": 2, "character": 14}, e
send({"method": "exit"})
assert proc.wait(timeout=10) == 1, proc.returncode
print("ok")
EOF
expect 0 "scripted LSP session" -- python3 lsp.py "$VIDC" "$tmp"
has out "ok" "scripted LSP session"
[ -s err ] && sed 's/^/    /' err | tail -8

exit $fail
