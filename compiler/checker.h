/*
 * checker.h - the state the checker's files share while one spec is checked: the spec being
 * built (model.h), the symbols that imports and definitions brought in (sym.c), and the
 * expansion guards. compile.c creates it; expand.c, value.c, anchor.c, asset.c, style.c,
 * layer.c and check.c read and fill it. Internal to compiler/.
 *
 * The checker's flow, one file a step (as Lua splits llex/lparser/lcode):
 *   compile.c  the public API (compile.h): read the file, run the steps below
 *   expand.c   imports, const/style/template/hook definitions, template expansion
 *   check.c    the top-level statements: video, voice and music, scenes, overlays, chapters,
 *              and the platform rules (durations, size budget, chapters)
 *   layer.c    one layer: its kind, timing and the property table
 *   style.c    text styles and the text property table
 *   anchor.c   points in time, speech anchors (word("..."), sentence(3), section("hook"))
 *   value.c    typed values (durations, lengths, colours, ...) and the shared messages
 *   asset.c    file names in a spec: resolving, checking, reading
 *   sym.c      the symbol tables
 */
#ifndef VIDC_CHECKER_H
#define VIDC_CHECKER_H

#include <math.h>
#include <stdint.h>

#include "../base/roots.h"
#include "ast.h"
#include "compile.h"
#include "model.h"

#define MAX_EXPAND_DEPTH 16
#define MAX_STYLE_DEPTH 16
/* Layers in one scene or overlay, its groups' included: each visible layer keeps its picture
 * while it shows (a text of 48px about 0.3 MB), so 20,000 took gigabytes; a busy scene has tens. */
#define MAX_SCENE_LAYERS 1000
#define MAX_SECONDS 86400.0 /* longer than any platform takes; keeps frame counts sane */
/* A spec or an imported file: far more than any video needs (a long spec is tens of KB), few
 * enough that the AST of the worst input stays near 100 MB. */
#define MAX_SPEC_BYTES (1024 * 1024)
/* A code listing read with `file`: no screen shows more. */
#define MAX_CODE_BYTES (1024 * 1024)

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

typedef struct {
	const char *name;
	const ast_value *v;
	span_t sp;
} const_sym;

typedef struct {
	const char *name;
	const ast_stmt *st;
} stmt_sym;

typedef struct {
	const char *name, *path;
	span_t sp;
} hook_sym;

/* A name -> position index over one symbol array (sym.c): open addressing, slots hold the
 * position + 1 (0: empty). A spec may define thousands of names; lookups stay O(1). */
typedef struct {
	int *slot;
	int cap;
} sym_index;

typedef struct checker {
	spec_t *s;
	arena_t *a;
	diag_sink *d;
	const compile_opts *o;
	const char *stdlib;
	roots_t *roots; /* the folders files may be read from (compile.h); NULL when out of memory */
	const_sym *consts;
	int nconsts, cconsts;
	stmt_sym *styles;
	int nstyles, cstyles;
	stmt_sym *templates;
	int ntemplates, ctemplates;
	hook_sym *hooks;
	int nhooks, chooks;
	sym_index iconsts, istyles, itemplates, ihooks; /* over the four arrays above */
	const char **files; /* real paths of loaded files: import once, detect cycles */
	int nfiles, cfiles;
	int order;
	int have_video;
	span_t video_sp;
	span_t *preset_sps;
	int cpreset_sps;
	const char *active[MAX_EXPAND_DEPTH + 1]; /* templates being expanded, outermost first */
	const ast_stmt *style_chain[MAX_STYLE_DEPTH]; /* styles being applied, outermost first */
	int timing_bad; /* the voice's timings could not be used (reported): anchors say no more */
	long expanded;			      /* statements copied by expansion so far */
	int expand_failed;		      /* the MAX_EXPANDED error was given */
	const ast_file *main_file;	      /* the main spec as parsed (query.c reads it) */
	/* Per preset (SPEC §18.6, when.h): the preset this pass compiles for (NULL before the video
	 * block names one) and its index in the spec's list; per_preset says a `when` block was met,
	 * so each preset gets a pass of its own. */
	const char *preset;
	int preset_index;
	int per_preset;
	/* Every marker statement of the spec (marker.c), for "set later" and did-you-mean. */
	const ast_stmt **marker_decls;
	int nmarker_decls, cmarker_decls;
	/* The axis of the length being read (1 x, 2 y, 0 unknown): a sum of px and % is folded to
	 * px against this pass's canvas along it (expr.c). */
	int len_axis;
} checker_t;

/* The video's frame rate, and conversions between its frames and seconds. */
static inline double checker_fps(const checker_t *c)
{
	return (double)c->s->fps_num / c->s->fps_den;
}

static inline int64_t checker_frame(const checker_t *c, double t)
{
	return llround(t * checker_fps(c));
}

static inline double checker_sec(const checker_t *c, int64_t f)
{
	return (double)f / checker_fps(c);
}

#endif
