/*
 * svgpath.h - SVG path data ("M 10 10 L 100 10 C ... Z", SVG 1.1 §8.3) to an ir_path: absolute
 * and relative M L H V C S Q T A Z, implicit repeats, numbers as SVG writes them ("1.5.5",
 * "10-5", flags without separators). Quadratics become cubics and arcs cubics of at most 90°
 * each, so the runtime only ever sees moves, lines, cubics and closes. Parsed by the compiler so
 * that a bad path is an error at its spec line and column, not a runtime failure.
 */
#ifndef VIDC_SVGPATH_H
#define VIDC_SVGPATH_H

#include <stddef.h>

#include "../base/arena.h"
#include "ir.h"

/* Commands one path may give (after quadratics and arcs are expanded): a spec cannot make a
 * frame's rasterising take long. */
#define SVGPATH_MAX_CMDS 10000

/* Parses s into *out (in arena a). 0 on success; otherwise -1 with *err_off the byte offset in
 * s of the command or number at fault and msg the cause. */
int svgpath_parse(arena_t *a, const char *s, ir_path *out, int *err_off, char *msg, size_t msglen);

#endif
