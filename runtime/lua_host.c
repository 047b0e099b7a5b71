/*
 * lua_host.c - the sandboxed Lua state of one hook file (see lua_host.h). Sits under hook.c,
 * which calls hooks for draw layers, effects and transitions and gives each state its drawing
 * API (canvas.c) through the setup function; lua_host knows nothing of the canvas.
 */
#include "lua_host.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "../base/file.h"
#include "lua_match.h"
#include "render.h"
#include "rterr.h"

enum { LH_OK, LH_INSN, LH_MEM, LH_TIME };

struct lua_host {
	lua_State *L;
	char *path, *name, *chunk; /* chunk: "@" + the path as errors show it */
	const ir_program *p;
	const ir_node *caller;
	lh_setup_fn setup;
	size_t mem, mem_limit;
	long long insn_limit, used; /* budget units: VM instructions, C work, allocated bytes / 16 */
	double time_limit;          /* seconds of CPU time per call */
	double t0;                  /* the thread's CPU time when the current call (or load) started */
	unsigned ticks;             /* count-hook calls in this call */
	int aborted; /* LH_INSN, LH_MEM or LH_TIME once a limit stopped the current call */
	char where[160]; /* "file:line" of the Lua code running when memory ran out */
	char msg[400];   /* the limit message, with its position */
	uint64_t rng;    /* state of math.random, seeded per call */
	int has;         /* which of draw, params, transition the table has (bits 0, 1, 2) */
};

static lh_limits limits = {LH_DEFAULT_MEM, LH_DEFAULT_INSN, LH_DEFAULT_SECONDS};

void lua_host_set_limits(const lh_limits *lim)
{
	limits.mem_limit = lim && lim->mem_limit ? lim->mem_limit : LH_DEFAULT_MEM;
	limits.insn_limit = lim && lim->insn_limit ? lim->insn_limit : LH_DEFAULT_INSN;
	limits.time_limit = lim && lim->time_limit > 0 ? lim->time_limit : LH_DEFAULT_SECONDS;
}

/* The largest hook file read (a hook is a page of Lua; this is far beyond any). */
#define LH_MAX_FILE ((size_t)16 << 20)

/* Instructions between two count-hook calls: small enough that the limit is exact to a
 * thousandth, large enough that the hook costs nothing measurable. */
#define LH_STEP 1000

static lua_host *host_of(lua_State *L)
{
	void *ud;
	lua_getallocf(L, &ud);
	return ud;
}

/* "file:line" of the innermost Lua function running in L at or above level lv (below it may
 * be C functions: string.rep, pcall, error), or "" when there is none. */
static const char *where_in(lua_State *L, int lv, char *buf, size_t len)
{
	lua_Debug ar;
	buf[0] = 0;
	for (; L && lv < 12 && lua_getstack(L, lv, &ar); lv++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(buf, len, "%s:%d", ar.short_src, ar.currentline);
			break;
		}
	return buf;
}

static void note_where(lua_host *h, lua_State *L)
{
	where_in(L, 0, h->where, sizeof h->where);
}

static void *lh_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	lua_host *h = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		h->mem -= old;
		return NULL;
	}
	if (nsize > old && (nsize - old > h->mem_limit || h->mem + (nsize - old) > h->mem_limit)) {
		if (!h->aborted) {
			h->aborted = LH_MEM;
			/* Inside the VM the running function is known: remember its line, since a memory
			 * error carries no position of its own. */
			note_where(h, h->L);
		}
		return NULL;
	}
	void *q = realloc(ptr, nsize);
	if (q) {
		h->mem = h->mem - old + nsize;
		/* Making data is work the count hook cannot see (`s .. s` is one instruction that
		 * copies megabytes): every 16 bytes allocated cost a unit of the budget, raised at
		 * the next count hook or charged C call. */
		if (nsize > old)
			h->used += (long long)((nsize - old) >> 4);
	}
	return q;
}

/* CPU seconds of the calling thread (the one composing frames; the encoder's thread does not
 * count). */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Stops the running call with the limit's message, positioned at the innermost Lua line. */
static int limit_error(lua_State *L, lua_host *h, int what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int limit_error(lua_State *L, lua_host *h, int what, const char *fmt, ...)
{
	char pos[160], text[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	h->aborted = what;
	where_in(L, 0, pos, sizeof pos);
	snprintf(h->msg, sizeof h->msg, "%s: %s", pos[0] ? pos : h->chunk + 1, text);
	lua_pushstring(L, h->msg);
	return lua_error(L);
}

static void lh_count(lua_State *L, lua_Debug *ar)
{
	lua_host *h = host_of(L);
	h->used += LH_STEP;
	if (h->used > h->insn_limit)
		limit_error(L, h, LH_INSN, "instruction limit exceeded (%lld million per call): an endless loop?",
			    h->insn_limit / 1000000);
	/* A backstop for work nothing counts (comparing two 30 MB strings is one instruction): CPU
	 * time, read every 8 hooks (a system call; every 8000 instructions it costs nothing). */
	if ((++h->ticks & 7) == 0 && cpu_now() - h->t0 > h->time_limit)
		limit_error(L, h, LH_TIME, "time limit exceeded (%g s of CPU per call)", h->time_limit);
}

/* Charges units of work done in C; raises the limit's error when the budget is spent. A
 * double, so that string.rep's 1e15 copies cannot overflow the count. */
static void charge(lua_State *L, lua_host *h, double units)
{
	if (units > 0)
		h->used = units >= (double)h->insn_limit ? h->insn_limit + 1 : h->used + (long long)units;
	if (h->used > h->insn_limit)
		limit_error(L, h, LH_INSN, "instruction limit exceeded (%lld million per call, work in C functions included)",
			    h->insn_limit / 1000000);
}

void lua_host_charge(lua_State *L, long long units)
{
	charge(L, host_of(L), (double)units);
}

/* lua_match's steps, a unit each */
static void charge_steps(lua_State *L, long long steps)
{
	charge(L, host_of(L), (double)steps);
}

/* pcall, xpcall and coroutine.resume catch errors; once a limit has stopped the call they must
 * not, or `while true do pcall(loop) end` would run forever. The original is upvalue 1. */
static int lh_guard(lua_State *L)
{
	int n = lua_gettop(L);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	lua_host *h = host_of(L);
	if (h->aborted) {
		lua_pushstring(L, h->aborted == LH_MEM ? "memory limit exceeded" : "instruction limit exceeded");
		lua_error(L);
	}
	return lua_gettop(L);
}

static void guard(lua_State *L, const char *lib, const char *fn)
{
	if (lib)
		lua_getglobal(L, lib);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, fn);
	lua_pushcclosure(L, lh_guard, 1);
	lua_setfield(L, -2, fn);
	lua_pop(L, 1);
}

/* ---- C functions that loop: their work charged before they run ------------------------------ */

/* Lua's library functions run in C, where the count hook cannot see them: string.rep("", 1e15)
 * loops 1e15 times in one instruction, table.move({}, 1, 1e12, 2) a million million times,
 * table.insert(t, 1, v) to #t, which a __len metamethod makes anything. So each function of the
 * string, table and utf8 libraries is wrapped: its work in budget units, estimated from its
 * arguments (1 + one per argument + a sixteenth per byte of string arguments, and what the
 * table below adds), is charged before it runs, and a call the budget cannot pay for stops at
 * once, naming the hook's line. What a call allocates is charged by lh_alloc. The wrapper calls
 * the original C function directly (not through lua_call), so its errors keep their position
 * and function name ("bad argument #2 to 'rep'"); none of these functions reads upvalues. */
typedef double (*work_fn)(lua_State *L);

static double num_arg(lua_State *L, int i, double dflt)
{
	int ok;
	lua_Number v = lua_tonumberx(L, i, &ok);
	return ok ? v : dflt;
}

/* #t as the library function will see it: the __len metamethod's answer when there is one
 * (it runs once more here), else the raw length. */
static double len_arg(lua_State *L, int i)
{
	if (luaL_getmetafield(L, i, "__len") == LUA_TNIL)
		return lua_type(L, i) == LUA_TTABLE ? (double)lua_rawlen(L, i) : 0;
	lua_pop(L, 1);
	lua_len(L, i);
	double n = num_arg(L, -1, 0);
	lua_pop(L, 1);
	return n;
}

static double str_len_arg(lua_State *L, int i)
{
	return lua_type(L, i) == LUA_TSTRING ? (double)lua_rawlen(L, i) : lua_type(L, i) == LUA_TNUMBER ? 24 : 0;
}

/* string.rep(s, n [, sep]): n copies, each a loop step; a result larger than the memory cap
 * costs nothing here, its allocation fails first (with the clearer message). */
static double work_rep(lua_State *L)
{
	double n = num_arg(L, 2, 0), l = str_len_arg(L, 1) + str_len_arg(L, 3);
	if (!(n > 0) || n * l > (double)host_of(L)->mem_limit)
		return 0;
	return n * (1 + l / 16);
}

/* table.move(a1, f, e, t [, a2]): e - f + 1 moves */
static double work_move(lua_State *L)
{
	double f = num_arg(L, 2, 0), e = num_arg(L, 3, 0);
	return e >= f ? e - f + 1 : 0;
}

/* table.insert(t, pos, v) moves the elements from pos to #t up, table.remove(t, pos) those
 * after pos down; appending (insert(t, v)) and removing the last (remove(t)) move nothing. */
static double work_insert(lua_State *L)
{
	return lua_gettop(L) == 3 ? fmax(len_arg(L, 1) + 1 - num_arg(L, 2, 1), 0) : 0;
}

static double work_remove(lua_State *L)
{
	return lua_gettop(L) >= 2 ? fmax(len_arg(L, 1) - num_arg(L, 2, 0), 0) : 0;
}

/* table.concat(t [, sep [, i [, j]]]) and table.unpack(t [, i [, j]]): j - i + 1 elements */
static double work_range(lua_State *L, int at)
{
	double i = num_arg(L, at, 1), j = lua_isnoneornil(L, at + 1) ? len_arg(L, 1) : num_arg(L, at + 1, 0);
	return j >= i ? j - i + 1 : 0;
}

static double work_concat(lua_State *L)
{
	return work_range(L, 3);
}

static double work_unpack(lua_State *L)
{
	return work_range(L, 2);
}

/* table.sort(t [, comp]): n log n comparisons (a Lua comp counts its own instructions too) */
static double work_sort(lua_State *L)
{
	double n = len_arg(L, 1);
	return n > 1 ? n * log2(n) : 0;
}

static const struct {
	const char *lib, *name;
	work_fn work;
} works[] = {
	{LUA_STRLIBNAME, "rep", work_rep},      {LUA_TABLIBNAME, "move", work_move},
	{LUA_TABLIBNAME, "insert", work_insert}, {LUA_TABLIBNAME, "remove", work_remove},
	{LUA_TABLIBNAME, "concat", work_concat}, {LUA_TABLIBNAME, "unpack", work_unpack},
	{LUA_TABLIBNAME, "sort", work_sort},
};

/* Upvalue 1: the original function; 2: 1 + its index in works[], or 0. */
static int lh_metered(lua_State *L)
{
	int n = lua_gettop(L);
	double w = 1 + n;
	for (int i = 1; i <= n; i++)
		if (lua_type(L, i) == LUA_TSTRING)
			w += (double)lua_rawlen(L, i) / 16;
	lua_Integer k = lua_tointeger(L, lua_upvalueindex(2));
	if (k > 0)
		w += works[k - 1].work(L);
	charge(L, host_of(L), w);
	return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* Wraps every C function of library lib (on the stack top) in lh_metered. */
static void meter_lib(lua_State *L, const char *lib)
{
	lua_getglobal(L, lib);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_CFunction f = lua_tocfunction(L, -1);
		const char *name = lua_tostring(L, -2);
		if (f && lua_getupvalue(L, -1, 1) == NULL) { /* plain C functions only */
			lua_Integer k = 0;
			for (size_t i = 0; i < sizeof works / sizeof works[0]; i++)
				if (!strcmp(works[i].lib, lib) && !strcmp(works[i].name, name))
					k = (lua_Integer)i + 1;
			lua_pushvalue(L, -2); /* key */
			lua_pushcfunction(L, f);
			lua_pushinteger(L, k);
			lua_pushcclosure(L, lh_metered, 2);
			lua_rawset(L, -5); /* changing an existing key's value keeps lua_next valid */
		} else if (f) {
			lua_pop(L, 1); /* the upvalue */
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* setmetatable refuses a __gc field: Lua runs finalizers with hooks off, so an endless loop in
 * one would escape every budget (and run again at lua_close). Only the field present when the
 * metatable is set marks an object for finalization, so checking it here is enough. */
static int lh_setmetatable(lua_State *L)
{
	lua_pushliteral(L, "__gc");
	if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL)
		return luaL_error(L, "setmetatable: __gc finalizers are not allowed in hooks "
				     "(they would run outside the instruction budget)");
	lua_settop(L, 2);
	return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* load(chunk [, name [, mode [, env]]]) with mode forced to "t": no precompiled bytecode,
 * which can crash the VM. */
static int lh_load(lua_State *L)
{
	int n = lua_gettop(L);
	if (n >= 3) {
		const char *mode = lua_tostring(L, 3);
		if (mode && strchr(mode, 'b') && !strchr(mode, 't'))
			return luaL_error(L, "load: binary chunks are not allowed in hooks");
	}
	if (lua_type(L, 1) == LUA_TSTRING && lua_rawlen(L, 1) > 0 && lua_tostring(L, 1)[0] == 0x1b)
		return luaL_error(L, "load: binary chunks are not allowed in hooks");
	while (lua_gettop(L) < 3)
		lua_pushnil(L);
	lua_pushstring(L, "t");
	lua_replace(L, 3);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* print goes to stderr (stdout may carry JSON progress), prefixed with the hook's name. */
static int lh_print(lua_State *L)
{
	lua_host *h = host_of(L);
	int n = lua_gettop(L);
	fprintf(stderr, "[hook %s]", h->name);
	for (int i = 1; i <= n; i++)
		fprintf(stderr, " %s", luaL_tolstring(L, i, NULL)), lua_pop(L, 1);
	fputc('\n', stderr);
	return 0;
}

/* ---- deterministic random ------------------------------------------------------------------ */

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unit_of(uint64_t x)
{
	return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* math.random with Lua's signature, from a generator seeded by the call (ctx.seed). */
static int lh_random(lua_State *L)
{
	lua_host *h = host_of(L);
	uint64_t r = splitmix(&h->rng);
	lua_Integer lo, hi;
	switch (lua_gettop(L)) {
	case 0:
		lua_pushnumber(L, unit_of(r));
		return 1;
	case 1:
		lo = 1;
		hi = luaL_checkinteger(L, 1);
		break;
	default:
		lo = luaL_checkinteger(L, 1);
		hi = luaL_checkinteger(L, 2);
		break;
	}
	luaL_argcheck(L, lo <= hi, 1, "interval is empty");
	uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
	lua_pushinteger(L, span ? (lua_Integer)((uint64_t)lo + r % span) : (lua_Integer)r);
	return 1;
}

static int lh_randomseed(lua_State *L)
{
	lua_host *h = host_of(L);
	h->rng = (uint64_t)luaL_optinteger(L, 1, 0);
	return 0;
}

uint64_t lua_host_seed(const char *s, int64_t x)
{
	uint64_t v = 0xcbf29ce484222325ull;
	for (; s && *s; s++)
		v = (v ^ (unsigned char)*s) * 0x100000001b3ull;
	v ^= (uint64_t)x * 0x9e3779b97f4a7c15ull;
	return splitmix(&v);
}

/* vidc.random(a, b, ...): a number in [0, 1) that depends only on its arguments (numbers or
 * strings), for noise that must not change between renders. */
static int lh_vrandom(lua_State *L)
{
	uint64_t v = 0x243f6a8885a308d3ull;
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		if (lua_type(L, i) == LUA_TSTRING) {
			v ^= lua_host_seed(lua_tostring(L, i), i);
		} else {
			lua_Number x = luaL_checknumber(L, i);
			uint64_t bits;
			if (x >= -9e18 && x <= 9e18 && x == floor(x))
				bits = (uint64_t)(int64_t)x;
			else
				memcpy(&bits, &x, sizeof bits);
			v ^= bits + 0x9e3779b97f4a7c15ull * (uint64_t)i;
		}
		splitmix(&v);
	}
	lua_pushnumber(L, unit_of(splitmix(&v)));
	return 1;
}

/* vidc.ease(name, x): the spec's easings (linear, ease_in, ease_out, ease_in_out, in, out,
 * in_out, hold, spring with its default bounce, bounce) on x in 0..1. */
static int lh_ease(lua_State *L)
{
	static const struct {
		const char *name;
		ir_ease ease;
	} eases[] = {
		{"linear", {IR_EASE_LINEAR, {0}}},   {"ease_in", {IR_EASE_IN, {0}}},
		{"in", {IR_EASE_IN, {0}}},           {"ease_out", {IR_EASE_OUT, {0}}},
		{"out", {IR_EASE_OUT, {0}}},         {"ease_in_out", {IR_EASE_IN_OUT, {0}}},
		{"in_out", {IR_EASE_IN_OUT, {0}}},   {"hold", {IR_EASE_HOLD, {0}}},
		{"spring", {IR_EASE_SPRING, {0.35}}}, /* the bounce of a bare `spring` (SPEC 18.3) */
		{"bounce", {IR_EASE_BOUNCE, {0}}},
	};
	const char *name = luaL_checkstring(L, 1);
	double x = luaL_checknumber(L, 2);
	for (size_t i = 0; i < sizeof eases / sizeof eases[0]; i++)
		if (!strcmp(name, eases[i].name)) {
			lua_pushnumber(L, ir_ease_eval(&eases[i].ease, x < 0 ? 0 : x > 1 ? 1 : x));
			return 1;
		}
	return luaL_error(L, "vidc.ease: unknown easing '%s'", name);
}

/* ---- the state --------------------------------------------------------------------------- */

static void open_libs(lua_State *L)
{
	static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},        {LUA_STRLIBNAME, luaopen_string},
					{LUA_TABLIBNAME, luaopen_table},  {LUA_MATHLIBNAME, luaopen_math},
					{LUA_UTF8LIBNAME, luaopen_utf8},  {LUA_COLIBNAME, luaopen_coroutine},
					{NULL, NULL}};
	for (const luaL_Reg *l = libs; l->func; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	/* what reads files, loads bytecode or controls the collector goes */
	static const char *const drop[] = {"dofile", "loadfile", "collectgarbage", NULL};
	for (int i = 0; drop[i]; i++) {
		lua_pushnil(L);
		lua_setglobal(L, drop[i]);
	}
	lua_getglobal(L, "load");
	lua_pushcclosure(L, lh_load, 1);
	lua_setglobal(L, "load");
	lua_pushcfunction(L, lh_print);
	lua_setglobal(L, "print");
	lua_getglobal(L, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_getglobal(L, "math");
	lua_pushcfunction(L, lh_random);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, lh_randomseed);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_getglobal(L, "setmetatable");
	lua_pushcclosure(L, lh_setmetatable, 1);
	lua_setglobal(L, "setmetatable");
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_match_register(L, -1, charge_steps);
	lua_pop(L, 1);
	meter_lib(L, LUA_STRLIBNAME);
	meter_lib(L, LUA_TABLIBNAME);
	meter_lib(L, LUA_UTF8LIBNAME);
	guard(L, NULL, "pcall");
	guard(L, NULL, "xpcall");
	guard(L, "coroutine", "resume");
	lua_newtable(L);
	lua_pushcfunction(L, lh_vrandom);
	lua_setfield(L, -2, "random");
	lua_pushcfunction(L, lh_ease);
	lua_setfield(L, -2, "ease");
	lua_setglobal(L, "vidc");
	lua_host *h = host_of(L);
	if (h->setup)
		h->setup(L, h->path);
}

static const char *caller_file(const lua_host *h)
{
	if (h->caller && h->caller->file)
		return h->caller->file;
	return h->p && h->p->spec ? h->p->spec : "spec";
}

/* err = msg + " (hook 'NAME' called from SPEC:LINE:COL)"; msg alone for a host without a
 * program (vidc check's: it reports the spec position itself). */
static int fail(lua_host *h, int code, const char *msg, char *err, size_t errlen)
{
	if (!h->p)
		snprintf(err, errlen, "%s", msg);
	else if (h->caller && h->caller->line > 0)
		snprintf(err, errlen, "%s (hook '%s' called from %s:%d:%d)", msg, h->name, caller_file(h),
			 h->caller->line, h->caller->col);
	else
		snprintf(err, errlen, "%s (hook '%s' called from %s)", msg, h->name, caller_file(h));
	return code;
}

static int open_all(lua_State *L)
{
	open_libs(L);
	return 0;
}

/* The message handler of every call: an error object that is not a string (error({}),
 * error(42)) becomes a message with the position of the line that raised it, which Lua adds
 * only to strings. */
static int lh_msgh(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TSTRING)
		return 1;
	char pos[160];
	where_in(L, 1, pos, sizeof pos);
	if (lua_type(L, 1) == LUA_TNUMBER)
		lua_pushfstring(L, "%s%s%s", pos, pos[0] ? ": " : "", lua_tostring(L, 1));
	else
		lua_pushfstring(L, "%s%s(error object is a %s value)", pos, pos[0] ? ": " : "", luaL_typename(L, 1));
	return 1;
}

/* Starts a call's budget: the count and the clock. */
static void start_budget(lua_host *h)
{
	h->used = 0;
	h->aborted = LH_OK;
	h->where[0] = 0;
	h->ticks = 0;
	h->t0 = cpu_now();
}

/* The message of a failed call or load (status st, error object on the stack) into err. */
static int failed(lua_host *h, int st, char *err, size_t errlen)
{
	char msg[600];
	const char *m = h->L ? lua_tostring(h->L, -1) : NULL;
	if (h->aborted == LH_MEM || st == LUA_ERRMEM)
		snprintf(msg, sizeof msg, "%s: memory limit exceeded (%zu MB per hook)",
			 h->where[0] ? h->where : h->chunk + 1, h->mem_limit >> 20);
	else if (h->aborted == LH_INSN || h->aborted == LH_TIME)
		snprintf(msg, sizeof msg, "%s", h->msg);
	else
		snprintf(msg, sizeof msg, "%s", m ? m : "error (the error object is not a string)");
	return fail(h, h->aborted == LH_MEM || st == LUA_ERRMEM ? VE_NOMEM : VE_INVAL, msg, err, errlen);
}

typedef struct {
	const char *src;
	size_t len;
	const char *chunk;
	char bad[32]; /* the type returned, when not a table */
	int has;      /* LH_HAS_* of the functions the table holds */
} chunk_req;

static const char *const fn_names[] = {"draw", "params", "transition"};

/* Loads (text only) and runs the hook file; keeps its table as registry["vidc.hook"]. */
static int run_chunk(lua_State *L)
{
	chunk_req *r = lua_touserdata(L, 1);
	if (luaL_loadbufferx(L, r->src, r->len, r->chunk, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1)) {
		snprintf(r->bad, sizeof r->bad, "%s", luaL_typename(L, -1));
		return 0;
	}
	for (int i = 0; i < 3; i++) {
		lua_pushstring(L, fn_names[i]);
		if (lua_rawget(L, -2) == LUA_TFUNCTION)
			r->has |= 1 << i;
		lua_pop(L, 1);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "vidc.hook");
	return 0;
}

static void drop_state(lua_host *h)
{
	if (h->L)
		lua_close(h->L);
	h->L = NULL;
}

/* A fresh state with the file loaded and run; its table kept in the registry. */
static int load(lua_host *h, char *err, size_t errlen)
{
	char msg[512];
	drop_state(h);
	h->mem = 0;
	start_budget(h);
	lua_State *L = lua_newstate(lh_alloc, h);
	if (!L)
		return fail(h, VE_NOMEM, "out of memory creating the Lua state", err, errlen);
	h->L = L;
	lua_sethook(L, lh_count, LUA_MASKCOUNT, LH_STEP);
	lua_pushcfunction(L, open_all);
	int st = lua_pcall(L, 0, 0, 0);
	if (st != LUA_OK) {
		int rc = failed(h, st, err, errlen);
		drop_state(h);
		return rc;
	}
	size_t len = 0;
	char *src = NULL;
	vidc_err e = {0, ""};
	if (file_read(h->path, LH_MAX_FILE, &src, &len, &e)) {
		drop_state(h);
		/* like every missing asset: the spec position first, then the cause (missing, not a
		 * regular file, over the size limit); file_read's message is "cannot read 'PATH': ..." */
		const char *cause = strstr(e.msg, "': ");
		if (!h->p) {
			snprintf(msg, sizeof msg, "cannot read hook file '%s': %s", h->path, cause ? cause + 3 : e.msg);
			return fail(h, e.code, msg, err, errlen);
		}
		return rterr_node(e.code, h->p, h->caller, err, errlen, "cannot read hook file '%s': %s", h->path,
				  cause ? cause + 3 : e.msg);
	}
	chunk_req cr = {src, len, h->chunk, "", 0};
	lua_pushcfunction(L, lh_msgh);
	lua_pushcfunction(L, run_chunk);
	lua_pushlightuserdata(L, &cr);
	st = lua_pcall(L, 1, 0, 1);
	free(src);
	if (st != LUA_OK || h->aborted) {
		int rc = failed(h, st, err, errlen);
		drop_state(h);
		return rc;
	}
	if (cr.bad[0]) {
		snprintf(msg, sizeof msg,
			 "%s: a hook file must return a table of functions (draw, params, transition), not %s",
			 h->chunk + 1, cr.bad);
		drop_state(h);
		return fail(h, VE_INVAL, msg, err, errlen);
	}
	lua_settop(L, 0);
	h->has = cr.has;
	return 0;
}

int lua_host_open(lua_host **out, const char *path, const char *name, lh_setup_fn setup,
		  const ir_program *p, const ir_node *caller, char *err, size_t errlen)
{
	*out = NULL;
	lua_host *h = calloc(1, sizeof *h);
	if (!h)
		return VE_NOMEM;
	h->path = strdup(path ? path : "");
	h->name = strdup(name ? name : "?");
	/* Errors name the file as the spec does (rterr_path), not by its resolved path. Lua
	 * shortens chunk names past LUA_IDSIZE; keep the end of a long path readable. */
	char as_written[1024];
	const char *shown = h->path ? rterr_path(caller, h->path, as_written, sizeof as_written) : NULL;
	size_t pl = shown ? strlen(shown) : 0;
	while (shown && pl > LUA_IDSIZE - 8 && strchr(shown + 1, '/')) {
		shown = strchr(shown + 1, '/') + 1;
		pl = strlen(shown);
	}
	size_t cl = strlen(shown ? shown : "") + 2;
	h->chunk = malloc(cl);
	if (!h->path || !h->name || !h->chunk) {
		lua_host_close(h);
		return VE_NOMEM;
	}
	snprintf(h->chunk, cl, "@%s", shown);
	h->p = p;
	h->caller = caller;
	h->setup = setup;
	h->mem_limit = limits.mem_limit;
	h->insn_limit = limits.insn_limit;
	h->time_limit = limits.time_limit;
	int rc = load(h, err, errlen);
	if (rc) {
		lua_host_close(h);
		return rc;
	}
	*out = h;
	return 0;
}

void lua_host_close(lua_host *h)
{
	if (!h)
		return;
	drop_state(h);
	free(h->path);
	free(h->name);
	free(h->chunk);
	free(h);
}

typedef struct {
	const char *fn;
	lh_args_fn args;
	lh_done_fn done;
	int nres;
	void *ud;
	int missing;
} run_req;

static int trampoline(lua_State *L)
{
	run_req *r = lua_touserdata(L, 1);
	lua_settop(L, 0);
	lua_getfield(L, LUA_REGISTRYINDEX, "vidc.hook");
	lua_getfield(L, -1, r->fn);
	if (!lua_isfunction(L, -1)) {
		r->missing = 1;
		return 0;
	}
	int nargs = r->args ? r->args(L, r->ud) : 0;
	lua_call(L, nargs, r->nres);
	if (r->done)
		r->done(L, r->ud);
	return 0;
}

/* Calls tramp(req) in protected mode under a fresh budget (the state loaded first if need be;
 * math.random seeded with *seed when given): 0 when it returned, else the negative error. */
static int call_protected(lua_host *h, lua_CFunction tramp, void *req, const uint64_t *seed, char *err,
			  size_t errlen)
{
	if (!h->L) {
		int rc = load(h, err, errlen);
		if (rc)
			return rc;
	}
	lua_State *L = h->L;
	lua_settop(L, 0);
	start_budget(h);
	if (seed)
		h->rng = *seed;
	lua_pushcfunction(L, lh_msgh);
	lua_pushcfunction(L, tramp);
	lua_pushlightuserdata(L, req);
	int st = lua_pcall(L, 1, 0, 1);
	if (st == LUA_OK && !h->aborted) {
		lua_settop(L, 0);
		return 0;
	}
	int rc = failed(h, st, err, errlen);
	/* Whatever the hook left half-done (globals, a heap at its limit) goes with the state. */
	char ignore[256];
	load(h, ignore, sizeof ignore);
	return rc;
}

int lua_host_run(lua_host *h, const char *fn, lh_args_fn args, lh_done_fn done, int nres, void *ud,
		 uint64_t seed, char *err, size_t errlen)
{
	run_req r = {fn, args, done, nres, ud, 0};
	int rc = call_protected(h, trampoline, &r, &seed, err, errlen);
	return rc ? rc : r.missing ? 0 : 1;
}

typedef struct {
	lh_args_fn read;
	void *ud;
} inspect_req;

static int inspect_trampoline(lua_State *L)
{
	inspect_req *r = lua_touserdata(L, 1);
	lua_settop(L, 0);
	lua_getfield(L, LUA_REGISTRYINDEX, "vidc.hook");
	r->read(L, r->ud);
	return 0;
}

int lua_host_inspect(lua_host *h, lh_args_fn read, void *ud, char *err, size_t errlen)
{
	inspect_req r = {read, ud};
	return call_protected(h, inspect_trampoline, &r, NULL, err, errlen);
}

int lua_host_has(const lua_host *h, const char *fn)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(fn, fn_names[i]))
			return h->L && (h->has >> i & 1);
	return 0;
}
