/*
 * lua_match.h - Lua's string patterns for hooks, with their work counted (SPEC.md, "Trust and
 * limits"). Lua's own matcher backtracks in C, where the instruction budget cannot see it:
 * ("a?"):rep(32) as a pattern, or %b() over 200,000 characters, runs for minutes on a handful
 * of VM instructions. These are string.find, match, gmatch and gsub written afresh with the
 * semantics of Lua 5.4's (reference manual §6.4.1: classes, sets, the four quantifiers,
 * captures and position captures, %b, %f, back-references, anchors; the same results and the
 * same error messages) and one difference: every step of the matcher (a try at a position, an
 * item matched, a character scanned) is charged to the caller's budget as it goes, so a costly
 * pattern stops with the budget's error instead of hanging the render.
 *
 * tests/unit/rt_lua_match.c compares them with Lua's own on random patterns and subjects.
 */
#ifndef VIDC_LUA_MATCH_H
#define VIDC_LUA_MATCH_H

#include <lua.h>

/* Called with the steps done since the last call (a few thousand at a time, and the rest at the
 * end of each library call); raises a Lua error when the budget is spent. */
typedef void (*lua_match_charge_fn)(lua_State *L, long long steps);

/* Replaces find, match, gmatch and gsub in the string table at index idx (and so in the
 * strings' metatable, which shares it) with the counted ones. */
void lua_match_register(lua_State *L, int idx, lua_match_charge_fn charge);

#endif
