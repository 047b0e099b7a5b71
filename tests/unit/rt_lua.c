/*
 * rt_lua.c - Lua hooks (runtime/lua_host.c, hook.c, canvas.c): the sandbox (no os, io, require,
 * bytecode), the instruction and memory limits (an endless loop, a 10 GB allocation), errors
 * naming the Lua file and line and the spec line, the process staying healthy after each
 * failure, determinism of seeded grain, draw layers, effects with params, transitions.
 */
#include "rt_test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "../../runtime/golden.h"
#include "../../runtime/lua_host.h"

static char *lua_file(const char *name, const char *src)
{
	static char paths[32][256];
	static int n;
	char *path = paths[n++ % 32];
	snprintf(path, 256, "%s/%s", check_tmpdir(), name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(src, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
	return path;
}

/* A 64x64, 10-frame program: one scene whose only layer is `draw NAME` from path (spec line 7). */
static ir_program *draw_prog(const char *path, const char *name)
{
	ir_program *p = t_prog(64, 64, 10);
	ir_node *h = ir_node_add(p, IR_HOOK);
	h->u.hook.name = name;
	h->u.hook.path = path;
	h->file = "test.vid";
	h->line = 7;
	h->col = 3;
	int hid = h->id;
	int l = t_layer(p, hid, 0, 0, 64, 64, IR_FIT_FILL);
	int sc = t_scene(p, 0, 10, t_ids(p, 1, l), 1);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	return p;
}

/* Renders frame f of p with a fresh graph; returns the code and the message in err. */
static int try_render(const ir_program *p, int64_t f, char *err, size_t errlen, surf_t **keep)
{
	rt_graph *g = NULL;
	err[0] = 0;
	int rc = graph_new(&g, p, err, errlen);
	surf_t *s = surf_new(p->width, p->height);
	if (!rc)
		rc = graph_render(g, f, s, err, errlen);
	graph_free(g);
	if (keep && !rc)
		*keep = s;
	else
		surf_free(s);
	return rc;
}

static const char *good_src = "return { draw = function(ctx, c) c:rect(0, 0, ctx.width, ctx.height, '#ff0000') end }\n";

/* A good hook still renders red: the process is healthy. */
static void expect_healthy(const char *after)
{
	ir_program *p = draw_prog(lua_file("good.lua", good_src), "good");
	char err[512];
	surf_t *s = NULL;
	int rc = try_render(p, 3, err, sizeof err, &s);
	CHECK(rc == 0 && s && t_near(t_px(s, 32, 32), 255, 0, 0, 2), "after %s a good hook renders: %s", after,
	      err);
	surf_free(s);
	ir_program_free(p);
}

/* The hook in file `name` with source src fails at frame 3 with a message holding every needle.
 * A runaway hook is told from a stopped one by which limit the message names (the instruction
 * budget, the memory cap, the CPU-time backstop), never by timing the call: a timed test fails
 * on a busy machine and passes a hook that is slow for the wrong reason. */
static void expect_error(const char *what, const char *name, const char *src, const char *n1,
			 const char *n2)
{
	ir_program *p = draw_prog(lua_file(name, src), "h");
	char err[1024];
	int rc = try_render(p, 3, err, sizeof err, NULL);
	printf("rt_lua: %-12s -> %s\n", what, err);
	CHECK(rc < 0, "%s: must fail", what);
	CHECK(strstr(err, "test.vid:7:3"), "%s: spec position in '%s'", what, err);
	CHECK(!n1 || strstr(err, n1), "%s: '%s' not in '%s'", what, n1, err);
	CHECK(!n2 || strstr(err, n2), "%s: '%s' not in '%s'", what, n2, err);
	ir_program_free(p);
	expect_healthy(what);
}

/* expect_error for a hook whose only act is c:image(arg, 0, 0) on its second line. */
static void expect_image_error(const char *what, const char *name, const char *arg, const char *n1, const char *n2)
{
	char src[512];
	snprintf(src, sizeof src, "return { draw = function(ctx, c)\n  c:image('%s', 0, 0)\nend }\n", arg);
	expect_error(what, name, src, n1, n2);
}

static void sandbox(void)
{
	expect_error("os.execute", "os.lua",
		     "return { draw = function(ctx, c)\n  os.execute('touch /tmp/vidc-pwned')\nend }\n",
		     "os.lua:2:", "global 'os'");
	expect_error("io.open", "io.lua",
		     "return { draw = function(ctx, c)\n  local f = io.open('/etc/passwd')\n  return f:read('a')\nend }\n",
		     "io.lua:2:", "global 'io'");
	expect_error("require", "req.lua", "local m = require('os')\nreturn {}\n", "req.lua:1:",
		     "global 'require'");
	expect_error("dofile", "dofile.lua", "return { draw = function()\n dofile('/etc/passwd')\nend }\n",
		     "dofile.lua:2:", "global 'dofile'");
	expect_error("bytecode", "bc.lua",
		     "return { draw = function()\n  local f = assert(load('\\27Lua\\84\\0', 'x', 'b'))\nend }\n",
		     "bc.lua:2:", "binary chunks are not allowed");
	expect_error("string.dump", "dump.lua", "return { draw = function()\n\n  return string.dump(print)\nend }\n",
		     "dump.lua:3:", "field 'dump'");
	expect_error("debug", "dbg.lua", "return { draw = function()\n  debug.sethook()\nend }\n", "dbg.lua:2:",
		     "global 'debug'");
	CHECK(fopen("/tmp/vidc-pwned", "r") == NULL, "os.execute must not have run");
}

static void limits(void)
{
	expect_error("endless loop", "loop.lua",
		     "return { draw = function(ctx, c)\n  local x = 0\n  while true do x = x + 1 end\nend }\n",
		     "loop.lua:3:", "instruction limit exceeded");
	/* pcall must not swallow the limit */
	expect_error("pcall loop", "ploop.lua",
		     "return { draw = function()\n  while true do\n    pcall(function() while true do end end)\n  end\nend }\n",
		     "ploop.lua:", "instruction limit exceeded");
	expect_error("coroutine loop", "coloop.lua",
		     "return { draw = function()\n  while true do\n    coroutine.resume(coroutine.create(function() while true do end end))\n  end\nend }\n",
		     "coloop.lua:", "instruction limit exceeded");
	expect_error("10 GB string", "big.lua",
		     "return { draw = function()\n  local t = {}\n  for i = 1, 10 do t[i] = string.rep('x', 1024 * 1024 * 1024) end\nend }\n",
		     "big.lua:3:", "memory limit exceeded");
	expect_error("growing table", "grow.lua",
		     "local keep = {}\nreturn { draw = function()\n  for i = 1, 1e12 do keep[i] = {i} end\nend }\n",
		     "grow.lua:3:", "memory limit exceeded");
	/* backtracking in C, where the instruction budget cannot see it */
	expect_error("pattern bomb", "pat.lua",
		     "return { draw = function()\n  local s = string.rep('a', 100000)\n  return s:find('.-.-.-.-b')\nend }\n",
		     "pat.lua:3:", "instruction limit exceeded");
	expect_healthy("ordinary patterns");
	/* C work is charged too: a full-canvas blur costs its pixels. Under a budget of 1 million
	 * units, 4000 blurs of the 64x64 canvas (some 20,000 instructions, but millions of units of
	 * work in C) stop after a few hundred with the budget's C-work message; were blurs free,
	 * the loop would end and the call succeed. */
	lh_limits small = {0, 1000000, 0};
	lua_host_set_limits(&small);
	expect_error("blur loop", "blurs.lua",
		     "return { draw = function(ctx, c)\n  for i = 1, 4000 do\n    c:blur(50)\n  end\nend }\n",
		     "blurs.lua:3:", "instruction limit exceeded (1 million per call, work in C functions included)");
	lua_host_set_limits(NULL);
	expect_healthy("blur loop");
	expect_error("top level loop", "top.lua", "while true do end\n", "top.lua:1:", "instruction limit");
}

/* Issue 10: what a hostile hook tried, each stopped quickly with the hook's file and line. */
static void hostile(void)
{
	/* Lua runs finalizers with hooks off: an endless __gc would escape every budget */
	expect_error("__gc loop", "gc.lua",
		     "return { draw = function()\n  setmetatable({}, {__gc = function() while true do end end})\n"
		     "  collectgarbage = nil\nend }\n",
		     "gc.lua:2:", "__gc finalizers are not allowed");
	expect_error("__gc at load", "gc0.lua",
		     "local keep = setmetatable({}, {__gc = function() while true do end end})\nreturn {}\n",
		     "gc0.lua:1:", "__gc finalizers are not allowed");
	/* loops inside C functions, charged before they run */
	expect_error("string.rep ''", "rep.lua", "return { draw = function()\n  local s = string.rep('', 1e15)\nend }\n",
		     "rep.lua:2:", "instruction limit exceeded");
	expect_error("string.rep sep", "rep2.lua",
		     "return { draw = function()\n  local s = ('x'):rep(1e12, '')\nend }\n", "rep2.lua:2:",
		     "too large");
	expect_error("table.move", "move.lua",
		     "return { draw = function()\n  table.move({}, 1, 1e12, 2)\nend }\n", "move.lua:2:",
		     "instruction limit exceeded");
	expect_error("table.insert __len", "ins.lua",
		     "return { draw = function()\n  local t = setmetatable({}, {__len = function() return 1e15 end})\n"
		     "  table.insert(t, 1, 0)\nend }\n",
		     "ins.lua:3:", "instruction limit exceeded");
	expect_error("table.concat range", "cat.lua",
		     "return { draw = function()\n  local t = setmetatable({}, {__index = function() return 'x' end})\n"
		     "  return table.concat(t, '', 1, 1e12)\nend }\n",
		     "cat.lua:3:", "instruction limit exceeded");
	/* pattern matching bounded in work, not shape */
	expect_error("a? pattern", "opt.lua",
		     "return { draw = function()\n  local s = ('a'):rep(32)\n"
		     "  return s:find(('a?'):rep(32) .. ('a'):rep(32) .. 'b')\nend }\n",
		     "opt.lua:3:", "instruction limit exceeded");
	expect_error("%b() 200k", "bal.lua",
		     "return { draw = function()\n  local s = ('('):rep(200000)\n"
		     "  for _ in s:gmatch('%b()') do end\nend }\n",
		     "bal.lua:3:", "instruction limit exceeded");
	/* a text's raster is outside the Lua heap: refused past 16 million pixels, before allocating */
	expect_error("huge text", "bigtext.lua",
		     "return { draw = function(ctx, c)\n  c:text(('W'):rep(400), 0, 0, {size = 1000, width = 2000})\nend }\n",
		     "bigtext.lua:2: text: text too large", "16 million pixels");
	/* error objects that are not strings keep the position */
	expect_error("error({})", "obj.lua", "return { draw = function()\n\n  error({})\nend }\n", "obj.lua:3:",
		     "table value");
	expect_error("error(42)", "num.lua", "return { draw = function()\n  error(42)\nend }\n", "num.lua:2: 42",
		     NULL);
	/* a wrapped library function still names itself and the line in its errors */
	expect_error("bad argument", "badarg.lua", "return { draw = function()\n  string.rep()\nend }\n",
		     "badarg.lua:2: bad argument #1 to 'rep'", NULL);
	/* what nothing counts (comparing long strings is one instruction) stops at the time limit */
	lh_limits lim = {0, 0, 1};
	lua_host_set_limits(&lim);
	expect_error("string compare", "cmp.lua",
		     "return { draw = function()\n  local a, b = ('x'):rep(1 << 22), ('x'):rep(1 << 22)\n"
		     "  local n = 0\n  while true do if a == b then n = n + 1 end end\nend }\n",
		     "cmp.lua:", "time limit exceeded (1 s of CPU per call)");
	lim.time_limit = 0;
	lua_host_set_limits(&lim);
	expect_healthy("hostile hooks");
	/* ordinary use of the library stays far inside the budget: appends and pops, a join, a
	 * gsub with a function, rep, gmatch, sort */
	const char *ordinary = "return { draw = function(ctx, c)\n"
			       "  local t = {}\n  for i = 1, 100000 do table.insert(t, i) end\n"
			       "  for i = 1, 1000 do table.remove(t) end\n"
			       "  local s = table.concat(t, ',', 1, 5000):gsub('%d+', function(d) return d .. '!' end)\n"
			       "  assert(#string.rep('ab', 10000) == 20000 and #s > 5000)\n"
			       "  local words = {}\n"
			       "  for w in ('the quick brown fox '):rep(2000):gmatch('%a+') do words[#words + 1] = w end\n"
			       "  table.sort(words)\n  assert(#words == 8000 and words[1] == 'brown')\n"
			       "  c:rect(0, 0, ctx.width, ctx.height, '#ff0000')\nend }\n";
	ir_program *p = draw_prog(lua_file("ordinary.lua", ordinary), "ordinary");
	char err[1024];
	surf_t *s = NULL;
	int rc = try_render(p, 3, err, sizeof err, &s);
	CHECK(rc == 0 && s && t_near(t_px(s, 32, 32), 255, 0, 0, 2), "ordinary library use: %s", err);
	surf_free(s);
	ir_program_free(p);
}

static void messages(void)
{
	expect_error("error()", "boom.lua", "-- a comment\nreturn { draw = function(ctx, c)\n  error('boom')\nend }\n",
		     "boom.lua:3: boom", NULL);
	expect_error("canvas arg", "arg.lua", "return { draw = function(ctx, c)\n\n  c:rect(0, 0, 10, 10, '#zz')\nend }\n",
		     "arg.lua:3:", "colour");
	expect_error("syntax", "syn.lua", "return { draw = function(ctx, c)\n  c:rect(\nend }\n", "syn.lua:3:", NULL);
	expect_error("no draw", "nodraw.lua", "return { }\n", "no draw", NULL);
	expect_error("not a table", "nt.lua", "return 42\n", "must return a table", NULL);
}

/* One graph: a hook that fails on frame 2 only; frames 1 and 3 still render after it. */
static void recovers(void)
{
	const char *src = "local n = 0\nreturn { draw = function(ctx, c)\n  n = n + 1\n"
			  "  if ctx.frame == 2 then error('frame two') end\n"
			  "  c:rect(0, 0, ctx.width, ctx.height, '#00ff00')\nend }\n";
	ir_program *p = draw_prog(lua_file("flaky.lua", src), "flaky");
	char err[512];
	rt_graph *g = NULL;
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "graph: %s", err);
	surf_t *s = surf_new(64, 64);
	CHECK(graph_render(g, 1, s, err, sizeof err) == 0, "frame 1: %s", err);
	CHECK(graph_render(g, 2, s, err, sizeof err) < 0 && strstr(err, "flaky.lua:4: frame two"), "frame 2: %s", err);
	CHECK(graph_render(g, 3, s, err, sizeof err) == 0 && t_near(t_px(s, 5, 5), 0, 255, 0, 2), "frame 3: %s", err);
	/* a canvas kept in a global from the call before is dead, not dangling */
	graph_free(g);
	ir_program_free(p);
	p = draw_prog(lua_file("kept.lua", "local kept\nreturn { draw = function(ctx, c)\n"
					    "  if kept then kept:rect(0, 0, 1, 1, 'red') end\n  kept = c\nend }\n"),
		      "kept");
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "graph: %s", err);
	CHECK(graph_render(g, 1, s, err, sizeof err) == 0, "kept frame 1: %s", err);
	CHECK(graph_render(g, 2, s, err, sizeof err) < 0 && strstr(err, "kept.lua:3:") &&
		      strstr(err, "finished hook call"),
	      "kept frame 2: %s", err);
	surf_free(s);
	graph_free(g);
	ir_program_free(p);
}

/* A solid with the stdlib grain effect: the same frame gives the same pixels, alone or in
 * sequence, and consecutive frames differ. */
static void determinism(void)
{
	ir_program *p = t_prog(96, 64, 10);
	int sol = t_solid(p, t_rgb(90, 120, 150));
	int l = t_layer(p, sol, 0, 0, 96, 64, IR_FIT_FILL);
	ir_node *e = ir_node_add(p, IR_EFFECT);
	e->u.effect.name = "grain";
	e->u.effect.path = "stdlib/effects/grain.lua";
	e->u.effect.params = arena_alloc(p->arena, sizeof(ir_param));
	e->u.effect.params[0] = (ir_param){"amount", ir_curve_const(p, 0.2), NULL};
	e->u.effect.nparams = 1;
	e->file = "test.vid";
	e->line = 9;
	e->col = 5;
	p->nodes[l].u.layer.effects = t_ids(p, 1, e->id);
	p->nodes[l].u.layer.neffects = 1;
	int sc = t_scene(p, 0, 10, t_ids(p, 1, l), 1);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	surf_t *a = t_render(p, NULL, 5), *b = t_render(p, NULL, 5), *c = NULL, *d = t_render(p, NULL, 6);
	char err[256];
	rt_graph *g = NULL;
	CHECK(graph_new(&g, p, err, sizeof err) == 0, "%s", err);
	for (int f = 0; f <= 5; f++) {
		surf_free(c);
		c = t_render(p, g, f);
	}
	graph_free(g);
	CHECK(a && b && c && d, "renders");
	if (a && b && c && d) {
		size_t n = (size_t)a->stride * a->h * 4;
		CHECK(!memcmp(a->px, b->px, n), "grain: frame 5 twice must be equal");
		CHECK(!memcmp(a->px, c->px, n), "grain: frame 5 alone and in sequence must be equal");
		CHECK(memcmp(a->px, d->px, n), "grain: frames 5 and 6 must differ");
		int varied = 0;
		for (int x = 1; x < 96; x++)
			varied += t_px(a, x, 10) != t_px(a, 0, 10);
		CHECK(varied > 50, "grain: pixels must vary (%d)", varied);
	}
	surf_free(a);
	surf_free(b);
	surf_free(c);
	surf_free(d);
	ir_program_free(p);
}

/* params() overrides the layer: opacity 0 hides it, x moves it. */
static void params(void)
{
	const char *src = "return { params = function(ctx)\n  if ctx.frame == 1 then return {opacity = 0} end\n"
			  "  return {x = 32}\nend }\n";
	ir_program *p = t_prog(64, 64, 10);
	int sol = t_solid(p, t_rgb(255, 255, 255));
	int l = t_layer(p, sol, 0, 0, 32, 64, IR_FIT_FILL);
	ir_node *e = ir_node_add(p, IR_EFFECT);
	e->u.effect.name = "mover";
	e->u.effect.path = lua_file("mover.lua", src);
	p->nodes[l].u.layer.effects = t_ids(p, 1, e->id);
	p->nodes[l].u.layer.neffects = 1;
	int sc = t_scene(p, 0, 10, t_ids(p, 1, l), 1);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	surf_t *s1 = t_render(p, NULL, 1), *s2 = t_render(p, NULL, 2);
	CHECK(s1 && t_near(t_px(s1, 10, 10), 0, 0, 0, 1), "opacity 0 hides the layer");
	CHECK(s2 && t_near(t_px(s2, 10, 10), 0, 0, 0, 1) && t_near(t_px(s2, 50, 10), 255, 255, 255, 1),
	      "x = 32 moves the layer right");
	surf_free(s1);
	surf_free(s2);
	ir_program_free(p);
}

/* A hook transition gets both scenes and the progress. */
static void transition(void)
{
	const char *src = "return { transition = function(ctx, a, b, c)\n"
			  "  c:image(a, 0, 0, ctx.width, ctx.height)\n"
			  "  c:clip_rect(0, 0, ctx.width * ctx.progress, ctx.height)\n"
			  "  c:image(b, 0, 0, ctx.width, ctx.height)\nend }\n";
	ir_program *p = t_prog(64, 64, 20);
	int s1 = t_solid(p, t_rgb(255, 0, 0)), s2 = t_solid(p, t_rgb(0, 0, 255));
	int l1 = t_layer(p, s1, 0, 0, 64, 64, IR_FIT_FILL), l2 = t_layer(p, s2, 0, 0, 64, 64, IR_FIT_FILL);
	int a = t_scene(p, 0, 12, t_ids(p, 1, l1), 1), b = t_scene(p, 8, 20, t_ids(p, 1, l2), 1);
	ir_node *tr = ir_node_add(p, IR_TRANSITION);
	tr->f0 = 8;
	tr->f1 = 12;
	tr->u.transition.type = IR_TR_HOOK;
	tr->u.transition.from = a;
	tr->u.transition.to = b;
	tr->u.transition.hook = "half";
	tr->u.transition.path = lua_file("half.lua", src);
	int trid = tr->id;
	t_timeline(p, t_ids(p, 2, a, b), 2, t_ids(p, 1, trid), 1);
	surf_t *s = t_render(p, NULL, 9); /* progress (1 + 0.5) / 4 = 0.375: 24 px of blue */
	CHECK(s && t_near(t_px(s, 10, 30), 0, 0, 255, 1) && t_near(t_px(s, 40, 30), 255, 0, 0, 1),
	      "wipe by clip: " PXFMT " " PXFMT, PXARG(s ? t_px(s, 10, 30) : 0), PXARG(s ? t_px(s, 40, 30) : 0));
	surf_free(s);
	ir_program_free(p);
}

/* Canvas primitives: anti-aliased circle edge, blend modes, text. */
static void canvas(void)
{
	const char *src = "return { draw = function(ctx, c)\n"
			  "  c:rect(0, 0, 64, 64, '#000000')\n"
			  "  c:circle(32, 32, 20.5, '#ffffff')\n"
			  "  c:blend('add'); c:rect(0, 0, 8, 8, '#ff0000'); c:rect(0, 0, 8, 8, '#00ff00')\n"
			  "  c:blend('normal')\n"
			  "  local w, h = c:text('Hi', 40, 50, {size = 12})\n"
			  "  assert(w > 5 and h > 5, 'text size')\n"
			  "end }\n";
	ir_program *p = draw_prog(lua_file("prims.lua", src), "prims");
	surf_t *s = t_render(p, NULL, 0);
	CHECK(s != NULL, "primitives render");
	if (s) {
		CHECK(t_near(t_px(s, 32, 32), 255, 255, 255, 1), "circle inside");
		CHECK(t_near(t_px(s, 2, 32), 0, 0, 0, 1), "circle outside");
		unsigned edge = t_px(s, 11, 32) & 255; /* the edge crosses pixel 11's centre */
		CHECK(edge > 40 && edge < 215, "circle edge anti-aliased (%u)", edge);
		CHECK(t_near(t_px(s, 3, 3), 255, 255, 0, 1), "add blend: red + green = yellow");
	}
	surf_free(s);
	ir_program_free(p);
}

/* canvas:image("file.png"): a picture beside the hook file; nothing outside its folder. */
static void image_files(void)
{
	uint8_t px[8 * 8 * 4];
	for (int i = 0; i < 64; i++)
		px[4 * i] = 0, px[4 * i + 1] = 200, px[4 * i + 2] = 100, px[4 * i + 3] = 255;
	golden_image img = {8, 8, px};
	char path[300], err[512];
	snprintf(path, sizeof path, "%s/dot.png", check_tmpdir());
	CHECK(golden_write(path, &img, err, sizeof err) == 0, "write dot.png: %s", err);
	ir_program *p = draw_prog(lua_file("pic.lua", "return { draw = function(ctx, c)\n"
							"  c:image('dot.png', 0, 0, ctx.width, ctx.height)\nend }\n"),
				  "pic");
	surf_t *s = t_render(p, NULL, 2);
	CHECK(s && t_near(t_px(s, 30, 30), 0, 200, 100, 2), "image file drawn: " PXFMT, PXARG(s ? t_px(s, 30, 30) : 0));
	surf_free(s);
	ir_program_free(p);
	expect_image_error("image ..", "up.lua", "../etc/x.png", "up.lua:2:", "without '..'");
	expect_image_error("image /", "abs.lua", "/etc/passwd", "abs.lua:2:", "relative");
	expect_image_error("image text", "txt.lua", "txt.lua", "txt.lua:2:", "image 'txt.lua'");
	/* issue 10: a symlink out of the folder, a FIFO (must not block), a header declaring 16000 x
	 * 16000 (refused before decoding), a missing file */
	char link[300], fifo[300], bomb[300];
	snprintf(link, sizeof link, "%s/link.png", check_tmpdir());
	snprintf(fifo, sizeof fifo, "%s/fifo.png", check_tmpdir());
	snprintf(bomb, sizeof bomb, "%s/bomb.png", check_tmpdir());
	CHECK(symlink("/etc/passwd", link) == 0 && mkfifo(fifo, 0600) == 0, "symlink, fifo");
	/* a PNG signature and an IHDR chunk for 16000 x 16000 RGBA: all a decoder would need to
	 * reserve 1 GB (the CRC is not checked before the size) */
	static const uint8_t png[] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				      0, 0, 0x3e, 0x80, 0, 0, 0x3e, 0x80, 8, 6, 0, 0, 0, 0, 0, 0, 0};
	FILE *f = fopen(bomb, "wb");
	CHECK(f && fwrite(png, 1, sizeof png, f) == sizeof png && fclose(f) == 0, "write bomb.png");
	expect_image_error("image symlink", "ln.lua", "link.png", "ln.lua:2: image 'link.png'", "outside the hook's folder");
	expect_image_error("image fifo", "ff.lua", "fifo.png", "ff.lua:2: image 'fifo.png'", "not a regular file");
	expect_image_error("image bomb", "pb.lua", "bomb.png", "pb.lua:2: image 'bomb.png'", "16000x16000");
	expect_image_error("image missing", "mi.lua", "missing.png", "mi.lua:2: image 'missing.png'", "no such file");
	/* a font file is read from the hook's folder only, like a picture */
	expect_error("font /", "fa.lua",
		     "return { draw = function(ctx, c)\n  c:text('x', 0, 0, {font = '/etc/passwd'})\nend }\n",
		     "fa.lua:2: text: font file '/etc/passwd'", "relative to the hook file");
	char flink[300];
	snprintf(flink, sizeof flink, "%s/link.ttf", check_tmpdir());
	CHECK(symlink("/usr/share/fonts", flink) == 0, "symlink %s", flink);
	expect_error("font symlink", "fl.lua",
		     "return { draw = function(ctx, c)\n  c:text('x', 0, 0, {font = 'link.ttf'})\nend }\n",
		     "fl.lua:2: text: font file 'link.ttf'", "outside the hook's folder");
	/* hook files: over 16 MB, a directory */
	char big[300], cmd[400];
	snprintf(big, sizeof big, "%s/big16.lua", check_tmpdir());
	snprintf(cmd, sizeof cmd, "head -c 17000000 /dev/zero | tr '\\0' '-' > '%s'", big);
	CHECK(system(cmd) == 0, "%s", cmd);
	ir_program *q = draw_prog(big, "h");
	int rc = try_render(q, 3, err, sizeof err, NULL);
	CHECK(rc < 0 && strstr(err, "test.vid:7:3") && strstr(err, "cannot read hook file") && strstr(err, "over the limit"),
	      "a 17 MB hook file: %s", err);
	ir_program_free(q);
	q = draw_prog(check_tmpdir(), "h");
	rc = try_render(q, 3, err, sizeof err, NULL);
	CHECK(rc < 0 && strstr(err, "test.vid:7:3") && strstr(err, "not a regular file"), "a folder as hook file: %s", err);
	ir_program_free(q);
}

/* vidc.ease knows the spec's spring and bounce (issue 16): the hook asserts their shape, then
 * paints red, so a failed assertion shows as an error or a missing red. */
static void eases(void)
{
	const char *src = "return { draw = function(ctx, c)\n"
			  "  local top = 0\n"
			  "  for i = 1, 99 do top = math.max(top, vidc.ease('spring', i / 100)) end\n"
			  "  assert(top > 1.03, 'spring overshoots')\n"
			  "  assert(vidc.ease('spring', 1) == 1 and vidc.ease('bounce', 1) == 1, 'both end at 1')\n"
			  "  assert(vidc.ease('bounce', 1 / 2.75) > 0.9999, 'bounce touches 1')\n"
			  "  c:rect(0, 0, 64, 64, '#ff0000')\n"
			  "end }\n";
	ir_program *p = draw_prog(lua_file("eases.lua", src), "eases");
	char err[512] = "";
	surf_t *s = NULL;
	int rc = try_render(p, 3, err, sizeof err, &s);
	CHECK(rc == 0 && s && t_near(t_px(s, 32, 32), 255, 0, 0, 2), "vidc.ease spring and bounce: %s", err);
	surf_free(s);
	ir_program_free(p);
}

int main(void)
{
	lh_limits lim = {0, 0, 0};
	lua_host_set_limits(&lim);
	expect_healthy("start");
	sandbox();
	limits();
	hostile();
	messages();
	recovers();
	determinism();
	params();
	transition();
	canvas();
	image_files();
	eases();
	return check_done();
}
