/*
 * model.h - the checked spec: what check.c builds from the AST and lower.c turns into IR, once
 * per preset. Times are resolved (to frames for ranges, seconds for curve keys); lengths keep
 * their unit, because what 50% or 10sa is in pixels depends on the preset's canvas.
 * Internal to compiler/.
 */
#ifndef VIDC_MODEL_H
#define VIDC_MODEL_H

#include <stdint.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/platform.h"
#include "diag.h"
#include "ir.h"
#include "lex.h"
#include "timing.h"

/* A key of a curve whose values may be lengths: v in unit (px, %, sa or none). */
typedef struct {
	double t; /* seconds on the video timeline */
	double v;
	unit_kind unit;
	ir_ease ease;
} mkey;

typedef struct {
	mkey *k;
	int n, cap;
	span_t sp;      /* where it was set, for conflicts */
	const char *by; /* the statement that set it ("position", "animate y"), for conflicts */
} mcurve;

/* Animatable layer properties. x and w are lengths on the horizontal axis, y and h vertical;
 * pan values are fractions of the source. */
enum {
	LP_X,
	LP_Y,
	LP_W,
	LP_H,
	LP_OPACITY,
	LP_SCALE,
	LP_ROTATION,
	LP_ZOOM,
	LP_PAN_X,
	LP_PAN_Y,
	LP_TRIM0, /* shapes: the part of the path drawn, fractions 0..1 of its length (issue 16) */
	LP_TRIM1,
	/* looks (issue 16): the mask's geometry (x, w horizontal; y, h vertical), then px lengths */
	LP_MASK_X,
	LP_MASK_Y,
	LP_MASK_W,
	LP_MASK_H,
	LP_MASK_R,
	LP_FEATHER,
	LP_RADIUS,
	LP_BLUR,
	LP_COUNT
};

typedef struct {
	const char *name, *path;
	ir_param *params;
	int nparams, cparams;
	span_t sp;
} meffect;

typedef struct mlayer {
	ir_kind kind; /* source kind: IR_SOLID, IR_IMAGE, IR_VIDEO, IR_TEXT, IR_CODE, IR_HOOK, IR_GROUP */
	span_t sp;
	int64_t f0, f1;
	int order; /* spec order, breaks z ties */
	/* sources */
	ir_color color;
	const char *path, *src;
	double trim_in, trim_out, speed, volume;
	int loop, mute;
	const char *content;
	ir_text_style style;
	unit_kind font_unit; /* style.size is in px, % of the canvas height or sa (% of the safe area's) */
	double wrap; /* length in wrap_unit, along x; <= 0 = none */
	unit_kind wrap_unit;
	const char *lang, *code, *theme;
	int numbers;
	double code_size;
	const char *hook, *hook_path;
	ir_param *params;
	int nparams, cparams;
	/* placement */
	mcurve c[LP_COUNT];
	double anchor_x, anchor_y;
	ir_fit fit;
	int kenburns;
	int z;
	int audio; /* video clips with sound: index into spec->audio, else -1 */
	meffect *effects;
	int neffects, ceffects;
	/* groups (§18.1, group.c): the name, the child layers, and the offset in seconds after the
	 * group's start from which the children's times count */
	const char *group_name;
	struct mlayer *kids;
	int nkids, ckids;
	double offset;
	span_t offset_sp;
	/* shape layers (issue 16, compiler/shape.c) */
	int shape;            /* SHAPE_RECT, ... (shape.h) */
	double *sv;           /* the geometry's numbers as written: rect W H, line X1 Y1 X2 Y2, ... */
	unit_kind *su;
	int snv;
	ir_path spath;        /* shape path: px */
	double sradius;       /* rect corner radius, in sradius_u */
	unit_kind sradius_u;
	ir_color sfill, sstroke;
	int sfill_set, sstroke_set;
	ir_fill_rule srule;
	double swidth;        /* stroke width, in swidth_u */
	unit_kind swidth_u;
	ir_cap scap;
	/* text in motion (issue 16, textanim.c): lowered into the IR_TEXT node as it is, but for
	 * the keyed font size, whose lengths need the preset's canvas */
	ir_textanim anim;
	mcurve fsize;
	int colors_cap, texts_cap;
	span_t units_sp, texts_sp; /* where `animate words/letters` and `animate text` are, or line 0 */
	/* looks (issue 16): the mask's kind (its geometry is in c[LP_MASK_*]), the matte, the
	 * shadow; a layer's name is how a matte refers to it */
	ir_mask_kind mask;
	int mask_invert;
	span_t mask_sp;
	ir_path mask_path; /* mask path: px on the canvas */
	const char *name;
	const char *matte; /* the matte layer's name as written, NULL = none */
	span_t matte_sp;
	ir_matte_kind matte_kind;
	int matte_of; /* index of the matte layer in the same list, -1 = none */
	int is_matte; /* some layer's matte: not drawn */
	double shadow[3]; /* dx, dy, blur in px */
	ir_color shadow_color;
	/* blends and gradients (issue 16, blend.h) */
	ir_blend blend;
	const ir_gradient *gradient;
} mlayer;

typedef struct {
	const char *name;
	span_t sp;
	int64_t f0, f1;
	ir_color background;
	mlayer *layers;
	int nlayers, clayers;
	/* the transition into the next scene */
	int has_tr;
	ir_transition_kind tr;
	int64_t tr_frames;
	ir_dir tr_dir;
	ir_color tr_color;
	ir_ease tr_ease;
	const char *tr_hook, *tr_path;
	span_t tr_sp;
	/* wipe16: a wipe's feather (% of its travel, or px) and a slide's/push's shutter (tropt.h) */
	double tr_feather, tr_shutter;
	int tr_feather_px;
} mscene;

typedef struct {
	const char *role; /* voice, music, clip */
	const char *path, *src;
	span_t sp;
	double start, trim_in, volume, fade_in, fade_out, duck;
	int loop;
} maudio;

typedef struct {
	double t;
	const char *title;
	span_t sp;
} mchapter;

/* marker NAME at TIME (SPEC §18.6): t in seconds on the video. */
typedef struct {
	const char *name;
	double t;
	span_t sp;
	int scope; /* the scene that set it (its index), -1 at the top of the spec */
} mmarker;

struct spec {
	arena_t *arena;
	diag_sink *diag;
	const char *path;
	platform_table *platforms; /* the stdlib's platforms.json; NULL if it could not be read */
	/* video */
	const char **presets;
	int npresets, cpresets;
	int fps_num, fps_den;
	ir_color background;
	int64_t frames;
	/* timeline */
	mscene *scenes;
	int nscenes, cscenes;
	mlayer *overlays;
	int noverlays, coverlays;
	/* audio and text */
	maudio *audio;
	int naudio, caudio;
	timing_t *timing;
	double voice_start;
	const char *captions;
	span_t captions_sp;
	mchapter *chapters;
	int nchapters, cchapters;
	/* The checker as it ended (its symbols, the main file's AST), in the arena, for the
	 * editor's questions (query.h); NULL when compiling stopped out of memory. */
	struct checker *kept;
	/* Per preset (SPEC §18.6): when the spec has `when` blocks, variants[i] is the spec as
	 * checked for presets[i] (variants[0] is NULL: this one is the first preset's); NULL when every
	 * preset shares this one. */
	struct spec **variants;
	int nvariants;
	/* named markers, in spec order */
	mmarker *markers;
	int nmarkers, cmarkers;
};

/* Whether the video statement named preset (the checker asks before adding one, the public
 * compile_has_preset asks after). */
static inline int model_has_preset(const struct spec *s, const char *preset)
{
	for (int i = 0; i < s->npresets; i++)
		if (!strcmp(s->presets[i], preset))
			return 1;
	return 0;
}

#endif
