/*
 * scene.h - the timeline's statements: scenes in order (each with its transition into the next)
 * and overlays over the whole video. Internal to compiler/.
 */
#ifndef VIDC_SCENE_H
#define VIDC_SCENE_H

#include "checker.h"

/* Reads one scene starting at frame *cursor; moves *cursor to where the next scene starts (the
 * scene's end less its outgoing transition). is_last: no next scene to transition into. */
void scene_read(checker_t *c, const ast_stmt *st, int64_t *cursor, int is_last);
/* overlay [NAME] { start T; end T; layers }: over the timeline; needs the video's length. */
void scene_overlay(checker_t *c, const ast_stmt *st);
/* The i-th statement a scene takes besides layers (transition, duration, ...), NULL past the
 * last: for completion (query.c). */
const char *scene_prop_name(int i);

#endif
