/*
 * shape.h - shape layers (issue 16): `shape rect W H [radius R]`, `shape ellipse W H`,
 * `shape line X1 Y1 X2 Y2`, `shape polygon SIDES SIZE` or `shape polygon X Y X Y X Y ...`,
 * `shape path "M 0 0 L 100 0 Z"`, with their own properties (fill, stroke, cap, radius); and
 * their lowering to the path the runtime draws. Trim and the common layer properties are
 * layer.c's. Internal to compiler/.
 */
#ifndef VIDC_SHAPE_H
#define VIDC_SHAPE_H

#include "checker.h"

enum { SHAPE_RECT, SHAPE_ELLIPSE, SHAPE_LINE, SHAPE_POLYGON, SHAPE_PATH };

/* Limits a stranger's spec must stay within (SPEC §14): together with SVGPATH_MAX_CMDS they
 * bound the work of one frame. */
#define SHAPE_MAX_SIDES 1000     /* regular polygon sides, and points of a point list */
#define SHAPE_MAX_STROKE 1000.0  /* stroke width, px */
#define SHAPE_MAX_SIZE 100000.0  /* any length of the geometry, px */

/* The main value of a shape statement: the kind and its geometry. */
void shape_arg(checker_t *c, const ast_stmt *st, mlayer *L);
/* Applies one shape property statement (fill, stroke, cap, radius) to L. Returns 0 (and
 * reports nothing) when st is not one. */
int shape_prop(checker_t *c, const ast_stmt *st, mlayer *L);
/* Reads SVG path data from string value v into *out (in the compile's arena): 1, or 0 after an
 * error at the character of the bad command or number. Shapes and path masks read theirs so. */
int shape_path_read(checker_t *c, const ast_value *v, ir_path *out);
/* The shape property names, for "did you mean". */
int shape_nprops(void);
const char *shape_prop_name(int i);

/* Pixels of a length on an axis (0 x, 1 y) at the preset being lowered. */
typedef double (*shape_px_fn)(const void *ctx, double v, unit_kind u, int axis);
/* Fills n's shape fields (kind IR_SHAPE) from L in px. */
void shape_lower(arena_t *a, const mlayer *L, shape_px_fn px, const void *ctx, ir_node *n);

#endif
