#!/bin/sh
# Groups (SPEC §18.1): layers in a group with no transform give the same bytes as the same layers
# written in the scene, at every time: an image with Ken Burns under the group, soft edges, a
# rotated translucent solid, text with a fade, a nested group, an offset (the direct version
# starts the children that much later) and a template whose body is a group. A group that is
# moved or faded is really composited as one (its frame differs).
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
exit $fail
