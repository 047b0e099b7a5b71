/*
 * rt_lua_match.c - the hooks' counted string patterns (runtime/lua_match.c) against Lua's own:
 * on 50,000 random patterns and subjects, string.find (with init and plain), match, gmatch (with
 * init), gsub (string, function and table replacements, a maximum count) must give the same
 * results and the same errors as Lua 5.4's. Then the counting: the steps charged grow with
 * the work, and a charge function that raises stops a pattern bomb at once.
 */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runtime/lua_match.h"
#include "check.h"

/* Runs one call in a state and serialises what it returned or the error it raised. */
static const char *driver =
	"local function ser(ok, ...)\n"
	"  local t = {tostring(ok)}\n"
	"  for i = 1, select('#', ...) do local v = select(i, ...); t[#t + 1] = type(v) .. ':' .. tostring(v) end\n"
	"  return table.concat(t, '|')\n"
	"end\n"
	"local repl_t = {a = 'A', b = false, ab = 1, ['('] = {}}\n"
	"local function repl_f(a, b) if a == 'b' then return false end if a == 'c' then return {} end\n"
	"  return '<' .. tostring(a) .. tostring(b) .. '>' end\n"
	"function run(op, s, p, x, y)\n"
	"  if op == 0 then return ser(pcall(string.find, s, p, x, y)) end\n"
	"  if op == 1 then return ser(pcall(string.match, s, p, x)) end\n"
	"  if op == 2 then\n"
	"    local ok, it = pcall(string.gmatch, s, p, x)\n"
	"    if not ok then return ser(ok, it) end\n"
	"    local out = {}\n"
	"    local ok2, err = pcall(function()\n"
	"      for a, b in it do out[#out + 1] = tostring(a) .. ',' .. tostring(b); if #out > 500 then break end end end)\n"
	"    return ser(ok2, err, table.concat(out, ';'))\n"
	"  end\n"
	"  if op == 3 then return ser(pcall(string.gsub, s, p, x, y)) end\n"
	"  if op == 4 then return ser(pcall(string.gsub, s, p, repl_f, y)) end\n"
	"  return ser(pcall(string.gsub, s, p, repl_t, y))\n"
	"end\n";

static long long charged;
static long long charge_limit = -1;

static void count_charge(lua_State *L, long long steps)
{
	charged += steps;
	if (charge_limit >= 0 && charged > charge_limit)
		luaL_error(L, "budget spent");
}

static lua_State *state(int counted)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	if (counted) {
		lua_getglobal(L, "string");
		lua_match_register(L, -1, count_charge);
		lua_pop(L, 1);
	}
	if (luaL_loadbuffer(L, driver, strlen(driver), "=driver") || lua_pcall(L, 0, 0, 0)) {
		fprintf(stderr, "driver: %s\n", lua_tostring(L, -1));
		exit(2);
	}
	return L;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void random_pattern(char *out, size_t cap)
{
	static const char *const tok[] = {
		"a", "b", "c", "(", ")", "()", "%a", "%d", "%s", "%w", "%p", "%A", "%S", "%l", "%u", "%x", "%c",
		"%g", "[ab]", "[^a]", "[a-c]", "[%a_]", "[]]", "[^]a]", "[a-]", ".", "*", "+", "-", "?", "^",
		"$", "%b()", "%bab", "%f[%w]", "%f[%s]", "%1", "%2", "%0", "%%", "%(", "%.", "]", "[", "%",
		"%b", "%f", "%z", "1", " ", "\\0"};
	size_t n = 0;
	int k = (int)rnd(9);
	out[0] = 0;
	for (int i = 0; i < k; i++) {
		const char *t = tok[rnd(sizeof tok / sizeof tok[0])];
		size_t l = strlen(t);
		if (n + l + 1 >= cap)
			break;
		memcpy(out + n, t, l + 1);
		n += l;
	}
}

static void random_subject(char *out, size_t cap)
{
	static const char al[] = "aabbc( )1_%.ab";
	size_t n = rnd(24);
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = al[rnd(sizeof al - 1)];
	out[n] = 0;
}

/* Pushes a random optional argument: nil, a small integer, or a boolean/string by op. */
static void push_extra(lua_State *L, int op, int which, int pick)
{
	if (op == 3 && which == 0) {
		static const char *const r[] = {"x", "%0", "[%1]", "%2", "%%", "%", "%a", "<%0%0>"};
		lua_pushstring(L, r[pick % 8]);
		return;
	}
	if (op == 0 && which == 1) {
		lua_pushboolean(L, pick & 1);
		return;
	}
	if (pick % 3 == 0)
		lua_pushnil(L);
	else
		lua_pushinteger(L, (lua_Integer)(pick % 9) - 3);
}

static const char *run(lua_State *L, int op, const char *s, const char *p, int x, int y, char *buf, size_t len)
{
	lua_getglobal(L, "run");
	lua_pushinteger(L, op);
	lua_pushstring(L, s);
	lua_pushstring(L, p);
	push_extra(L, op, 0, x);
	push_extra(L, op, 1, y);
	if (lua_pcall(L, 5, 1, 0))
		snprintf(buf, len, "driver error: %s", lua_tostring(L, -1));
	else
		snprintf(buf, len, "%s", lua_tostring(L, -1));
	lua_settop(L, 0);
	return buf;
}

static void same_as_lua(void)
{
	lua_State *ref = state(0), *cnt = state(1);
	int cases = 50000, diffs = 0;
	for (int i = 0; i < cases; i++) {
		char s[32], p[96], a[4096], b[4096];
		random_subject(s, sizeof s);
		random_pattern(p, sizeof p);
		int op = (int)rnd(6), x = (int)rnd(64), y = (int)rnd(64);
		run(ref, op, s, p, x, y, a, sizeof a);
		run(cnt, op, s, p, x, y, b, sizeof b);
		if (strcmp(a, b) && diffs++ < 10)
			CHECK(0, "op %d on \"%s\" with pattern \"%s\" (x %d, y %d):\n  lua:     %s\n  counted: %s", op, s,
			      p, x, y, a, b);
	}
	CHECK(diffs == 0, "%d of %d calls differ from Lua's", diffs, cases);
	printf("rt_lua_match: %d random calls, %d differ, %lld steps charged\n", cases, diffs, charged);
	lua_close(ref);
	lua_close(cnt);
}

/* Steps grow with the work; a raising charge stops a bomb at once. */
static void counted(void)
{
	lua_State *L = state(1);
	static const char *const small = "return ('abc'):find('b')";
	static const char *const big = "return ('a'):rep(20000):find('.-b')";
	long long before = charged;
	CHECK(!luaL_dostring(L, small), "small: %s", lua_tostring(L, -1));
	long long c_small = charged - before;
	before = charged;
	CHECK(!luaL_dostring(L, big), "big: %s", lua_tostring(L, -1));
	long long c_big = charged - before;
	CHECK(c_small < 100 && c_big > 100000000, "steps: %lld for a tiny find, %lld for a quadratic one", c_small,
	      c_big);
	static const char *const bombs[] = {
		"return ('a'):rep(40):find(('a?'):rep(40) .. ('a'):rep(40))",
		"return select('#', ('('):rep(200000):gsub('%b()', ''))",
		"for _ in ('a'):rep(100000):gmatch('.-b') do end",
		"return ('x'):rep(3000):match(('.-'):rep(10) .. 'y')",
	};
	for (size_t i = 0; i < sizeof bombs / sizeof bombs[0]; i++) {
		charged = 0;
		charge_limit = 10000000;
		int rc = luaL_dostring(L, bombs[i]);
		CHECK(rc != 0 && strstr(lua_tostring(L, -1), "budget spent"), "bomb %zu not stopped: %s", i,
		      rc ? lua_tostring(L, -1) : "it returned");
		/* "at once" in work, not time: the steps charged stop within a flush (and one subject's
		 * length) past the budget, where each bomb's whole work is billions of steps */
		CHECK(charged > charge_limit && charged < charge_limit + charge_limit / 10,
		      "bomb %zu ran %lld steps past a budget of %lld", i, charged - charge_limit, charge_limit);
		lua_settop(L, 0);
	}
	charge_limit = -1;
	lua_close(L);
}

int main(void)
{
	same_as_lua();
	counted();
	if (failures)
		return 1;
	printf("rt_lua_match: ok\n");
	return 0;
}
