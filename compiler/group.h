/*
 * group.h - `group NAME { ... }` (SPEC §18.1): a precomp inside a scene. The group is a layer
 * (layer.c reads its own properties: position, scale, opacity, keys, ...) whose source is its
 * child layers; this file reads those children, bounded in depth, with their times counted
 * from the group's start plus its offset. Internal to compiler/.
 */
#ifndef VIDC_GROUP_H
#define VIDC_GROUP_H

#include "checker.h"

/* Reads the child layers of group statement st into G (already read as a layer by layer_read),
 * G being at nesting depth `depth` (1 for a scene's group). */
void group_read(checker_t *c, const ast_stmt *st, mlayer *G, int depth);
/* 1 (after saying so at st) when st is a group where groups cannot stand (`where`: "in an
 * overlay", "at the top level"); 0 otherwise. */
int group_misplaced(checker_t *c, const ast_stmt *st, const char *where);

#endif
