#!/bin/sh
# Hostile Lua hooks through `vidc render` (issue 10): each render ends quickly with an error that
# names the hook file and line, leaves no output, and Ctrl-C (SIGINT) or SIGTERM stops a render
# whose hook is busy. The unit tests (tests/unit/rt_lua.c) cover each limit in detail; this is
# the whole command, signals included.
. "$(dirname "$0")/lib.sh"

# spec NAME: a 2 s video whose only layer is the draw hook NAME.lua (written by the caller)
spec() {
	cat >"$tmp/$1.vid" <<EOF
video { preset tiktok; fps 10 }
hook $1 "$1.lua"
scene 2s {
  draw $1 { }
}
EOF
}

# hostile NAME WANT LUA: the render fails naming NAME.lua and WANT (the limit that stopped it:
# its budget in instructions and work, not its time). The timeout only keeps a hung render from
# hanging the suite; it is no speed bound, so it is far above what a loaded machine needs.
hostile() {
	printf '%s\n' "$3" >"$tmp/$1.lua"
	spec "$1"
	timeout 600 "$VIDC" render "$tmp/$1.vid" --progress none -o "$tmp/$1.mp4" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 124 ] && { say "$1: the render hung (killed after 600 s)"; return; }
	[ $rc = 0 ] && { say "$1: the render succeeded"; return; }
	grep -q "$1.lua:[0-9]*:.*$2" "$tmp/err" || { say "$1: no '$1.lua:LINE: ...$2' in:"; cat "$tmp/err"; }
	[ -e "$tmp/$1.mp4" ] && say "$1: an output was left"
}

hostile gc "__gc finalizers are not allowed" 'return { draw = function(ctx, c)
  setmetatable({}, {__gc = function() while true do end end})
end }'
hostile rep "instruction limit exceeded" 'return { draw = function(ctx, c)
  local s = string.rep("", 1e15)
end }'
hostile move "instruction limit exceeded" 'return { draw = function(ctx, c)
  table.move({}, 1, 1e12, 2)
end }'
hostile opt "instruction limit exceeded" 'return { draw = function(ctx, c)
  local s = ("a"):rep(32)
  return s:find(("a?"):rep(32) .. ("a"):rep(32) .. "b")
end }'
hostile bal "instruction limit exceeded" 'return { draw = function(ctx, c)
  for _ in ("("):rep(200000):gmatch("%b()") do end
end }'
hostile obj "error object is a table value" 'return { draw = function(ctx, c)
  error({})
end }'

# A busy hook (each frame a third of its budget: five full-frame blurs) and a signal: the render stops
# within a few seconds, reports the cancel and leaves no output.
for sig in INT TERM; do
	cat >"$tmp/busy.lua" <<'EOF'
return { draw = function(ctx, c)
  for i = 1, 5 do c:blur(30) end
end }
EOF
	cat >"$tmp/busy.vid" <<'EOF'
video { preset tiktok; fps 30 }
hook busy "busy.lua"
scene 60s {
  draw busy { }
}
EOF
	"$VIDC" render "$tmp/busy.vid" --progress none -o "$tmp/busy.mp4" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	sleep 3
	kill -$sig $pid
	t0=$(date +%s)
	n=0
	while kill -0 $pid 2>/dev/null && [ $n -lt 60 ]; do
		sleep 1
		n=$((n + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		say "SIG$sig: the render still runs $n s after the signal"
		kill -9 $pid
	fi
	wait $pid
	rc=$?
	[ $rc = 0 ] && say "SIG$sig: the render reported success"
	[ -e "$tmp/busy.mp4" ] && say "SIG$sig: an output was left"
	echo "SIG$sig: stopped after $(($(date +%s) - t0)) s, exit $rc: $(tail -1 "$tmp/err")"
done
exit $fail
