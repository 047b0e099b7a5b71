/*
 * ir.h - the frame-graph IR: the contract between compiler/ (which lowers a checked spec into it)
 * and runtime/ (which evaluates it frame by frame). Nothing else crosses that boundary.
 *
 * One ir_program is one video at one preset: every length is resolved to pixels of that preset's
 * canvas, every time range to whole frames at the video's frame rate, every asset path to a path
 * the runtime can open. A node is a kind, a time range, a few parameters and parameter curves;
 * nodes refer to each other by index into prog->nodes. Any frame f can be evaluated from the
 * program alone, without the AST and without having rendered frame f-1.
 *
 * Conventions:
 *   - frames: int64, ranges are half-open [f0, f1) on the video timeline.
 *   - seconds: double, t = f / fps; curves are keyed in seconds on the video timeline.
 *   - colours: straight (not premultiplied) 8-bit sRGB with alpha, as written in the spec.
 *   - pixels: double, origin top-left of the canvas, y down.
 *
 * All memory belongs to the program's arena (ir_program_free releases it).
 */
#ifndef VIDC_IR_H
#define VIDC_IR_H

#include <stdint.h>
#include <stdio.h>

#define IR_VERSION 1

typedef struct arena arena_t;

/* ---- curves ------------------------------------------------------------------------------ */

typedef enum {
	IR_EASE_LINEAR,
	IR_EASE_IN,     /* cubic-bezier(0.42, 0, 1, 1)    as in CSS */
	IR_EASE_OUT,    /* cubic-bezier(0, 0, 0.58, 1)    */
	IR_EASE_IN_OUT, /* cubic-bezier(0.42, 0, 0.58, 1) */
	IR_EASE_BEZIER, /* cubic-bezier(p[0], p[1], p[2], p[3]) */
	IR_EASE_HOLD,   /* keep the value until the next key */
	IR_EASE_SPRING, /* a damped spring, p[0] = bounce 0..0.9 (SPEC 18.3): overshoots, ends at 1 */
	IR_EASE_BOUNCE  /* falls onto 1 and bounces back three times (Penner's ease-out bounce) */
} ir_ease_kind;

typedef struct {
	ir_ease_kind kind;
	double p[4];
} ir_ease;

/* A key: value v at time t; ease shapes the segment from this key to the next one. */
typedef struct {
	double t, v;
	ir_ease ease;
} ir_key;

/* A numeric parameter over time. n >= 1; keys sorted by t. Before the first key the curve holds
 * the first value, after the last key the last value. n == 1 is a constant. */
typedef struct {
	int n;
	ir_key *keys;
} ir_curve;

double ir_curve_eval(const ir_curve *c, double t);
/* Progress 0..1 through an easing, x in 0..1. */
double ir_ease_eval(const ir_ease *e, double x);
int ir_curve_is_const(const ir_curve *c);
/* The lowest and highest values curve c takes (its keys, and where a cubic-bezier or spring
 * easing overshoots them, sampled); 0, 0 for an empty curve. */
void ir_curve_range(const ir_curve *c, double *lo, double *hi);

/* Ken Burns pans (issue 16). On one axis the window is fw (0 < fw <= 1) of the picture, so its
 * centre can go from fw/2 to 1 - fw/2. A pan the zoom lets the picture show at every frame of
 * its layer (ir_pan_reachable, on samples and keys over [t0, t1], with f1 the window's share
 * at zoom 1) is shown as it is. Any other is not clamped frame by frame (which held the picture,
 * lurched, held): a requested position p on a path spanning [p0, p1] goes to ir_pan_fit's place,
 * the path shortened to fit the range (linearly; kept whole when it is much shorter, with a
 * smooth blend between) and shifted in whole by the least amount. The result is a smooth
 * function of p and fw, so easing is kept and a changing zoom never jerks; a still pan is
 * clamped as ever. */
int ir_pan_reachable(const ir_curve *pan, const ir_curve *zoom, double f1, double t0, double t1);
double ir_pan_fit(double p, double p0, double p1, double fw);
/* The zoom at or above which a path spanning [p0, p1] fits unchanged on an axis where the
 * window at zoom 1 is f1 of the picture; INFINITY for a path that touches an edge. */
double ir_pan_zoom_needed(double p0, double p1, double f1);

typedef struct {
	uint8_t r, g, b, a;
} ir_color;

/* Blend modes of a layer (issue 16, SPEC 18.3): the separable modes of W3C Compositing and
 * Blending Level 1 with source-over for alpha; add is Linear Dodge (min(1, Cb + Cs)). */
typedef enum {
	IR_BLEND_NORMAL,
	IR_BLEND_MULTIPLY,
	IR_BLEND_SCREEN,
	IR_BLEND_OVERLAY,
	IR_BLEND_ADD,
	IR_BLEND_DARKEN,
	IR_BLEND_LIGHTEN,
	IR_BLEND_COUNT
} ir_blend;
/* The spec's names, indexed by ir_blend. */
extern const char *const ir_blend_names[IR_BLEND_COUNT];

/* A gradient over a solid (its fill) or an image (a scrim over the picture), SPEC 18.3. Stops
 * are straight colours at positions 0..1 in order; colours between them are interpolated in
 * premultiplied alpha, as CSS does. */
#define IR_MAX_STOPS 16
typedef struct {
	int radial;   /* 0 linear, 1 radial (an ellipse from the box's centre to its corners) */
	double angle; /* linear: degrees, CSS's convention (0 = towards the top, 90 = towards the right) */
	int nstops;   /* 2..IR_MAX_STOPS */
	double pos[IR_MAX_STOPS];
	ir_color color[IR_MAX_STOPS];
} ir_gradient;

/* ---- nodes -------------------------------------------------------------------------------- */

typedef enum {
	/* visual sources: each draws into the box its layer gives it */
	IR_SOLID,
	IR_IMAGE,
	IR_VIDEO,
	IR_TEXT,
	IR_CODE,
	IR_HOOK, /* drawn by a Lua hook */
	IR_GROUP, /* a precomp: its child layers composited into one canvas-sized picture (§18.1) */
	/* placement and composition */
	IR_LAYER,      /* one source placed on the canvas, with its curves and effects */
	IR_EFFECT,     /* a Lua effect applied to a layer's pixels */
	IR_SCENE,      /* composite of layers in z order */
	IR_TRANSITION, /* from one scene to the next over their overlap */
	IR_TIMELINE,   /* scenes and transitions in sequence */
	/* audio */
	IR_AUDIO, /* one audio file on the timeline */
	IR_MIX,   /* the sum of the audio nodes, with ducking */
	IR_CAPTIONS,
	/* a vector shape (issue 16), a visual source like the first six: listed last so that the
	 * kinds above keep their numbers */
	IR_SHAPE,
	IR_KIND_COUNT
} ir_kind;

/* Groups (SPEC §18.1): a group's layers may be groups down to this depth (the scene's layers
 * are at depth 1), so a spec cannot make a frame recurse without end; the runtime keeps one
 * canvas-sized buffer per level, so this also bounds the group buffers alive at once. */
#define IR_GROUP_MAX_DEPTH 8

typedef enum { IR_FIT_COVER, IR_FIT_CONTAIN, IR_FIT_FILL, IR_FIT_NONE } ir_fit;
typedef enum { IR_ALIGN_LEFT, IR_ALIGN_CENTER, IR_ALIGN_RIGHT } ir_align;

typedef enum {
	IR_TR_CUT,
	IR_TR_FADE,     /* out to colour, then in from it */
	IR_TR_DISSOLVE, /* cross-fade */
	IR_TR_SLIDE,    /* incoming scene slides in over the outgoing one */
	IR_TR_PUSH,     /* incoming scene pushes the outgoing one out */
	IR_TR_WIPE,     /* a moving edge reveals the incoming scene */
	IR_TR_HOOK      /* a Lua transition */
} ir_transition_kind;
/* Not an enum member, so switches over the kinds stay exhaustive without a case for it. */
#define IR_TR_COUNT (IR_TR_HOOK + 1)

/* The one table of transition names, indexed by ir_transition_kind: the checker reads spec
 * names from it, the dump prints them, the runtime keys its ops table by the same enum. */
enum {
	IR_TRF_BUILTIN = 1, /* written by this name in a spec (hook transitions use the hook's name) */
	IR_TRF_DIR = 2,     /* moves in a direction (left, right, up, down); eases in-out by default */
	IR_TRF_COLOR = 4    /* passes through a colour (`through COLOUR`) */
};
typedef struct {
	const char *name;
	unsigned flags; /* IR_TRF_* */
} ir_transition_info;
extern const ir_transition_info ir_transitions[IR_TR_COUNT];
/* The built-in transition a spec names, or -1. */
int ir_transition_find(const char *name);

/* Direction of motion of slide, push and wipe. */
typedef enum { IR_DIR_LEFT, IR_DIR_RIGHT, IR_DIR_UP, IR_DIR_DOWN } ir_dir;

/* Line wrapping (issue 16): greedy fills each line in turn; balanced keeps the same number of
 * lines but evens them out, so no word is left alone on the last line when it can be avoided. */
typedef enum { IR_WRAP_GREEDY, IR_WRAP_BALANCED } ir_wrap;

/* Fonts a style may list after its first, tried in order for characters it lacks (issue 16). */
#define IR_MAX_FALLBACK_FONTS 7

typedef struct {
	const char *font; /* family name (looked up with fontconfig) or a path to a font file */
	/* families or files tried, in order, for a character font lacks, before the system's
	 * fallback (`font "Inter" "Noto Sans Arabic"`); each with the style's weight and slant */
	const char *fallback[IR_MAX_FALLBACK_FONTS];
	int nfallback;
	int weight;       /* 400 regular, 700 bold */
	int italic;
	double size;         /* px */
	double line_spacing; /* multiple of the font's line height */
	ir_color color;
	double stroke_width; /* px, 0 = none */
	ir_color stroke_color;
	double shadow_dx, shadow_dy, shadow_blur; /* px */
	ir_color shadow_color;                    /* alpha 0 = no shadow */
	ir_color box_color;                       /* background box behind the text, alpha 0 = none */
	double box_padding, box_radius;           /* px */
	ir_align align;
	ir_wrap wrap; /* how lines break at the wrap width; runtime-made styles (Lua, code) are greedy */
} ir_text_style;

/* A named parameter of a hook or effect: a curve, or a string (when str != NULL). */
typedef struct {
	const char *name;
	ir_curve curve;
	const char *str;
} ir_param;

typedef struct {
	const char *text; /* the word as in the narration */
	double t0, t1;    /* seconds on the video timeline */
} ir_word;

/* Vector paths (issue 16): what a shape layer draws, and what a path mask may reuse. Every
 * command ends at its last point; quadratics and arcs are written as cubics by the compiler.
 * Coordinates in px of the source's natural box (0,0 its top-left). */
typedef enum { IR_PATH_MOVE, IR_PATH_LINE, IR_PATH_CUBIC, IR_PATH_CLOSE } ir_path_op;
typedef struct {
	ir_path_op op;
	double p[6]; /* move, line: x y; cubic: x1 y1 x2 y2 x y; close: none */
} ir_path_cmd;
typedef struct {
	ir_path_cmd *cmds;
	int n;
} ir_path;

typedef enum { IR_FILL_NONZERO, IR_FILL_EVENODD } ir_fill_rule;
typedef enum { IR_CAP_BUTT, IR_CAP_ROUND, IR_CAP_SQUARE } ir_cap;
/* Text in motion (issue 16, SPEC §18.5): a text's words or letters appear in turn, and its
 * colour, font size and content may be keyed. All zero: a static text (nothing dumped). */
typedef enum { IR_TA_NONE, IR_TA_FADE, IR_TA_RISE, IR_TA_POP, IR_TA_TYPEWRITER } ir_textanim_kind;

typedef struct {
	double t; /* seconds on the video timeline */
	ir_color c;
	ir_ease ease; /* shapes the segment to the next key */
} ir_color_key;

typedef struct {
	double t; /* seconds on the video timeline: shown from here to the next key */
	const char *text;
} ir_text_key;

typedef struct {
	ir_textanim_kind kind; /* how each unit comes in; IR_TA_NONE: all at once */
	int letters;           /* units are letters (grapheme clusters), else words */
	double start;          /* seconds on the video timeline: when the first unit starts */
	double stagger, each;  /* seconds between two units' starts; one unit's own duration */
	ir_word *words;        /* `with narration`: each word's spoken time, in text order; NULL: stagger */
	int nwords;
	ir_color_key *colors; /* keyed fill colour (linear-light interpolation); 0 keys: style.color */
	int ncolors;
	ir_curve size;     /* keyed font size, px; n == 0: style.size */
	ir_text_key *texts; /* keyed content (held); 0 keys: content */
	int ntexts;
} ir_textanim;

/* Masks of a layer (issue 16). Values are kept: the IR dump names them (ir_mask_names). A path
 * mask is filled (nonzero) by runtime/path.h. */
typedef enum { IR_MASK_NONE, IR_MASK_RECT, IR_MASK_ROUND, IR_MASK_ELLIPSE, IR_MASK_PATH, IR_MASK_COUNT } ir_mask_kind;
extern const char *const ir_mask_names[IR_MASK_COUNT];
/* A matte: another layer's alpha, or its luma (over black), lets this one through. */
typedef enum { IR_MATTE_NONE, IR_MATTE_ALPHA, IR_MATTE_LUMA, IR_MATTE_COUNT } ir_matte_kind;
extern const char *const ir_matte_names[IR_MATTE_COUNT];
/* Limits of the looks (SPEC 14, 18.2): checked by the compiler at the spec line. */
#define IR_MAX_BLUR 200.0     /* px, blur and a shadow's blur */
#define IR_MAX_FEATHER 1000.0 /* px */
#define IR_MAX_RADIUS 4096.0  /* px, corner radii */
#define IR_MAX_OFFSET 4096.0  /* px, a shadow's offset on each axis */

typedef struct ir_node {
	int id;
	ir_kind kind;
	int64_t f0, f1;   /* active frames [f0, f1) */
	const char *file; /* spec position that produced the node, for runtime error messages */
	int line, col;
	union {
		struct {
			ir_color color;
		} solid;
		struct {
			const char *path; /* openable path */
			const char *src;  /* as written in the spec (for messages and dumps) */
		} image;
		struct {
			const char *path, *src;
			double trim_in;  /* seconds into the clip where playback starts */
			double trim_out; /* seconds into the clip where it stops, < 0 = the clip's end */
			double speed;    /* 1 = normal */
			int loop;        /* a clip shorter than its layer loops; otherwise holds its last frame */
			int mute;
			int audio;       /* id of the IR_AUDIO node carrying its sound, -1 if muted */
		} video;
		struct {
			const char *content; /* UTF-8, '\n' forces a line break */
			ir_text_style style;
			double wrap_width; /* px, 0 = no wrapping */
			/* text in motion (issue 16) */
			ir_textanim anim;
		} text;
		struct {
			const char *lang;   /* c, python, javascript, shell, json, html, or "" */
			const char *source; /* the code, UTF-8 */
			const char *theme;  /* dark, light */
			int line_numbers;
			double font_size; /* px */
		} code;
		struct {
			const char *name; /* hook name */
			const char *path; /* Lua file that defines it */
			ir_param *params;
			int nparams;
		} hook;
		struct {
			const char *name;
			/* IR_LAYER ids sorted by z then spec order, each with a smaller id than the
			 * group's (so no group can contain itself); their times are on the video
			 * timeline like every layer's (a group's time offset is resolved by the
			 * compiler), and they show only while the group's layer does. */
			int *layers;
			int nlayers;
		} group;
		struct {
			int source; /* node id of the source */
			/* The box: (x, y) is where the anchor point of the box lands; w, h its size in px.
			 * w or h <= 0 means the source's natural size on that axis. */
			ir_curve x, y, w, h;
			double anchor_x, anchor_y; /* 0..1 within the box: 0,0 top-left, 0.5,0.5 centre */
			ir_curve opacity;           /* 0..1 */
			ir_curve scale;             /* about the anchor, 1 = none */
			ir_curve rotation;          /* degrees clockwise about the anchor */
			ir_fit fit;
			/* Ken Burns: the source is cropped to a window 1/zoom of the fitted size, centred on
			 * (pan_x, pan_y) in 0..1 source coordinates mapped by ir_pan_fit into where the
			 * window can go at that frame's zoom, and that window fills the box. Sub-pixel
			 * exact, no rounding. */
			int kenburns;
			ir_curve zoom, pan_x, pan_y;
			/* Set only on the runtime's copy of a layer whose Lua params() returned pan_x (bit
			 * 0), pan_y (bit 1) or zoom (bit 2): paths unknown ahead (runtime/layer.c maps such
			 * a pan as if it spanned the whole 0..1). Never set by the compiler nor dumped. */
			int pan_hooked;
			int z;         /* draw order inside the scene, lower first; ties keep spec order */
			int *effects;  /* IR_EFFECT node ids applied in order */
			int neffects;
			/* looks (issue 16, SPEC 18.2): mask, matte, corner radius, drop shadow, blur. All
			 * off in a zeroed node; a curve with n == 0 is not set. The runtime draws a layer
			 * with any of them through a scratch surface (runtime/looks.h). */
			ir_mask_kind mask;
			int mask_invert;
			/* rect and round: the box's top-left corner and size; ellipse: the centre and the
			 * two radii; canvas pixels, as positions are */
			ir_curve mask_x, mask_y, mask_w, mask_h;
			ir_curve mask_radius, feather; /* px: round's corner radius; the edge's ramp */
			ir_matte_kind matte;
			int matte_layer; /* IR_LAYER id whose pixels are the matte (when matte != none) */
			int matte_only;  /* another layer's matte: not drawn itself */
			ir_curve radius, blur; /* px: the placed box's corner radius; the blur's spread */
			double shadow_dx, shadow_dy, shadow_blur; /* px */
			ir_color shadow_color;                    /* alpha 0 = no shadow */
			ir_path mask_path; /* IR_MASK_PATH: the outline in canvas pixels, as positions are */
			/* blends and gradients (issue 16, SPEC 18.3) */
			ir_blend blend;              /* how the layer meets what is under it */
			const ir_gradient *gradient; /* solids and images; NULL = none */
		} layer;
		struct {
			const char *name;
			const char *path;
			ir_param *params;
			int nparams;
		} effect;
		struct {
			const char *name;
			int *layers; /* IR_LAYER node ids, sorted by z then spec order */
			int nlayers;
			ir_color background;
		} scene;
		struct {
			ir_transition_kind type;
			int from, to; /* IR_SCENE ids; the transition's range is their overlap */
			ir_dir dir;
			ir_color color; /* fade: the colour passed through */
			ir_ease ease;
			const char *hook, *path; /* IR_TR_HOOK */
			/* wipe16 (SPEC §18.7): 0 = off, the pixels of before these existed */
			double feather;  /* wipe: the edge's ramp, % of the travel or (feather_px) px */
			int feather_px;
			double shutter;  /* slide, push: motion blur over this fraction of a frame interval */
		} transition;
		struct {
			int *scenes; /* IR_SCENE ids in play order */
			int nscenes;
			int *transitions; /* IR_TRANSITION ids, sorted by f0 */
			int ntransitions;
		} timeline;
		struct {
			const char *path, *src;
			const char *role;  /* "voice", "music", "clip" */
			double start;      /* seconds on the video timeline where the file's trim_in plays */
			double trim_in;    /* seconds into the file */
			ir_curve gain;     /* linear gain, 1 = 100 % */
			double fade_in, fade_out; /* seconds */
			int loop;          /* repeat to the end of the video */
			double duck;       /* linear gain applied while the voice speaks, 1 = no ducking */
		} audio;
		struct {
			int *inputs; /* IR_AUDIO ids */
			int ninputs;
			double loudness; /* target integrated loudness, LUFS */
			double true_peak; /* dBTP ceiling */
		} mix;
		struct {
			const char *style; /* named caption style */
			ir_word *words;
			int nwords;
		} captions;
		struct {
			const char *kind; /* rect, ellipse, line, polygon, path: for dumps */
			ir_path path;     /* in the natural box [0,w] x [0,h], stroke margin included */
			double w, h;      /* the natural box, px */
			ir_color fill;    /* alpha 0 = no fill */
			ir_fill_rule rule;
			ir_color stroke; /* alpha 0 or width 0 = no stroke */
			double stroke_width; /* px */
			ir_cap cap;          /* joins are always round */
			/* the part of the path drawn, fractions 0..1 of its length (both, fill and stroke) */
			ir_curve trim_start, trim_end;
		} shape;
	} u;
} ir_node;

typedef struct {
	double t; /* seconds */
	const char *title;
} ir_chapter;

typedef struct {
	int x, y, w, h; /* the part of the canvas no platform UI covers */
} ir_rect;

typedef struct {
	double t; /* seconds on the video */
	const char *name;
} ir_marker;

/* When a site shows a description's timestamps as chapters (YouTube: the first at 0:00, at least
 * three, each at least 10 s). site NULL: the platform file has no chapter rules. */
typedef struct {
	const char *site; /* "YouTube", for messages */
	int min_count;
	double first_s, min_s;
} ir_chapter_rules;

typedef struct ir_program {
	arena_t *arena;
	const char *spec;   /* path of the main spec */
	const char *preset; /* youtube_long, youtube_short, instagram_reel, tiktok */
	int width, height;
	int fps_num, fps_den;
	int64_t frames; /* length of the video */
	ir_color background;
	ir_rect safe;
	int64_t max_bytes; /* the platform's file-size budget */
	/* The rest of the platform rules the runtime and the stages apply, copied from the stdlib's
	 * platforms.json by the compiler so that nothing after it reads the file (not in the dump). */
	int64_t min_bitrate;   /* bits/s of video and audio together: the lowest worth making, which
				* max_bytes must allow (0: only the audio's) */
	const char *font_text; /* the default font of text and captions; NULL: the runtime's */
	const char *font_code; /* the default font of code listings; NULL: the runtime's */
	ir_chapter_rules chapter_rules;
	ir_node *nodes;
	int nnodes, cap;
	int timeline;  /* IR_TIMELINE id */
	int *overlays; /* IR_LAYER ids drawn over the timeline, in z order */
	int noverlays;
	int mix;      /* IR_MIX id, -1 = silent */
	int captions; /* IR_CAPTIONS id, -1 = none */
	ir_chapter *chapters;
	int nchapters;
	/* Named markers (SPEC §18.6), in spec order: what `marker NAME at TIME` resolved to. The
	 * runtime needs none (every time was resolved); they are in the dump when there are some. */
	ir_marker *markers;
	int nmarkers;
	/* Which layers show each node, and in which frames (not in the dump): the uses of node i
	 * are uses[use_at[i]] .. uses[use_at[i + 1] - 1], in drawing order. ir_index_uses fills
	 * them when lowering ends; NULL in a program built otherwise, where the runtime walks the
	 * scenes instead (a walk per source was quadratic: 20,000 text layers took minutes). */
	struct ir_use *uses;
	int *use_at;
} ir_program;

/* One layer showing a node: the layer's id and the frames [f0, f1) it can show it in (its own
 * life cut to its scene's, and to each group's that holds it). */
typedef struct ir_use {
	int layer;
	int64_t f0, f1;
} ir_use;

/* An empty program in its own arena, or NULL when out of memory. */
ir_program *ir_program_new(void);
void ir_program_free(ir_program *p);
/* Appends a node of the given kind (zeroed, id set, f1 = p->frames) and returns it. The pointer
 * stays valid until the next ir_node_add. */
ir_node *ir_node_add(ir_program *p, ir_kind kind);
ir_curve ir_curve_const(ir_program *p, double v);
/* Fills p->uses and p->use_at from the scenes, groups and overlays (in the arena; on out of
 * memory they stay NULL). Call again after changing the layers. */
void ir_index_uses(ir_program *p);
/* Seconds of frame f. */
double ir_frame_time(const ir_program *p, int64_t f);
/* The stable text dump that `vidc ir` prints and tests compare against golden files. */
void ir_dump(const ir_program *p, FILE *out);
/* The same lines with every number exact (17 significant digits) and without the @line:col
 * source positions: what decides the pixels, for hashing (pipeline/pieces.c's cache keys). */
void ir_dump_key(const ir_program *p, FILE *out);
const char *ir_kind_name(ir_kind k);
/* The file node n reads as resolved by the compiler, or NULL: a picture, clip or sound, a hook's
 * or effect's script (a hook transition's too), a font given by path (a family name is
 * fontconfig's to resolve, not a file). One switch, so a new kind of node is added in one place
 * for the preview's file watch and the piece cache's key alike. */
const char *ir_node_file(const ir_node *n);

#endif
