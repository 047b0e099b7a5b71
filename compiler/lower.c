/*
 * lower.c - the checked model (model.h) to the frame-graph IR (ir.h) for one preset: lengths
 * become pixels of that preset's canvas, defaults are filled in, layers are sorted by z, and the
 * timeline, audio mix and captions become nodes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "model.h"
#include "shape.h"

typedef struct {
	const spec_t *s;
	ir_program *p;
	const platform_preset *pr;
	int *audio_ids; /* model audio index -> IR node id */
} lowerer;

/* Pixels of a length on an axis (0 = x, 1 = y). % is of the canvas, sa of the safe area, and
 * positions in sa count from the safe area's edge. */
static double px(const lowerer *lw, double v, unit_kind u, int axis, int is_position)
{
	const platform_rect *sa = &lw->pr->safe;
	double canvas = axis ? lw->pr->height : lw->pr->width;
	switch (u) {
	case UNIT_PCT:
		return canvas * v / 100;
	case UNIT_SA:
		return (is_position ? (axis ? sa->y : sa->x) : 0) + (axis ? sa->h : sa->w) * v / 100;
	default:
		return v;
	}
}

static double shape_px(const void *ctx, double v, unit_kind u, int axis)
{
	return px(ctx, v, u, axis, 0);
}

static ir_curve curve(lowerer *lw, const mcurve *m, double def, int axis, int is_len, int is_pos)
{
	if (m->n == 0)
		return ir_curve_const(lw->p, def);
	ir_curve c = {m->n, arena_alloc(lw->p->arena, sizeof(ir_key) * (size_t)m->n)};
	for (int i = 0; i < m->n; i++) {
		c.keys[i].t = m->k[i].t;
		c.keys[i].v = is_len ? px(lw, m->k[i].v, m->k[i].unit, axis, is_pos) : m->k[i].v;
		c.keys[i].ease = m->k[i].ease;
	}
	return c;
}

static ir_param *copy_params(lowerer *lw, const ir_param *ps, int n)
{
	ir_param *o = arena_alloc(lw->p->arena, sizeof(ir_param) * (size_t)(n ? n : 1));
	if (n) /* a node without params has ps NULL, and memcpy's pointers must be valid even for 0 */
		memcpy(o, ps, sizeof(ir_param) * (size_t)n);
	return o;
}

/* A new node of kind k active over frames [f0, f1) (ir_node_add alone gives [0, frames)), made
 * at spec position sp. */
static ir_node *node_at(lowerer *lw, ir_kind k, int64_t f0, int64_t f1, span_t sp)
{
	ir_node *n = ir_node_add(lw->p, k);
	n->f0 = f0;
	n->f1 = f1;
	n->file = diag_source_path(lw->s->diag, sp.file);
	n->line = sp.line;
	n->col = sp.col;
	return n;
}

static int *layers(lowerer *lw, const mlayer *ls, int n);

static int source_node(lowerer *lw, const mlayer *L)
{
	/* a group's children first: the IR wants them below the group's id (no group can hold
	 * itself), and node pointers do not survive ir_node_add */
	int *kids = L->kind == IR_GROUP ? layers(lw, L->kids, L->nkids) : NULL;
	ir_node *n = node_at(lw, L->kind, L->f0, L->f1, L->sp);
	switch (L->kind) {
	case IR_SOLID:
		n->u.solid.color = L->color;
		break;
	case IR_IMAGE:
		n->u.image.path = L->path ? L->path : "";
		n->u.image.src = L->src ? L->src : "";
		break;
	case IR_VIDEO:
		n->u.video.path = L->path ? L->path : "";
		n->u.video.src = L->src ? L->src : "";
		n->u.video.trim_in = L->trim_in;
		n->u.video.trim_out = L->trim_out;
		n->u.video.speed = L->speed;
		n->u.video.loop = L->loop;
		n->u.video.mute = L->mute;
		n->u.video.audio = L->audio >= 0 ? lw->audio_ids[L->audio] : -1;
		break;
	case IR_TEXT:
		n->u.text.content = L->content;
		n->u.text.style = L->style;
		if (L->font_unit == UNIT_PCT || L->font_unit == UNIT_SA) /* of the canvas's / safe area's height */
			n->u.text.style.size = (L->font_unit == UNIT_SA ? lw->pr->safe.h : lw->pr->height) * L->style.size / 100;
		n->u.text.wrap_width = L->wrap > 0 ? px(lw, L->wrap, L->wrap_unit, 0, 0) : 0;
		n->u.text.anim = L->anim; /* text in motion (issue 16); font sizes are lengths */
		if (L->fsize.n)
			n->u.text.anim.size = curve(lw, &L->fsize, 0, 1, 1, 0);
		break;
	case IR_CODE:
		n->u.code.lang = L->lang;
		n->u.code.source = L->code;
		n->u.code.theme = L->theme;
		n->u.code.line_numbers = L->numbers;
		n->u.code.font_size = L->code_size;
		break;
	case IR_HOOK:
		n->u.hook.name = L->hook ? L->hook : "";
		n->u.hook.path = L->hook_path ? L->hook_path : "";
		n->u.hook.params = copy_params(lw, L->params, L->nparams);
		n->u.hook.nparams = L->nparams;
		break;
	case IR_GROUP:
		n->u.group.name = L->group_name;
		n->u.group.layers = kids;
		n->u.group.nlayers = L->nkids;
		break;
	case IR_SHAPE:
		shape_lower(lw->p->arena, L, shape_px, lw, n);
		n->u.shape.trim_start = curve(lw, &L->c[LP_TRIM0], 0, 0, 0, 0);
		n->u.shape.trim_end = curve(lw, &L->c[LP_TRIM1], 1, 0, 0, 0);
		break;
	default:
		break;
	}
	return n->id;
}

/* A curve the spec set, else none (n == 0): the looks are off unless given. */
static ir_curve curve_set(lowerer *lw, const mcurve *m, int axis, int is_len, int is_pos)
{
	return m->n ? curve(lw, m, 0, axis, is_len, is_pos) : (ir_curve){0, NULL};
}

/* The layer's looks (issue 16); the matte's node id is filled in by layers() once known. */
static void looks_lower(lowerer *lw, const mlayer *L, ir_node *n)
{
	n->u.layer.mask = L->mask;
	n->u.layer.mask_invert = L->mask_invert;
	if (L->mask == IR_MASK_PATH) {
		ir_path *mp = &n->u.layer.mask_path;
		mp->cmds = arena_alloc(lw->p->arena, sizeof *mp->cmds * (size_t)L->mask_path.n);
		if (mp->cmds) {
			memcpy(mp->cmds, L->mask_path.cmds, sizeof *mp->cmds * (size_t)L->mask_path.n);
			mp->n = L->mask_path.n;
		}
	} else if (L->mask) {
		n->u.layer.mask_x = curve_set(lw, &L->c[LP_MASK_X], 0, 1, 1);
		n->u.layer.mask_y = curve_set(lw, &L->c[LP_MASK_Y], 1, 1, 1);
		n->u.layer.mask_w = curve_set(lw, &L->c[LP_MASK_W], 0, 1, 0);
		n->u.layer.mask_h = curve_set(lw, &L->c[LP_MASK_H], 1, 1, 0);
		n->u.layer.mask_radius = curve_set(lw, &L->c[LP_MASK_R], 0, 0, 0);
	}
	n->u.layer.feather = curve_set(lw, &L->c[LP_FEATHER], 0, 0, 0);
	n->u.layer.radius = curve_set(lw, &L->c[LP_RADIUS], 0, 0, 0);
	n->u.layer.blur = curve_set(lw, &L->c[LP_BLUR], 0, 0, 0);
	n->u.layer.matte_only = L->is_matte;
	n->u.layer.shadow_dx = L->shadow[0];
	n->u.layer.shadow_dy = L->shadow[1];
	n->u.layer.shadow_blur = L->shadow[2];
	n->u.layer.shadow_color = L->shadow_color;
}

static int layer_node(lowerer *lw, const mlayer *L)
{
	int src = source_node(lw, L);
	int *effects = NULL;
	if (L->neffects) {
		effects = arena_alloc(lw->p->arena, sizeof(int) * (size_t)L->neffects);
		for (int i = 0; i < L->neffects; i++) {
			const meffect *e = &L->effects[i];
			ir_node *n = node_at(lw, IR_EFFECT, L->f0, L->f1, e->sp);
			n->u.effect.name = e->name;
			n->u.effect.path = e->path;
			n->u.effect.params = copy_params(lw, e->params, e->nparams);
			n->u.effect.nparams = e->nparams;
			effects[i] = n->id;
		}
	}
	ir_node *n = node_at(lw, IR_LAYER, L->f0, L->f1, L->sp);
	n->u.layer.source = src;
	/* Full-canvas boxes for pictures, solids and groups; natural size for text, code and hooks. */
	int fills = L->kind == IR_SOLID || L->kind == IR_IMAGE || L->kind == IR_VIDEO || L->kind == IR_HOOK ||
		    L->kind == IR_GROUP;
	double W = lw->pr->width, H = lw->pr->height;
	n->u.layer.x = curve(lw, &L->c[LP_X], W / 2, 0, 1, 1);
	n->u.layer.y = curve(lw, &L->c[LP_Y], H / 2, 1, 1, 1);
	n->u.layer.w = curve(lw, &L->c[LP_W], fills ? W : 0, 0, 1, 0);
	n->u.layer.h = curve(lw, &L->c[LP_H], fills ? H : 0, 1, 1, 0);
	n->u.layer.anchor_x = L->anchor_x;
	n->u.layer.anchor_y = L->anchor_y;
	n->u.layer.opacity = curve(lw, &L->c[LP_OPACITY], 1, 0, 0, 0);
	n->u.layer.scale = curve(lw, &L->c[LP_SCALE], 1, 0, 0, 0);
	n->u.layer.rotation = curve(lw, &L->c[LP_ROTATION], 0, 0, 0, 0);
	n->u.layer.fit = L->fit;
	/* keyframed zoom or pan (`animate zoom`) is Ken Burns as much as the kenburns block */
	n->u.layer.kenburns = L->kenburns || L->c[LP_ZOOM].n || L->c[LP_PAN_X].n || L->c[LP_PAN_Y].n;
	n->u.layer.zoom = curve(lw, &L->c[LP_ZOOM], 1, 0, 0, 0);
	n->u.layer.pan_x = curve(lw, &L->c[LP_PAN_X], 0.5, 0, 0, 0);
	n->u.layer.pan_y = curve(lw, &L->c[LP_PAN_Y], 0.5, 0, 0, 0);
	n->u.layer.z = L->z;
	n->u.layer.effects = effects;
	n->u.layer.neffects = L->neffects;
	looks_lower(lw, L, n);
	n->u.layer.blend = L->blend;
	n->u.layer.gradient = L->gradient;
	return n->id;
}

/* A layer's place in draw order: z, then spec order. Sorted by value so the comparison needs
 * no pointer back into the list (qsort has no context argument). */
typedef struct {
	int z, order, index;
} zkey;

static int by_z(const void *a, const void *b)
{
	const zkey *x = a, *y = b;
	if (x->z != y->z)
		return x->z < y->z ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Layer node ids for a list of model layers, in z order (ties in spec order). */
static int *layers(lowerer *lw, const mlayer *ls, int n)
{
	zkey *keys = arena_alloc(lw->p->arena, sizeof(zkey) * (size_t)(n ? n : 1));
	int *ids = arena_alloc(lw->p->arena, sizeof(int) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		keys[i] = (zkey){ls[i].z, ls[i].order, i};
	qsort(keys, (size_t)n, sizeof(zkey), by_z);
	int *at = arena_alloc(lw->p->arena, sizeof(int) * (size_t)(n ? n : 1)); /* model index -> node */
	for (int i = 0; i < n; i++)
		at[keys[i].index] = ids[i] = layer_node(lw, &ls[keys[i].index]);
	for (int i = 0; i < n; i++)
		if (ls[i].matte_of >= 0) {
			ir_node *l = &lw->p->nodes[at[i]];
			l->u.layer.matte = ls[i].matte_kind;
			l->u.layer.matte_layer = at[ls[i].matte_of];
		}
	return ids;
}

/* A video clip's sound lives as long as its layer (in a group too). */
static void clip_ends(lowerer *lw, const mlayer *ls, int n)
{
	for (int k = 0; k < n; k++) {
		if (ls[k].audio >= 0)
			lw->p->nodes[lw->audio_ids[ls[k].audio]].f1 = ls[k].f1;
		clip_ends(lw, ls[k].kids, ls[k].nkids);
	}
}

/* Fills the new program p from s for preset pr. */
static void lower_into(const spec_t *s, const platform_preset *pr, ir_program *p)
{
	lowerer lw = {s, p, pr, NULL};
	p->spec = arena_strdup(p->arena, s->path);
	p->preset = arena_strdup(p->arena, pr->name);
	p->width = pr->width;
	p->height = pr->height;
	p->fps_num = s->fps_num;
	p->fps_den = s->fps_den;
	p->frames = s->frames;
	p->background = s->background;
	p->safe = (ir_rect){pr->safe.x, pr->safe.y, pr->safe.w, pr->safe.h};
	p->max_bytes = pr->max_bytes;
	p->min_bitrate = pr->min_bitrate;
	p->font_text = arena_strdup(p->arena, platform_font(s->platforms, "text"));
	p->font_code = arena_strdup(p->arena, platform_font(s->platforms, "code"));
	const platform_site *cs = platform_chapter_site(s->platforms, pr->name);
	if (cs)
		p->chapter_rules = (ir_chapter_rules){arena_strdup(p->arena, cs->display), cs->chapters_min_count,
						      cs->chapters_first_s, cs->chapters_min_s};

	/* Audio first: video layers refer to their sound. */
	lw.audio_ids = arena_alloc(p->arena, sizeof(int) * (size_t)(s->naudio + 1));
	int *mix_in = arena_alloc(p->arena, sizeof(int) * (size_t)(s->naudio + 1));
	for (int i = 0; i < s->naudio; i++) {
		const maudio *a = &s->audio[i];
		ir_node *n = node_at(&lw, IR_AUDIO, 0, p->frames, a->sp);
		n->f0 = llround(a->start * s->fps_num / s->fps_den);
		if (n->f0 > p->frames)
			n->f0 = p->frames;
		n->u.audio.path = a->path ? a->path : "";
		n->u.audio.src = a->src ? a->src : "";
		n->u.audio.role = a->role;
		n->u.audio.start = a->start;
		n->u.audio.trim_in = a->trim_in;
		/* music: volume is its level under speech (the product's mix: voice 100 %, music
		 * 20 %); in pauses the ducker lifts it to volume / duck, at most 100 % (or volume
		 * when that is louder). The IR's gain is the pause level, duck the fraction of it
		 * under speech. */
		double gain = a->volume, duck = a->duck;
		if (a->duck > 0 && a->duck < 1 && a->volume > 0) {
			gain = fmin(a->volume / a->duck, fmax(a->volume, 1));
			duck = a->volume / gain;
		}
		n->u.audio.gain = ir_curve_const(p, gain);
		n->u.audio.fade_in = a->fade_in;
		n->u.audio.fade_out = a->fade_out;
		n->u.audio.loop = a->loop;
		n->u.audio.duck = duck;
		lw.audio_ids[i] = mix_in[i] = n->id;
	}
	for (int i = 0; i < s->nscenes; i++)
		clip_ends(&lw, s->scenes[i].layers, s->scenes[i].nlayers);
	clip_ends(&lw, s->overlays, s->noverlays);
	if (s->naudio) {
		ir_node *m = ir_node_add(p, IR_MIX);
		m->u.mix.inputs = mix_in;
		m->u.mix.ninputs = s->naudio;
		m->u.mix.loudness = -14;
		m->u.mix.true_peak = -1;
		p->mix = m->id;
	}

	int *scene_ids = arena_alloc(p->arena, sizeof(int) * (size_t)(s->nscenes + 1));
	int *tr_ids = arena_alloc(p->arena, sizeof(int) * (size_t)(s->nscenes + 1));
	int ntr = 0;
	for (int i = 0; i < s->nscenes; i++) {
		const mscene *sc = &s->scenes[i];
		int *ids = layers(&lw, sc->layers, sc->nlayers);
		ir_node *n = node_at(&lw, IR_SCENE, sc->f0, sc->f1, sc->sp);
		n->u.scene.name = sc->name;
		n->u.scene.layers = ids;
		n->u.scene.nlayers = sc->nlayers;
		n->u.scene.background = sc->background;
		scene_ids[i] = n->id;
	}
	for (int i = 0; i + 1 < s->nscenes; i++) {
		const mscene *sc = &s->scenes[i];
		if (!sc->has_tr || sc->tr == IR_TR_CUT)
			continue;
		ir_node *n = node_at(&lw, IR_TRANSITION, s->scenes[i + 1].f0, sc->f1, sc->tr_sp);
		n->u.transition.type = sc->tr;
		n->u.transition.from = scene_ids[i];
		n->u.transition.to = scene_ids[i + 1];
		n->u.transition.dir = sc->tr_dir;
		n->u.transition.color = sc->tr_color;
		n->u.transition.ease = sc->tr_ease;
		n->u.transition.hook = sc->tr_hook;
		n->u.transition.path = sc->tr_path;
		n->u.transition.feather = sc->tr_feather;
		n->u.transition.feather_px = sc->tr_feather_px;
		n->u.transition.shutter = sc->tr_shutter;
		tr_ids[ntr++] = n->id;
	}
	ir_node *tl = ir_node_add(p, IR_TIMELINE);
	tl->u.timeline.scenes = scene_ids;
	tl->u.timeline.nscenes = s->nscenes;
	tl->u.timeline.transitions = tr_ids;
	tl->u.timeline.ntransitions = ntr;
	p->timeline = tl->id;
	p->overlays = layers(&lw, s->overlays, s->noverlays);
	p->noverlays = s->noverlays;

	if (s->captions && s->timing) {
		ir_node *n = node_at(&lw, IR_CAPTIONS, 0, p->frames, s->captions_sp);
		n->u.captions.style = s->captions;
		n->u.captions.nwords = s->timing->nwords;
		n->u.captions.words = arena_alloc(p->arena, sizeof(ir_word) * (size_t)(s->timing->nwords + 1));
		for (int i = 0; i < s->timing->nwords; i++) {
			n->u.captions.words[i].text = s->timing->words[i].text;
			n->u.captions.words[i].t0 = s->voice_start + s->timing->words[i].start;
			n->u.captions.words[i].t1 = s->voice_start + s->timing->words[i].end;
		}
		p->captions = n->id;
	}
	p->chapters = arena_alloc(p->arena, sizeof(ir_chapter) * (size_t)(s->nchapters + 1));
	for (int i = 0; i < s->nchapters; i++) {
		p->chapters[i].t = s->chapters[i].t;
		p->chapters[i].title = s->chapters[i].title;
	}
	p->nchapters = s->nchapters;
	p->markers = arena_alloc(p->arena, sizeof(ir_marker) * (size_t)(s->nmarkers + 1));
	for (int i = 0; i < s->nmarkers; i++)
		p->markers[i] = (ir_marker){s->markers[i].t, s->markers[i].name};
	p->nmarkers = s->nmarkers;
}

/* The spec as checked for preset: its own pass when the spec has `when` blocks (SPEC §18.6). */
static const spec_t *spec_for(const spec_t *s, const char *preset)
{
	for (int i = 1; preset && i < s->nvariants; i++)
		if (s->variants[i] && !strcmp(s->presets[i], preset))
			return s->variants[i];
	return s;
}

static ir_program *lower_preset(const spec_t *s, const char *preset);

ir_program *compile_lower(const spec_t *s, const char *preset)
{
	return lower_preset(spec_for(s, preset), preset);
}

static ir_program *lower_preset(const spec_t *s, const char *preset)
{
	const platform_preset *pr = s->platforms ? platform_preset_find(s->platforms, preset) : NULL;
	ir_program *p = pr ? ir_program_new() : NULL;
	if (!p)
		return NULL;
	/* Out of memory anywhere below comes back here (base/arena.h): no partial program. */
	jmp_buf jb;
	if (setjmp(jb)) {
		ir_program_free(p);
		return NULL;
	}
	arena_on_oom(p->arena, &jb);
	lower_into(s, pr, p);
	ir_index_uses(p);
	arena_on_oom(p->arena, NULL);
	return p;
}
