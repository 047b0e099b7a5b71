#!/bin/sh
# `vidc lsp` (issue 15): a scripted Language Server Protocol session over stdio. initialize
# answers with full text sync and the position encoding; didOpen of a spec with an error and a
# warning publishes both with LSP's 0-based ranges (UTF-16 by default: a character before the
# error that takes 2 bytes counts 1), the error's code and its fix-it in data; didChange to a
# clean spec publishes an empty list; codeAction turns the fix-it into a quick fix; an unknown
# request gets MethodNotFound. On a project (an import, a hook, a voice with word timings), with
# an error typed in: completion of properties (by layer kind), statements, style, template,
# effect and transition names and of the narration's words inside word("..."); hover on an
# anchor, a layer and a scene gives their resolved times; definition goes to a style and a
# template in the import, the imported file and a hook's .lua. shutdown then exit ends with
# status 0, and exit without shutdown with 1.
. "$(dirname "$0")/lib.sh"

cd "$tmp" || exit 2
VIDC=$OLDPWD/$VIDC

mkdir proj
cp "$OLDPWD/tests/fixtures/voice.json" "$OLDPWD/tests/fixtures/voice.wav" proj/
cp "$OLDPWD/tests/fixtures/red.png" proj/pic.png
cp "$OLDPWD/stdlib/effects/grain.lua" proj/wobble.lua
cat >proj/lib.vid <<'EOF'
// an import: a style and a template
style big { font_size 90px }
template title(t: string) {
  text t { style big }
}
EOF

cat >lsp.py <<'EOF'
import subprocess, sys
from lsp_client import Client

vidc, folder = sys.argv[1], sys.argv[2]
client = Client(vidc)
send, recv = client.send, client.recv

uri = "file://" + folder.replace(" ", "%20") + "/a%20spec.vid"
r = client.initialize()
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

send({"id": 2, "method": "textDocument/rename", "params": {}})
r = recv()
assert r["id"] == 2 and r["error"]["code"] == -32601, r
send({"method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
n = recv()
assert n["params"]["diagnostics"] == [], n
# completion, hover and definition on a project: an import with a style and a template, a
# hook, a voice with word timings (tests/fixtures/voice.json: "ratio" is said 1.51-1.90 s)
proj = folder + "/proj"
puri = "file://" + proj + "/main.vid"
lines = [
    'import "lib.vid"',                                                     # 0
    'hook wobble "wobble.lua"',                                             # 1
    'video { preset youtube_long; fps 10 }',                                # 2
    'voice "voice.wav" { timings "voice.json" }',                           # 3
    'scene a 3s {',                                                         # 4
    '  text "Cold" { style big; start word("ratio"); end 2.5s }',          # 5
    '  image "pic.png" { effect wobble }',                                  # 6
    '}',                                                                    # 7
    'scene b 3s {',                                                         # 8
    '  use title("Hi")',                                                    # 9
    '  transition fade 0.5s',                                               # 10
    '  ',                                                                   # 11
    '}',                                                                    # 12
    '',                                                                     # 13
]
main = "\n".join(lines)
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": puri, "languageId": "vid", "version": 1, "text": main}}})
assert recv()["params"]["uri"] == puri
# an error while typing: the spec is still answered for (the diagnostics say what is wrong)
broken = main.replace("style big;", "style big; colr red;")
send({"method": "textDocument/didChange",
      "params": {"textDocument": {"uri": puri, "version": 2}, "contentChanges": [{"text": broken}]}})
n = recv()
assert [d["code"] for d in n["params"]["diagnostics"] if d["severity"] == 1] == ["unknown-property"], n
lines = broken.split("\n")
rid = [100]
def ask(method, line, needle, delta=0):
    rid[0] += 1
    pos = {"line": line, "character": lines[line].index(needle) + delta if needle else len(lines[line])}
    send({"id": rid[0], "method": "textDocument/" + method,
          "params": {"textDocument": {"uri": puri}, "position": pos}})
    r = recv()
    assert r["id"] == rid[0] and "error" not in r, r
    return r["result"]
def labels(line, needle, delta=0):
    return [i["label"] for i in ask("completion", line, needle, delta)["items"]]

# 1. properties at a statement's start: a text layer's (its own and the text properties), an
# image layer's (no text ones), a scene's statements, the top level's
got = labels(5, "start", 1)
assert {"position", "opacity", "fade_in", "font_size", "color", "style"} <= set(got), got
assert "trim" not in got and "theme" not in got and "scene" not in got, got  # video / code only
got = labels(6, "effect", 2)
assert "fit" in got and "color" not in got and "font_size" not in got, got
got = labels(11, None)
assert {"text", "image", "solid", "transition", "narrates", "use"} <= set(got) and "opacity" not in got, got
assert labels(13, None)[:3] == ["video", "scene", "overlay"]
# 2. names: styles (the import's and the prelude's), templates, effects, transitions
got = labels(5, "big", 1)
assert "big" in got and "vidc_title" in got and "title" not in got, got
assert labels(9, "title", 2) == ["title"]
got = labels(6, "wobble", 1)
assert "wobble" in got and "grain" in got and "zoom" not in got, got      # zoom is a transition
got = labels(10, "fade", 1)
assert got[:6] == ["cut", "fade", "dissolve", "slide", "push", "wipe"], got
assert "zoom" in got and "wobble" in got and "grain" not in got, got
# 3. the narration's words inside an anchor, each once, without punctuation, with their time
items = ask("completion", 5, "ratio", 2)["items"]
words = [i["label"] for i in items]
assert words[:6] == ["Cold", "brew", "is", "easy", "The", "ratio"] and "coffee" in words, words
assert len(words) == len(set(w.lower() for w in words)), words
assert [i["detail"] for i in items if i["label"] == "ratio"] == ["at 1.51s"], items

# a document being typed (a block left open): the video block's properties, a video layer's
# (in a scene: not the video block's)
turi = "file://" + proj + "/typing.vid"
typing = 'video { preset tiktok\n  \n}\nscene a 2s {\n  video "c.mp4" {\n    tr'
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": turi, "languageId": "vid", "version": 1, "text": typing}}})
assert recv()["params"]["diagnostics"], "the open block is an error"
for pos, want, unwanted in [({"line": 1, "character": 2}, ["preset", "fps", "background"], "trim"),
                            ({"line": 5, "character": 6}, ["trim", "speed", "volume", "fade_in"], "preset")]:
    send({"id": 90, "method": "textDocument/completion",
          "params": {"textDocument": {"uri": turi}, "position": pos}})
    got = [i["label"] for i in recv()["result"]["items"]]
    assert set(want) <= set(got) and unwanted not in got, (pos, got)

# hover: the anchor's word (its start and end), the layer (in frames at 10 fps), the scene
h = ask("hover", 5, "word", 2)
assert h["contents"]["value"].startswith('**word("ratio")**: 1.51 s to 1.90 s'), h
assert "in scene `a` (0.00 s to 3.00 s)" in h["contents"]["value"], h
c0 = lines[5].index("word")
assert h["range"] == {"start": {"line": 5, "character": c0}, "end": {"line": 5, "character": c0 + 13}}, h
h = ask("hover", 5, "text", 1)
assert h["contents"]["value"].startswith("**text layer**: 1.50 s to 2.50 s"), h
h = ask("hover", 8, "scene", 1)
assert h["contents"]["value"].startswith("**scene b**: 3.00 s to 6.00 s"), h
assert ask("hover", 2, "preset", 1) is None

# definition: the style and the template in the import, the import, the hook's Lua file
libv = "file://" + proj + "/lib.vid"
assert ask("definition", 5, "big", 1) == {"uri": libv, "range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 6}}}
assert ask("definition", 9, "title", 1)["range"]["start"] == {"line": 2, "character": 9}
assert ask("definition", 0, "lib", 1)["uri"] == libv
assert ask("definition", 1, "wobble.lua", 1)["uri"] == "file://" + proj + "/wobble.lua"
assert ask("definition", 6, "wobble", 1)["uri"] == "file://" + proj + "/wobble.lua"
assert ask("definition", 10, "fade", 1) is None

send({"id": 3, "method": "shutdown"})
r = recv()
assert r["id"] == 3 and r["result"] is None, r
send({"method": "exit"})
assert client.wait() == 0, client.proc.returncode

# exit without shutdown: status 1; UTF-8 positions when the client offers them
client = Client(vidc, stderr=subprocess.DEVNULL)
send, recv = client.send, client.recv
r = client.initialize({"general": {"positionEncodings": ["utf-8", "utf-16"]}})
assert r["result"]["capabilities"]["positionEncoding"] == "utf-8", r
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "vid", "version": 1, "text": bad}}})
e = recv()["params"]["diagnostics"][1]
assert e["range"]["start"] == {"line": 2, "character": 14}, e
send({"method": "exit"})
assert client.wait() == 1, client.proc.returncode
print("ok")
EOF
expect 0 "scripted LSP session" -- env PYTHONPATH="$OLDPWD/tests/sh" /usr/bin/python3 lsp.py "$VIDC" "$tmp"
has out "ok" "scripted LSP session"
[ -s err ] && sed 's/^/    /' err | tail -8

exit $fail
