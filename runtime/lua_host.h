/*
 * lua_host.h - one sandboxed Lua 5.4 state running one hook file (SPEC.md, "Lua hooks").
 *
 * The state has only the safe libraries (base without dofile/loadfile/collectgarbage and with a
 * text-only load, string without dump, table, math with a seeded random, utf8, coroutine) and the
 * `vidc` table; no os, io, package/require or debug, no __gc finalizers (Lua runs them with
 * hooks off). Its allocator stops at a memory cap and a count hook stops a call after a budget
 * that counts instructions and the work of C functions (patterns are matched by lua_match.c,
 * which counts its steps; the loops of string.rep, table.move, ... are charged before they
 * run), so a runaway hook ends in an error instead of a hung or swapping render. After any failed call the state is thrown away and the
 * file loaded afresh, so one bad frame leaves nothing behind.
 *
 * Errors read "FILE.lua:LINE: message (hook 'NAME' called from SPEC.vid:LINE:COL)".
 * Not thread-safe: one host is used by one thread at a time (graph.c composes on one thread).
 */
#ifndef VIDC_LUA_HOST_H
#define VIDC_LUA_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "../compiler/ir.h"

typedef struct lua_host lua_host;

typedef struct {
	size_t mem_limit;      /* bytes the state may hold; 0 = LH_DEFAULT_MEM */
	long long insn_limit;  /* budget units per call; 0 = LH_DEFAULT_INSN */
	double time_limit;     /* seconds of CPU time per call; 0 = LH_DEFAULT_SECONDS */
} lh_limits;

/* The budget of a call counts VM instructions, the work of C functions (a canvas pixel a
 * quarter unit, a pattern-matching step, a loop step of string.rep or table.move) and memory
 * allocated (16 bytes a unit). The CPU time limit is a backstop for what nothing counts
 * (comparing two long strings is one instruction); an ordinary hook call takes milliseconds. */
#define LH_DEFAULT_MEM ((size_t)64 << 20)
#define LH_DEFAULT_INSN 50000000LL
#define LH_DEFAULT_SECONDS 30.0

/* Limits every host created afterwards uses (tests lower them); NULL restores the defaults. */
void lua_host_set_limits(const lh_limits *lim);

/* Adds the caller's own API to every fresh state (hook.c registers the canvas), inside the
 * protected call that opens the libraries; path is the hook file's. */
typedef void (*lh_setup_fn)(lua_State *L, const char *path);

/* Loads the hook file path (hook NAME, declared for node caller of program p, which errors
 * name); setup (may be NULL) runs on each fresh state before the file. The file must return a
 * table. 0, or a negative VE_* code (base/err.h) with the message in err. With p NULL (a check
 * that reports the spec position itself) messages carry no "(hook ... called from ...)". */
int lua_host_open(lua_host **out, const char *path, const char *name, lh_setup_fn setup,
		  const ir_program *p, const ir_node *caller, char *err, size_t errlen);
void lua_host_close(lua_host *h);

/* Calls the hook table's function fn under the budgets, with math.random seeded by seed.
 * args pushes the arguments and returns how many; done (may be NULL) reads the nres results
 * at the top of the stack. Both run inside the protected call, so an error or a limit hit
 * while building arguments or reading results is reported like one in the hook. Returns 1
 * after a call, 0 when the table has no function fn, or a negative VE_* code (base/err.h) with the message
 * in err (the state is then reset: the file is loaded afresh, so nothing the call was given
 * survives it). */
typedef int (*lh_args_fn)(lua_State *L, void *ud);
typedef void (*lh_done_fn)(lua_State *L, void *ud);
int lua_host_run(lua_host *h, const char *fn, lh_args_fn args, lh_done_fn done, int nres, void *ud,
		 uint64_t seed, char *err, size_t errlen);

/* Charges units of work done in C for the running hook (canvas calls: a unit per 4 pixels)
 * against its instruction budget; raises the limit error when it is spent. */
void lua_host_charge(lua_State *L, long long units);

/* Calls read with the hook table at the top of the stack, inside a protected call under the
 * budgets (read's errors are reported like the hook's, with the state reset). read must use raw
 * access (lua_rawget, lua_next): a metamethod would run the hook's code. 0 or a negative VE_*. */
int lua_host_inspect(lua_host *h, lh_args_fn read, void *ud, char *err, size_t errlen);

/* Whether the hook table has function fn (draw, params or transition) as last loaded. */
int lua_host_has(const lua_host *h, const char *fn);

/* A 64-bit mix of the bytes of s and the number x (seeds per hook and frame). */
uint64_t lua_host_seed(const char *s, int64_t x);

#endif
