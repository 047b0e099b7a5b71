#!/bin/sh
# Groups (SPEC §18.1): layers in a group with no transform give the same bytes as the same layers
# written in the scene, at every time: an image with Ken Burns under the group, soft edges, a
# rotated translucent solid, text with a fade, a nested group, an offset (the direct version
# starts the children that much later) and a template whose body is a group. A group that is
# moved or faded is really composited as one (its frame differs). The language server resolves a
# child's time through the group's offset and completes layers and offset inside a group.
. "$(dirname "$0")/lib.sh"
assets=$PWD/examples/assets

cat >"$tmp/grouped.vid" <<EOT
video { preset tiktok }
template tag(label: string) {
  group tag {
    solid #000000aa { size 60% 8%; position 50% 85% }
    text label { position 50% 85%; font_size 48px }
  }
}
scene a 3s {
  image "$assets/jar.jpg" { kenburns { zoom 1 -> 1.2 } }
  group card {
    offset 0.5s
    solid #e63946cc { size 50.3% 20.7%; position 40.2% 30.1%; rotate 7deg }
    text "Same bytes" { position 50% 40%; font_size 80px; fade_in 0.5s }
    group inner {
      solid #1d3557 { size 20% 10%; position 60% 35%; start 0.3s }
    }
  }
  use tag("from a template")
}
EOT
cat >"$tmp/direct.vid" <<EOT
video { preset tiktok }
scene a 3s {
  image "$assets/jar.jpg" { kenburns { zoom 1 -> 1.2 } }
  solid #e63946cc { size 50.3% 20.7%; position 40.2% 30.1%; rotate 7deg; start 0.5s }
  text "Same bytes" { position 50% 40%; font_size 80px; fade_in 0.5s; start 0.5s }
  solid #1d3557 { size 20% 10%; position 60% 35%; start 0.8s }
  solid #000000aa { size 60% 8%; position 50% 85% }
  text "from a template" { position 50% 85%; font_size 48px }
}
EOT

"$VIDC" ir --allow "$assets" "$tmp/grouped.vid" >"$tmp/ir" 2>"$tmp/err" || { cat "$tmp/err"; bad "vidc ir failed"; }
[ "$(grep -c ' group ' "$tmp/ir")" = 3 ] || bad "expected 3 group nodes (card, inner, the template's tag): $(grep ' group ' "$tmp/ir")"

for t in 0.2s 0.7s 1.2s 2.9s; do
	for v in grouped direct; do
		"$VIDC" frame --allow "$assets" "$tmp/$v.vid" --at $t -o "$tmp/$v-$t.png" 2>"$tmp/err" ||
			{ cat "$tmp/err"; bad "vidc frame $v at $t failed"; }
	done
	cmp -s "$tmp/grouped-$t.png" "$tmp/direct-$t.png" || bad "at $t the group's frame differs from the same layers in the scene"
done

# Faded or moved, the group is one picture: the frame changes.
sed 's/    offset 0.5s/    offset 0.5s; opacity 99%/' "$tmp/grouped.vid" >"$tmp/faded.vid"
sed 's/    offset 0.5s/    offset 0.5s; x 51%/' "$tmp/grouped.vid" >"$tmp/moved.vid"
for v in faded moved; do
	"$VIDC" frame --allow "$assets" "$tmp/$v.vid" --at 1.2s -o "$tmp/$v.png" 2>"$tmp/err" || { cat "$tmp/err"; bad "vidc frame $v failed"; }
	! cmp -s "$tmp/$v.png" "$tmp/direct-1.2s.png" || bad "a $v group gives the frame of the group without it"
done

cat >"$tmp/lsp.py" <<'EOT'
import sys
from lsp_client import Client
client = Client(sys.argv[1])
send, recv = client.send, client.recv
client.initialize()
uri = "file://" + sys.argv[2] + "/g.vid"
text = "video { preset youtube_long; fps 10 }\nscene a 4s {\n  group g {\n    offset 1s\n    solid red { start 1s }\n    \n  }\n}\n"
send({"method": "textDocument/didOpen",
      "params": {"textDocument": {"uri": uri, "languageId": "vid", "version": 1, "text": text}}})
recv()
send({"id": 2, "method": "textDocument/hover",
      "params": {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 5}}})
hover = recv()["result"]["contents"]["value"]
assert hover.startswith("**solid layer**: 2.00 s to 4.00 s"), hover
send({"id": 3, "method": "textDocument/completion",
      "params": {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 4}}})
got = [i["label"] for i in recv()["result"]["items"]]
assert {"solid", "text", "group", "use", "offset", "opacity"} <= set(got), got
send({"id": 4, "method": "shutdown"})
recv()
send({"method": "exit"})
assert client.wait() == 0, client.proc.returncode
EOT
case $VIDC in /*) v=$VIDC ;; *) v=$PWD/$VIDC ;; esac
PYTHONPATH=$PWD/tests/sh /usr/bin/python3 "$tmp/lsp.py" "$v" "$tmp" || bad "the language server in a group"
exit $fail
