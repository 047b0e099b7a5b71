/*
 * marker.h - named points in time (SPEC §18.6): `marker NAME at TIME` in a scene (TIME relative to
 * the scene, as its layers' times are) or at the top of the spec (TIME on the video: a duration
 * from its start, a speech anchor or another marker, plus or minus durations). Anywhere a time is
 * expected afterwards, NAME stands for that moment (anchor.c looks it up): `start drop`,
 * `key drop + 0.5s 1`. Internal to compiler/.
 */
#ifndef VIDC_MARKER_H
#define VIDC_MARKER_H

#include "checker.h"

/* Notes every marker statement of the top-level list and of its scenes, before any is read, so
 * a use before its marker says where the marker is. */
void marker_declare(checker_t *c, ast_stmt *const *st, int n);
/* Reads one `marker NAME at TIME`: base and span are its container's (start, length), scope the
 * index of the scene it is in (-1 at the top). A name set again in another scene (a template's
 * scene used twice) stands for the later moment from there on; twice in one scene is an error. */
void marker_read(checker_t *c, const ast_stmt *st, double base, double span, int scope);
/* The marker statement declared as name, or NULL. */
const ast_stmt *marker_decl(const checker_t *c, const char *name);

#endif
