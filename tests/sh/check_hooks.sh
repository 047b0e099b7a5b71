#!/bin/sh
# `vidc check` loads every hook a spec uses and reads the voice's length (issue 10): a Lua hook
# with a syntax error, a hook without the function its use calls, and word timings that run past
# the end of the voice are errors at the spec line, all of them in one run (exit 1), while good
# hooks and timings that fit still pass; a hook that declares its parameters has each use's
# checked (unknown names with did-you-mean, ranges, kinds); every picture, clip and sound file
# is read as far as its header. `--no-assets` skips these checks.
. "$(dirname "$0")/lib.sh"

cd "$tmp" || exit 2
VIDC=$OLDPWD/$VIDC
# same_err WHAT: stderr is exactly $tmp/want: a hook file is named as the spec names it, below
# the spec's folder as given (the IR keeps its resolved path; before, errors showed that one)
same_err() {
	diff -u want err >diff || { say "$1: stderr differs:"; sed 's/^/    /' diff | head -30; }
}

printf 'return {\n  draw = function(ctx, c) end,\n  params = function(ctx) end,\n  transition = function(ctx, a, b, c) end,\n}\n' >good.lua
printf 'return { draw = function(ctx, canvas)\n  local x = = 1\nend }\n' >syntax.lua
printf 'return { params = function(ctx) return nil end }\n' >onlyparams.lua
printf 'error("no table for you")\n' >throws.lua

# A spec with good hooks passes, warnings and all.
cat >good.vid <<'EOF'
video { preset youtube_long; fps 10 }
hook good "good.lua"
scene a 2s {
  draw good { title "x" }
  solid #000000 { effect good { amount 1 } }
  transition good 0.5s
}
scene b 2s { solid #ffffff }
EOF
expect 0 "good hooks" -- "$VIDC" check --color never good.vid
[ -s out ] && say "good hooks: stdout is not empty"
grep -q 'error' err && say "good hooks: an error was printed"

# Every bad use at once; a file that does not load is reported at its first use only.
cat >bad.vid <<'EOF'
video { preset youtube_long; fps 10 }
hook good "good.lua"
hook syntax "syntax.lua"
hook onlyparams "onlyparams.lua"
hook throws "throws.lua"
scene a 2s {
  draw syntax { }
  draw onlyparams { }
  solid #000000 { effect onlyparams { amount 1 } }
  solid #000000 { effect throws { } }
  transition onlyparams 0.5s
}
scene b 2s {
  draw good { }
  solid #ffffff { effect syntax { } }
}
EOF
cat >want <<'EOF'
bad.vid:1:16: warning: the video lasts 3.50s; 180-900s is recommended for preset youtube_long [-Wduration]
    1 | video { preset youtube_long; fps 10 }
      |                ^~~~~~~~~~~~
bad.vid:7:3: error: hook 'syntax': syntax.lua:2: unexpected symbol near '='
    7 |   draw syntax { }
      |   ^~~~~~~~~~~
bad.vid:8:3: error: hook 'onlyparams' (onlyparams.lua) has no draw(ctx, canvas) function, which a draw layer calls
    8 |   draw onlyparams { }
      |   ^~~~~~~~~~~~~~~
bad.vid:10:19: error: hook 'throws': throws.lua:1: no table for you
   10 |   solid #000000 { effect throws { } }
      |                   ^~~~~~~~~~~~~
bad.vid:11:3: error: hook 'onlyparams' (onlyparams.lua) has no transition(ctx, a, b, canvas) function, which a transition calls
   11 |   transition onlyparams 0.5s
      |   ^~~~~~~~~~~~~~~~~~~~~
4 errors in bad.vid
EOF
expect 1 "bad hooks" -- "$VIDC" check --color never bad.vid
same_err "bad hooks"
# the same spec checked from its parent folder: the hooks' names start with the folder as typed
mkdir sub && cp bad.vid ./*.lua sub/ && cd sub && real=$(pwd -P) && cd ..
expect 1 "bad hooks from the parent" -- "$VIDC" check --color never sub/bad.vid
has err "sub/bad.vid:7:3: error: hook 'syntax': sub/syntax.lua:2: unexpected symbol" "bad hooks from the parent"
has err "hook 'onlyparams' (sub/onlyparams.lua) has no draw" "bad hooks from the parent"
grep -q "$real" err && say "bad hooks from the parent: a resolved path in: $(grep "$real" err)"
# --no-assets: no hook is loaded
expect 0 "bad hooks, --no-assets" -- "$VIDC" check --color never --no-assets bad.vid

# Declared parameters: unknown ones (with did-you-mean), out of range, of the wrong kind.
cat >decl.lua <<'EOF'
return {
  parameters = {
    title = {kind = "string"},
    amount = {kind = "number", min = 0, max = 100, default = 10},
    tint = {kind = "color"},
  },
  draw = function(ctx, canvas) end,
}
EOF
printf 'return { parameters = { amount = {kind = "nmber"} }, draw = function(ctx, c) end }\n' >baddecl.lua
cat >decl.vid <<'EOF'
video { preset youtube_long; fps 10 }
hook decl "decl.lua"
hook baddecl "baddecl.lua"
scene a 2s {
  draw decl { title "fine"; amount 100; tint #ff0000 }
  draw decl { titel "x"; amount 150 }
  draw decl { tint "warm"; glow 1 }
  draw baddecl { }
}
EOF
cat >want <<'EOF'
decl.vid:1:16: warning: the video lasts 2.00s; 180-900s is recommended for preset youtube_long [-Wduration]
    1 | video { preset youtube_long; fps 10 }
      |                ^~~~~~~~~~~~
decl.vid:6:15: error: hook 'decl' has no parameter 'titel' (did you mean 'title'?)
    6 |   draw decl { titel "x"; amount 150 }
      |               ^~~~~
decl.vid:6:26: error: parameter 'amount' of hook 'decl' is 150, outside its range 0..100
    6 |   draw decl { titel "x"; amount 150 }
      |                          ^~~~~~
decl.vid:7:15: error: parameter 'tint' of hook 'decl' takes a colour, not 'warm'
    7 |   draw decl { tint "warm"; glow 1 }
      |               ^~~~
decl.vid:7:28: error: hook 'decl' has no parameter 'glow'
    7 |   draw decl { tint "warm"; glow 1 }
      |                            ^~~~
decl.vid:8:3: error: hook 'baddecl': baddecl.lua: parameters.amount.kind must be "number", "string" or "color"
    8 |   draw baddecl { }
      |   ^~~~~~~~~~~~
5 errors in decl.vid
EOF
expect 1 "declared parameters" -- "$VIDC" check --color never decl.vid
same_err "declared parameters"

# Word timings against the voice: 6 s of audio; timings ending at 6.3 s pass, at 500 s fail.
ffmpeg -v error -y -f lavfi -i "anullsrc=r=48000:cl=mono" -t 6 voice.wav || say "ffmpeg voice"
timings() { # timings END: two words, the second ending at END
	printf '{ "version": 1, "text": "Hello there.", "duration": %s,\n' "$1"
	printf '  "words": [ {"text": "Hello", "start": 0.1, "end": 0.5, "offset": 0, "length": 5},\n'
	printf '             {"text": "there.", "start": 0.6, "end": %s, "offset": 6, "length": 6} ] }\n' "$1"
}
timings 6.3 >near.json
timings 500 >far.json
for t in near far; do
	cat >$t.vid <<EOF
video { preset youtube_long; fps 10 }
voice "voice.wav" { timings "$t.json" }
scene a 7s { solid #000000 }
EOF
done
expect 0 "timings within the audio" -- "$VIDC" check --color never near.vid
grep -q 'error' err && say "timings within the audio: an error was printed"
cat >want <<'EOF'
far.vid:1:16: warning: the video lasts 7.00s; 180-900s is recommended for preset youtube_long [-Wduration]
    1 | video { preset youtube_long; fps 10 }
      |                ^~~~~~~~~~~~
far.vid:2:1: warning: the voice runs until 500.00s but the video ends at 7.00s; the rest of the narration is cut [-Wvoice-cut]
    2 | voice "voice.wav" { timings "far.json" }
      | ^~~~~
far.vid:2:1: error: the word timings end at 500.00s but voice.wav lasts 6.00s
    2 | voice "voice.wav" { timings "far.json" }
      | ^~~~~
1 error in far.vid
EOF
expect 1 "timings past the audio" -- "$VIDC" check --color never far.vid
same_err "timings past the audio"

# Asset headers are read: a picture and a music file that are not what their names say are
# errors at their lines (the render would stop on them), a real one passes.
head -c 300 /dev/urandom >noise.png
printf 'these are words, not sound\n' >words.ogg
ffmpeg -v error -y -f lavfi -i color=c=red:s=64x36:d=1 -frames:v 1 red.png || say "ffmpeg red.png"
cat >assets.vid <<'EOF'
video { preset youtube_long; fps 10 }
music "words.ogg"
scene a 2s {
  image "noise.png" { }
  image "red.png" { }
}
EOF
expect 1 "undecodable assets" -- "$VIDC" check --color never -Wno-duration assets.vid
has err "assets.vid:2:1: error: cannot read music 'words.ogg'" "undecodable music"
has err "assets.vid:4:3: error: cannot read image 'noise.png'" "undecodable image"
has err "2 errors in assets.vid" "undecodable assets"
grep -q "red.png" err && say "a good picture was reported: $(cat err)"

# Each path is read and reported once however many the spec names (the set of paths read had
# room for 64, after which a bad file used twice was reported twice).
{
	echo 'video { preset youtube_long; fps 10 }'
	echo 'scene a 2s {'
	for i in $(seq 1 70); do
		cp red.png "r$i.png"
		echo "  image \"r$i.png\" { }"
	done
	echo '  image "noise.png" { }'
	echo '  image "noise.png" { }'
	echo '}'
} >many.vid
expect 1 "a bad picture after 70 good ones" -- "$VIDC" check --color never -Wno-duration many.vid
has err "many.vid:73:3: error: cannot read image 'noise.png'" "a bad picture after 70 good ones"
has err "1 error in many.vid" "a bad picture used twice is one error"
[ "$(grep -c "cannot read image" err)" = 1 ] || say "noise.png reported more than once: $(cat err)"

# Both specs in one run: each reports its own errors, the status is 1.
expect 1 "two specs" -- "$VIDC" check --color never bad.vid far.vid
has err "4 errors in bad.vid" "two specs"
has err "1 error in far.vid" "two specs"

exit $fail
