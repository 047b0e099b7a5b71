/*
 * lua_match.c - counted Lua string patterns (see lua_match.h). The matcher is the classic
 * recursive backtracker the Lua manual describes: match() walks the pattern item by item, a
 * quantified item tries its lengths in the order the quantifier prescribes (longest first for
 * * and +, shortest first for -, one then none for ?) and recurses for the rest. Recursion is
 * bounded by MAX_DEPTH ("pattern too complex"), like Lua's; work is bounded by the budget: each
 * step adds to ms->steps, flushed to the charge function every FLUSH_STEPS steps.
 *
 * Subjects and patterns are Lua strings, so a byte past the end (the terminating NUL) may be
 * read, as Lua's matcher does.
 */
#include "lua_match.h"

#include <ctype.h>
#include <string.h>

#include <lauxlib.h>

#define MAX_CAPTURES 32 /* Lua's LUA_MAXCAPTURES */
#define MAX_DEPTH 200   /* Lua's MAXCCALLS for patterns */
#define FLUSH_STEPS 4096
#define ESC '%'
#define SPECIALS "^$*+?.([%-"

enum { CAP_UNFINISHED = -1, CAP_POSITION = -2 };

typedef struct {
	const char *src, *src_end; /* the subject */
	const char *p_end;         /* end of the pattern */
	lua_State *L;
	lua_match_charge_fn charge;
	int depth; /* recursion left */
	int level; /* captures open or closed so far */
	struct {
		const char *init;
		ptrdiff_t len; /* or CAP_UNFINISHED, CAP_POSITION */
	} cap[MAX_CAPTURES];
	long long steps; /* not yet charged */
} mstate;

static void flush(mstate *ms)
{
	long long n = ms->steps;
	ms->steps = 0;
	if (n > 0)
		ms->charge(ms->L, n);
}

static inline void tick(mstate *ms, long long n)
{
	ms->steps += n;
	if (ms->steps >= FLUSH_STEPS)
		flush(ms);
}

/* ---- single items -------------------------------------------------------------------------- */

/* The end of the single-character class at p (a character, %x, or a [set]). */
static const char *class_end(mstate *ms, const char *p)
{
	if (*p++ == ESC) {
		if (p == ms->p_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (p[-1] == '[') {
		if (*p == '^')
			p++;
		do { /* the first character of a set may be ']' */
			if (p == ms->p_end)
				luaL_error(ms->L, "malformed pattern (missing ']')");
			if (*(p++) == ESC && p < ms->p_end)
				p++;
		} while (*p != ']');
		return p + 1;
	}
	return p;
}

/* Whether c is in class %cl (a letter names a class, its capital the complement; any other
 * character stands for itself). */
static int class_has(int c, int cl)
{
	int r;
	switch (tolower(cl)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	default: return cl == c;
	}
	return isupper(cl) ? !r : r != 0;
}

/* Whether c is in the set [p .. ec] (p at '[', ec at its ']'). */
static int set_has(int c, const char *p, const char *ec)
{
	int in = 1;
	if (*(p + 1) == '^') {
		in = 0;
		p++;
	}
	while (++p < ec) {
		if (*p == ESC) {
			p++;
			if (class_has(c, (unsigned char)*p))
				return in;
		} else if (*(p + 1) == '-' && p + 2 < ec) {
			p += 2;
			if ((unsigned char)*(p - 2) <= c && c <= (unsigned char)*p)
				return in;
		} else if ((unsigned char)*p == c) {
			return in;
		}
	}
	return !in;
}

/* Whether the subject character at s matches the single item [p, ep). */
static int item_matches(const mstate *ms, const char *s, const char *p, const char *ep)
{
	if (s >= ms->src_end)
		return 0;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.':
		return 1;
	case ESC:
		return class_has(c, (unsigned char)*(p + 1));
	case '[':
		return set_has(c, p, ep - 1);
	default:
		return (unsigned char)*p == c;
	}
}

/* ---- the matcher --------------------------------------------------------------------------- */

static const char *match(mstate *ms, const char *s, const char *p);

/* %bxy at s: from an x to its balancing y. */
static const char *balance(mstate *ms, const char *s, const char *p)
{
	if (p >= ms->p_end - 1)
		luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
	if (*s != *p)
		return NULL;
	int b = *p, e = *(p + 1), open = 1;
	const char *s0 = s;
	while (++s < ms->src_end) {
		if (*s == e) {
			if (--open == 0) {
				tick(ms, s - s0);
				return s + 1;
			}
		} else if (*s == b) {
			open++;
		}
	}
	tick(ms, s - s0);
	return NULL;
}

/* The longest run of the item first, then shorter ones, each followed by the rest ep + 1. */
static const char *max_expand(mstate *ms, const char *s, const char *p, const char *ep)
{
	ptrdiff_t i = 0;
	while (item_matches(ms, s + i, p, ep))
		i++;
	tick(ms, i);
	for (; i >= 0; i--) {
		const char *r = match(ms, s + i, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

/* The shortest run first. */
static const char *min_expand(mstate *ms, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *r = match(ms, s, ep + 1);
		if (r)
			return r;
		if (!item_matches(ms, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *open_capture(mstate *ms, const char *s, const char *p, ptrdiff_t what)
{
	if (ms->level >= MAX_CAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->cap[ms->level].init = s;
	ms->cap[ms->level].len = what;
	ms->level++;
	const char *r = match(ms, s, p);
	if (!r)
		ms->level--;
	return r;
}

static const char *close_capture(mstate *ms, const char *s, const char *p)
{
	int l = ms->level - 1;
	while (l >= 0 && ms->cap[l].len != CAP_UNFINISHED)
		l--;
	if (l < 0)
		luaL_error(ms->L, "invalid pattern capture");
	ms->cap[l].len = s - ms->cap[l].init;
	const char *r = match(ms, s, p);
	if (!r)
		ms->cap[l].len = CAP_UNFINISHED;
	return r;
}

/* A back-reference %1..%9 at s. */
static const char *back_reference(mstate *ms, const char *s, int l)
{
	l -= '1';
	if (l < 0 || l >= ms->level || ms->cap[l].len == CAP_UNFINISHED)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	if (ms->cap[l].len < 0)
		return NULL; /* a position capture matches nothing */
	size_t len = (size_t)ms->cap[l].len;
	tick(ms, (long long)len / 16);
	if ((size_t)(ms->src_end - s) >= len && memcmp(ms->cap[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/* %f[set] at s: the frontier where the previous character is not in the set and this one is.
 * Returns the pattern after the set, or NULL. */
static const char *frontier(mstate *ms, const char *s, const char *p)
{
	if (*p != '[')
		luaL_error(ms->L, "missing '[' after '%%f' in pattern");
	const char *ep = class_end(ms, p);
	int prev = s == ms->src ? '\0' : (unsigned char)*(s - 1);
	if (!set_has(prev, p, ep - 1) && set_has((unsigned char)*s, p, ep - 1))
		return ep;
	return NULL;
}

/* A single item at p, possibly quantified: the end of the match of the whole rest of the
 * pattern, or NULL. *again is set (with *sp, *pp moved on) when matching simply continues. */
static const char *item(mstate *ms, const char **sp, const char **pp, int *again)
{
	const char *s = *sp, *p = *pp, *ep = class_end(ms, p), *r;
	*again = 0;
	if (!item_matches(ms, s, p, ep)) {
		if (*ep == '*' || *ep == '?' || *ep == '-') { /* zero repetitions are fine */
			*pp = ep + 1;
			*again = 1;
		}
		return NULL;
	}
	switch (*ep) {
	case '?':
		if ((r = match(ms, s + 1, ep + 1)))
			return r;
		*pp = ep + 1;
		*again = 1;
		return NULL;
	case '+':
		return max_expand(ms, s + 1, p, ep);
	case '*':
		return max_expand(ms, s, p, ep);
	case '-':
		return min_expand(ms, s, p, ep);
	default:
		*sp = s + 1;
		*pp = ep;
		*again = 1;
		return NULL;
	}
}

static const char *match(mstate *ms, const char *s, const char *p)
{
	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
	for (;;) {
		tick(ms, 1);
		if (p == ms->p_end)
			break;
		if (*p == '(') {
			s = *(p + 1) == ')' ? open_capture(ms, s, p + 2, CAP_POSITION)
					    : open_capture(ms, s, p + 1, CAP_UNFINISHED);
			break;
		}
		if (*p == ')') {
			s = close_capture(ms, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == ms->p_end) {
			s = s == ms->src_end ? s : NULL;
			break;
		}
		if (*p == ESC && *(p + 1) == 'b') {
			if ((s = balance(ms, s, p + 2))) {
				p += 4;
				continue;
			}
			break;
		}
		if (*p == ESC && *(p + 1) == 'f') {
			const char *ep = frontier(ms, s, p + 2);
			if (ep) {
				p = ep;
				continue;
			}
			s = NULL;
			break;
		}
		if (*p == ESC && isdigit((unsigned char)*(p + 1))) {
			if ((s = back_reference(ms, s, (unsigned char)*(p + 1)))) {
				p += 2;
				continue;
			}
			break;
		}
		int again;
		const char *r = item(ms, &s, &p, &again);
		if (again)
			continue;
		s = r;
		break;
	}
	ms->depth++;
	return s;
}

/* ---- captures ------------------------------------------------------------------------------ */

/* Pushes capture i of the match [s, e) (the whole match when there are no captures). */
static void push_capture(mstate *ms, int i, const char *s, const char *e)
{
	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		lua_pushlstring(ms->L, s, (size_t)(e - s));
		return;
	}
	ptrdiff_t l = ms->cap[i].len;
	if (l == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	if (l == CAP_POSITION)
		lua_pushinteger(ms->L, (lua_Integer)(ms->cap[i].init - ms->src) + 1);
	else
		lua_pushlstring(ms->L, ms->cap[i].init, (size_t)l);
}

/* Pushes every capture (or the whole match when s is given and there are none). */
static int push_captures(mstate *ms, const char *s, const char *e)
{
	int n = ms->level == 0 && s ? 1 : ms->level;
	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(ms, i, s, e);
	return n;
}

/* ---- the library functions ----------------------------------------------------------------- */

static lua_match_charge_fn charge_of(lua_State *L)
{
	return *(lua_match_charge_fn *)lua_touserdata(L, lua_upvalueindex(1));
}

static void init_state(mstate *ms, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
	ms->L = L;
	ms->charge = charge_of(L);
	ms->src = s;
	ms->src_end = s + ls;
	ms->p_end = p + lp;
	ms->steps = 0;
}

static void restart(mstate *ms)
{
	ms->level = 0;
	ms->depth = MAX_DEPTH;
}

/* A start position as Lua's string functions read it: negative from the end, 0 as 1. */
static size_t start_at(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

static int has_specials(const char *p, size_t l)
{
	for (size_t i = 0; i < l; i++)
		if (p[i] && strchr(SPECIALS, p[i]))
			return 1;
	return 0;
}

static int find_or_match(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	mstate ms;
	init_state(&ms, L, s, ls, p, lp);
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		/* plain search: glibc's memmem is linear in both lengths */
		tick(&ms, (long long)(ls - init + lp) / 16);
		flush(&ms);
		const char *f = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
		if (f) {
			lua_pushinteger(L, (lua_Integer)(f - s) + 1);
			lua_pushinteger(L, (lua_Integer)(f - s + lp));
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	int anchor = *p == '^';
	if (anchor) {
		p++;
		lp--;
		ms.p_end = p + lp;
	}
	const char *s1 = s + init;
	do {
		restart(&ms);
		const char *e = match(&ms, s1, p);
		if (e) {
			flush(&ms);
			if (find) {
				lua_pushinteger(L, (lua_Integer)(s1 - s) + 1);
				lua_pushinteger(L, (lua_Integer)(e - s));
				return push_captures(&ms, NULL, NULL) + 2;
			}
			return push_captures(&ms, s1, e);
		}
	} while (s1++ < ms.src_end && !anchor);
	flush(&ms);
	luaL_pushfail(L);
	return 1;
}

static int lm_find(lua_State *L)
{
	return find_or_match(L, 1);
}

static int lm_match(lua_State *L)
{
	return find_or_match(L, 0);
}

/* gmatch's iterator state: upvalues 1 the charge box, 2 the subject, 3 the pattern, 4 this. */
typedef struct {
	size_t pos;       /* where the next search starts */
	ptrdiff_t last;   /* end of the last match, -1 = none (an empty match there is skipped) */
} gm_state;

static int gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(2), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(3), &lp);
	gm_state *gm = lua_touserdata(L, lua_upvalueindex(4));
	mstate ms;
	init_state(&ms, L, s, ls, p, lp);
	for (const char *src = s + gm->pos; src <= ms.src_end; src++) {
		restart(&ms);
		const char *e = match(&ms, src, p);
		if (e && e - s != gm->last) {
			flush(&ms);
			gm->pos = (size_t)(e - s);
			gm->last = e - s;
			return push_captures(&ms, src, e);
		}
	}
	flush(&ms);
	gm->pos = ls + 1;
	return 0;
}

static int lm_gmatch(lua_State *L)
{
	size_t ls;
	luaL_checklstring(L, 1, &ls);
	luaL_checkstring(L, 2);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls)
		init = ls + 1; /* no match at all */
	lua_settop(L, 2);
	gm_state *gm = lua_newuserdatauv(L, sizeof *gm, 0);
	gm->pos = init;
	gm->last = -1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1); /* charge box, s, p, state */
	lua_pushcclosure(L, gmatch_next, 4);
	return 1;
}

/* gsub's replacement string at index 3 for the match [s, e): %0 the match, %1..%9 captures,
 * %% a percent sign. */
static void add_string(mstate *ms, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = ms->L;
	size_t l;
	const char *r = lua_tolstring(L, 3, &l);
	tick(ms, (long long)l / 16);
	const char *q;
	while ((q = memchr(r, ESC, l))) {
		luaL_addlstring(b, r, (size_t)(q - r));
		q++;
		if (*q == ESC) {
			luaL_addchar(b, *q);
		} else if (*q == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*q)) {
			push_capture(ms, *q - '1', s, e);
			luaL_addvalue(b); /* a string, or a position capture's number */
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", ESC);
		}
		l -= (size_t)(q + 1 - r);
		r = q + 1;
	}
	luaL_addlstring(b, r, l);
}

/* Adds the replacement of match [s, e) by repl (index 3, of type tr). Returns whether it
 * changed the text (a false or nil from a function or table keeps the match). */
static int add_value(mstate *ms, luaL_Buffer *b, const char *s, const char *e, int tr)
{
	lua_State *L = ms->L;
	if (tr == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(ms, s, e);
		lua_call(L, n, 1);
	} else if (tr == LUA_TTABLE) {
		push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
	} else {
		add_string(ms, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

static int lm_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last = NULL;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
	int anchor = *p == '^';
	lua_Integer n = 0;
	int changed = 0;
	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE,
			 3, "string/function/table");
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	mstate ms;
	init_state(&ms, L, src, ls, p, lp);
	while (n < max) {
		restart(&ms);
		const char *e = match(&ms, src, p);
		if (e && e != last) {
			n++;
			changed = add_value(&ms, &b, src, e, tr) | changed;
			src = last = e;
		} else if (src < ms.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	flush(&ms);
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

void lua_match_register(lua_State *L, int idx, lua_match_charge_fn charge)
{
	static const luaL_Reg fns[] = {
		{"find", lm_find}, {"match", lm_match}, {"gmatch", lm_gmatch}, {"gsub", lm_gsub}, {NULL, NULL}};
	idx = lua_absindex(L, idx);
	lua_match_charge_fn *box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = charge;
	for (const luaL_Reg *f = fns; f->name; f++) {
		lua_pushvalue(L, -1);
		lua_pushcclosure(L, f->func, 1);
		lua_setfield(L, idx, f->name);
	}
	lua_pop(L, 1);
}
