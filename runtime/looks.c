/*
 * looks.c - masks, mattes, corner radius, blur and drop shadow of a layer (see looks.h). The
 * steps, on the scratch surface A, all within the layer's box grown by what spreads it:
 *   1. the layer is drawn into A (cleared first) as it would be onto the canvas, at full opacity;
 *   2. each pixel of its box is scaled by the coverage of the rounded corners, the mask (with its
 *      feather, inverted or not) and the matte (the matte layer drawn into M);
 *   3. the blur spreads A;
 *   4. the shadow: A's alpha moved by the offset, in the shadow's colour, blurred, in S; A is
 *      put over it;
 *   5. A goes onto the destination with the layer's own draw_params (opacity and the rest).
 * Coverage comes from signed distances to each outline, so edges are anti-aliased, and a feather
 * is a linear ramp of its width centred on the outline.
 */
#include "looks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "gradient.h"
#include "path.h"

struct looks {
	int w, h;
	surf_t *a, *m, *s; /* the layer, its matte, its shadow (the last two made when needed) */
	uint32_t *tmp;     /* looks_blur's two lines */
};

typedef struct {
	int x0, y0, x1, y1;
} ibox;

static double at(const ir_curve *c, double t, double dflt)
{
	return c->n > 0 ? ir_curve_eval(c, t) : dflt;
}

int looks_wanted(const ir_node *l)
{
	return l->u.layer.mask || l->u.layer.matte || l->u.layer.radius.n || l->u.layer.blur.n ||
	       l->u.layer.shadow_color.a;
}

int looks_blur_radius(double len)
{
	if (!(len > 0))
		return 0;
	/* the compiler keeps len within IR_MAX_BLUR; a program made otherwise is held to it too, so
	 * a window's sums fit box_pass's 16-bit lanes */
	long r = lround(fmin(len, IR_MAX_BLUR) / 3);
	return r < 1 ? 1 : (int)r;
}

/* ---- boxes ------------------------------------------------------------------------------- */

/* A canvas coordinate as an int, clamped far enough out that growing it cannot overflow. */
static int coord(double v)
{
	return (int)fmax(-1e6, fmin(1e6, v));
}

static ibox grow(ibox b, int e)
{
	return (ibox){b.x0 - e, b.y0 - e, b.x1 + e, b.y1 + e};
}

static ibox shift(ibox b, int dx, int dy)
{
	return (ibox){b.x0 + dx, b.y0 + dy, b.x1 + dx, b.y1 + dy};
}

static ibox join(ibox a, ibox b)
{
	return (ibox){a.x0 < b.x0 ? a.x0 : b.x0, a.y0 < b.y0 ? a.y0 : b.y0, a.x1 > b.x1 ? a.x1 : b.x1,
		      a.y1 > b.y1 ? a.y1 : b.y1};
}

static ibox clip(ibox b, int w, int h)
{
	ibox c = {b.x0 < 0 ? 0 : b.x0, b.y0 < 0 ? 0 : b.y0, b.x1 > w ? w : b.x1, b.y1 > h ? h : b.y1};
	if (c.x1 < c.x0)
		c.x1 = c.x0;
	if (c.y1 < c.y0)
		c.y1 = c.y0;
	return c;
}

static int empty(ibox b)
{
	return b.x1 <= b.x0 || b.y1 <= b.y0;
}

/* The canvas pixels the placed (maybe rotated) rectangle of d can touch. */
static ibox bounds(const draw_params *d)
{
	double b[4];
	draw_bounds(d, b);
	return (ibox){coord(floor(b[0])), coord(floor(b[1])), coord(ceil(b[2])), coord(ceil(b[3]))};
}

static void clear(surf_t *s, ibox b)
{
	for (int y = b.y0; y < b.y1; y++)
		memset(s->px + (size_t)y * s->stride + b.x0, 0, sizeof(uint32_t) * (size_t)(b.x1 - b.x0));
}

/* ---- coverage ------------------------------------------------------------------------------ */

/* Signed distance from (x, y) to a rounded rectangle (centre mx, my, half sizes hw, hh, corner
 * radius r), negative inside. */
static double sd_round(double x, double y, double mx, double my, double hw, double hh, double r)
{
	r = fmax(0, fmin(r, fmin(hw, hh)));
	double qx = fabs(x - mx) - (hw - r), qy = fabs(y - my) - (hh - r);
	return hypot(fmax(qx, 0), fmax(qy, 0)) + fmin(fmax(qx, qy), 0) - r;
}

/* Near the outline of an ellipse: its implicit function over its gradient (exact on a circle). */
static double sd_ellipse(double x, double y, double mx, double my, double rx, double ry)
{
	if (!(rx > 0) || !(ry > 0))
		return INFINITY;
	double nx = (x - mx) / rx, ny = (y - my) / ry, k = hypot(nx, ny);
	if (k < 1e-9)
		return -fmin(rx, ry);
	return (k - 1) * k / hypot(nx / rx, ny / ry);
}

/* What a frame's coverage needs, evaluated once per frame. */
typedef struct {
	ir_mask_kind mask;
	int invert;
	double mx, my, hw, hh, mr, ramp; /* the mask: centre, half sizes (radii), corner, ramp */
	double corner;                   /* the box's corner radius, 0 = none */
	double rc, rs, cx, cy;           /* the layer's rotation (cos, sin) about (cx, cy) */
	double bx0, by0, bx1, by1;       /* the placed box before rotation */
	ir_matte_kind matte;
	const surf_t *m;
	const path_mask *pm; /* a path mask's coverage */
} cover_t;

static cover_t cover_at(const looks_job *j)
{
	const ir_node *l = j->l;
	double t = ir_frame_time(j->p, j->f);
	const draw_params *d = j->d;
	cover_t c = {l->u.layer.mask, l->u.layer.mask_invert, 0, 0, 0, 0, 0, 1, 0, 1, 0, d->cx, d->cy,
		     d->x0, d->y0, d->x1, d->y1, l->u.layer.matte, NULL, NULL};
	double x = at(&l->u.layer.mask_x, t, 0), y = at(&l->u.layer.mask_y, t, 0);
	double w = at(&l->u.layer.mask_w, t, 0), h = at(&l->u.layer.mask_h, t, 0);
	if (c.mask == IR_MASK_ELLIPSE)
		c.mx = x, c.my = y, c.hw = w, c.hh = h;
	else
		c.mx = x + w / 2, c.my = y + h / 2, c.hw = w / 2, c.hh = h / 2;
	c.mr = at(&l->u.layer.mask_radius, t, 0);
	c.ramp = fmax(1, at(&l->u.layer.feather, t, 0));
	/* the corner radius grows with the layer's scale, as the box does */
	c.corner = fmax(0, at(&l->u.layer.radius, t, 0)) * fmax(0, at(&l->u.layer.scale, t, 1));
	double a = d->rot * M_PI / 180;
	c.rc = cos(a);
	c.rs = sin(a);
	return c;
}

static double ramp(double sd, double width)
{
	double v = 0.5 - sd / width;
	return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

/* Coverage 0..1 of the pixel whose centre is (x, y), without the matte. */
static double coverage(const cover_t *c, double x, double y)
{
	double k = 1;
	if (c->corner > 0) {
		/* back into the box's frame; only the corners are cut: the sampler already
		 * anti-aliased the straight edges */
		double dx = x - c->cx, dy = y - c->cy;
		double qx = c->cx + dx * c->rc + dy * c->rs, qy = c->cy - dx * c->rs + dy * c->rc;
		double hw = (c->bx1 - c->bx0) / 2, hh = (c->by1 - c->by0) / 2;
		double r = fmin(c->corner, fmin(hw, hh));
		double ax = fabs(qx - (c->bx0 + hw)) - (hw - r), ay = fabs(qy - (c->by0 + hh)) - (hh - r);
		if (ax > 0 && ay > 0)
			k = ramp(hypot(ax, ay) - r, 1);
	}
	if (c->mask == IR_MASK_PATH) {
		double m = c->pm->a[(size_t)(int)y * (size_t)c->pm->w + (size_t)(int)x] / 255.0;
		k *= c->invert ? 1 - m : m;
	} else if (c->mask) {
		double sd = c->mask == IR_MASK_ELLIPSE ? sd_ellipse(x, y, c->mx, c->my, c->hw, c->hh)
						       : sd_round(x, y, c->mx, c->my, c->hw, c->hh,
								  c->mask == IR_MASK_ROUND ? c->mr : 0);
		double m = ramp(sd, c->ramp);
		k *= c->invert ? 1 - m : m;
	}
	return k;
}

/* The matte's value 0..255 of one of its pixels: alpha, or luma over black (its premultiplied
 * channels, Rec. 709 weights). */
static unsigned matte_px(ir_matte_kind k, uint32_t p)
{
	if (k == IR_MATTE_ALPHA)
		return p >> 24;
	return (54 * (p & 0xff) + 183 * (p >> 8 & 0xff) + 19 * (p >> 16 & 0xff) + 128) >> 8;
}

static void apply_coverage(const cover_t *c, surf_t *a, ibox b)
{
	for (int y = b.y0; y < b.y1; y++) {
		uint32_t *row = a->px + (size_t)y * a->stride;
		const uint32_t *mrow = c->matte ? c->m->px + (size_t)y * c->m->stride : NULL;
		for (int x = b.x0; x < b.x1; x++) {
			if (!row[x])
				continue;
			double k = coverage(c, x + 0.5, y + 0.5);
			if (mrow)
				k *= matte_px(c->matte, mrow[x]) / 255.0;
			if (k < 1)
				row[x] = surf_scale_px(row[x], (unsigned)lrint(k * 256));
		}
	}
}

/* ---- blur -------------------------------------------------------------------------------- */

/* Pixel j of a line of n: past an end, its end pixel where the line meets the canvas's edge (the
 * layer goes on beyond it, so a full-frame picture keeps its edges), else transparent. */
static inline uint32_t line_px(const uint32_t *in, int n, int j, int edges)
{
	if (j < 0)
		return edges & 1 ? in[0] : 0;
	if (j >= n)
		return edges & 2 ? in[n - 1] : 0;
	return in[j];
}

/* A window's sums: red and blue in the 16-bit lanes of rb, green and alpha in ga (a window is at
 * most 2 * IR_MAX_BLUR / 3 + 1 pixels, so 255 times it fits a lane and lanes never carry). */
typedef struct {
	uint32_t rb, ga;
} lane_sum;

static inline void sum_add(lane_sum *s, uint32_t p)
{
	s->rb += p & 0x00ff00ffu;
	s->ga += p >> 8 & 0x00ff00ffu;
}

static inline void sum_sub(lane_sum *s, uint32_t p)
{
	s->rb -= p & 0x00ff00ffu;
	s->ga -= p >> 8 & 0x00ff00ffu;
}

/* A lane's sum over the window, rounded: inv is 2^24 / win rounded, exact for a flat window. */
static inline uint32_t mean(uint32_t lane, uint64_t inv)
{
	return (uint32_t)(((uint64_t)lane * inv + (1u << 23)) >> 24);
}

/* out[i] = the mean of in[i - r .. i + r] (line_px outside), per channel. */
static void box_pass(const uint32_t *in, uint32_t *out, int n, int r, int edges)
{
	lane_sum s = {0, 0};
	uint64_t win = 2 * (uint64_t)r + 1, inv = ((1u << 24) + win / 2) / win;
	for (int j = -r; j < r; j++)
		sum_add(&s, line_px(in, n, j, edges));
	for (int i = 0; i < n; i++) {
		sum_add(&s, line_px(in, n, i + r, edges));
		out[i] = mean(s.rb & 0xffff, inv) | mean(s.rb >> 16, inv) << 16 | mean(s.ga & 0xffff, inv) << 8 |
			 mean(s.ga >> 16, inv) << 24;
		sum_sub(&s, line_px(in, n, i - r, edges));
	}
}

/* Three passes over n pixels at p, step apart; a and b are scratch lines of n. */
static void blur_line(uint32_t *p, int n, size_t step, int r, int edges, uint32_t *a, uint32_t *b)
{
	for (int i = 0; i < n; i++)
		a[i] = p[(size_t)i * step];
	box_pass(a, b, n, r, edges);
	box_pass(b, a, n, r, edges);
	box_pass(a, b, n, r, edges);
	for (int i = 0; i < n; i++)
		p[(size_t)i * step] = b[i];
}

void looks_blur(surf_t *s, int x0, int y0, int x1, int y1, int r, uint32_t *tmp)
{
	int nx = x1 - x0, ny = y1 - y0;
	if (r <= 0 || nx <= 0 || ny <= 0)
		return;
	int n = nx > ny ? nx : ny;
	int ex = (x0 == 0) | (x1 == s->w) << 1, ey = (y0 == 0) | (y1 == s->h) << 1;
	for (int y = y0; y < y1; y++)
		blur_line(s->px + (size_t)y * s->stride + x0, nx, 1, r, ex, tmp, tmp + n);
	for (int x = x0; x < x1; x++)
		blur_line(s->px + (size_t)y0 * s->stride + x, ny, (size_t)s->stride, r, ey, tmp, tmp + n);
}

/* out[i] = the mean of in[i - r .. i + r] of one channel (values 0..255; the ends repeat). */
static void box_pass1(const uint32_t *in, uint32_t *out, int n, int r)
{
	uint32_t s = 0;
	uint64_t win = 2 * (uint64_t)r + 1, inv = ((1u << 24) + win / 2) / win;
	for (int j = -r; j < r; j++)
		s += line_px(in, n, j, 3);
	for (int i = 0; i < n; i++) {
		s += line_px(in, n, i + r, 3);
		out[i] = mean(s, inv);
		s -= line_px(in, n, i - r, 3);
	}
}

/* blur_line of n bytes at p, step apart. */
static void blur_line1(uint8_t *p, int n, size_t step, int r, uint32_t *a, uint32_t *b)
{
	for (int i = 0; i < n; i++)
		a[i] = p[(size_t)i * step];
	box_pass1(a, b, n, r);
	box_pass1(b, a, n, r);
	box_pass1(a, b, n, r);
	for (int i = 0; i < n; i++)
		p[(size_t)i * step] = (uint8_t)b[i];
}

void looks_blur_a8(uint8_t *a, int w, int h, int r, uint32_t *tmp)
{
	if (r <= 0 || w <= 0 || h <= 0)
		return;
	int n = w > h ? w : h;
	for (int y = 0; y < h; y++)
		blur_line1(a + (size_t)y * (size_t)w, w, 1, r, tmp, tmp + n);
	for (int x = 0; x < w; x++)
		blur_line1(a + x, h, (size_t)w, r, tmp, tmp + n);
}

/* ---- the scratch --------------------------------------------------------------------------- */

void looks_free(looks_t *lk)
{
	if (!lk)
		return;
	surf_free(lk->a);
	surf_free(lk->m);
	surf_free(lk->s);
	free(lk->tmp);
	free(lk);
}

/* The scratch for a w x h destination, with M and S when asked; 0 or VE_NOMEM. */
static int scratch(looks_t **lkp, int w, int h, int matte, int shadow)
{
	looks_t *lk = *lkp;
	if (lk && (lk->w != w || lk->h != h)) {
		looks_free(lk);
		*lkp = lk = NULL;
	}
	if (!lk) {
		if (!(lk = calloc(1, sizeof *lk)))
			return VE_NOMEM;
		*lkp = lk;
		lk->w = w;
		lk->h = h;
		lk->a = surf_new(w, h);
		lk->tmp = malloc(sizeof(uint32_t) * 2 * (size_t)(w > h ? w : h));
		if (!lk->a || !lk->tmp)
			return VE_NOMEM;
	}
	if (matte && !lk->m && !(lk->m = surf_new(w, h)))
		return VE_NOMEM;
	if (shadow && !lk->s && !(lk->s = surf_new(w, h)))
		return VE_NOMEM;
	return 0;
}

/* Step 4: the shadow of A's content (in c, the clipped box it can reach) under A, over w. */
static void put_shadow(looks_t *lk, const ir_node *l, ibox c, ibox w)
{
	int dx = (int)lrint(l->u.layer.shadow_dx), dy = (int)lrint(l->u.layer.shadow_dy);
	int r = looks_blur_radius(l->u.layer.shadow_blur);
	uint32_t col = surf_pack(l->u.layer.shadow_color);
	surf_t *a = lk->a, *s = lk->s;
	clear(s, w);
	ibox to = clip(shift(c, dx, dy), lk->w, lk->h);
	for (int y = to.y0; y < to.y1; y++) {
		const uint32_t *src = a->px + (size_t)(y - dy) * a->stride - dx;
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = to.x0; x < to.x1; x++) {
			unsigned al = src[x] >> 24;
			if (al)
				row[x] = surf_scale_px(col, al + (al >> 7));
		}
	}
	ibox sb = clip(grow(to, 3 * r), lk->w, lk->h);
	looks_blur(s, sb.x0, sb.y0, sb.x1, sb.y1, r, lk->tmp);
	for (int y = w.y0; y < w.y1; y++) {
		uint32_t *ar = a->px + (size_t)y * a->stride, *sr = s->px + (size_t)y * s->stride;
		for (int x = w.x0; x < w.x1; x++)
			if (sr[x])
				ar[x] = surf_over_px(sr[x], ar[x]);
	}
}

void looks_pmask_free(looks_pmask *pm)
{
	path_mask_free(&pm->m);
	pm->feather = 0;
}

/* The path mask's coverage at this feather into j->pm (W x H, the canvas): filled by the
 * rasteriser of shapes (path.h, nonzero), softened by the blur when feathered. Errors name the
 * cause (e: a path past the rasteriser's budget is VE_LIMIT saying so). */
static int path_cover(const looks_job *j, int W, int H, double feather, uint32_t *tmp, vidc_err *e)
{
	looks_pmask *pm = j->pm;
	if (pm->m.a && pm->m.w == W && pm->m.h == H && pm->feather == feather)
		return 0;
	looks_pmask_free(pm);
	path_flat f = {0};
	path_xform id = {{1, 0, 0, 1, 0, 0}};
	int rc = path_flatten(&j->l->u.layer.mask_path, &id, 0.1, &f, e);
	if (!rc)
		rc = path_mask_new(&pm->m, W, H, e);
	if (!rc)
		rc = path_fill(&f, IR_FILL_NONZERO, &pm->m, e);
	if (!rc) {
		looks_blur_a8(pm->m.a, W, H, looks_blur_radius(feather), tmp);
		pm->feather = feather;
	} else {
		looks_pmask_free(pm); /* a half-made mask is not kept as if filled */
	}
	path_flat_free(&f);
	return rc;
}

int looks_draw(looks_t **lkp, surf_t *dst, const looks_job *j, vidc_err *e)
{
	const ir_node *l = j->l;
	int W = dst->w, H = dst->h, shadow = l->u.layer.shadow_color.a != 0;
	int rb = looks_blur_radius(at(&l->u.layer.blur, ir_frame_time(j->p, j->f), 0));
	ibox lb = clip(bounds(j->d), W, H);
	ibox spread = clip(grow(lb, 3 * rb), W, H); /* where the layer's pixels can be once blurred */
	ibox wb = spread;
	if (shadow) {
		int dx = (int)lrint(l->u.layer.shadow_dx), dy = (int)lrint(l->u.layer.shadow_dy);
		wb = clip(join(spread, grow(shift(spread, dx, dy), 3 * looks_blur_radius(l->u.layer.shadow_blur))), W, H);
	}
	if (empty(lb) || empty(wb))
		return 0;
	int rc = scratch(lkp, W, H, l->u.layer.matte != IR_MATTE_NONE, shadow);
	if (rc)
		return err_set(e, rc, "out of memory for the looks' %dx%d scratch surfaces", W, H);
	looks_t *lk = *lkp;
	clear(lk->a, wb);
	/* into the empty scratch plainly: opacity (and any blend mode in draw_params) apply in the
	 * last step, onto the destination */
	draw_params d1 = *j->d;
	d1.opacity = 1;
	d1.blend = 0;
	/* the source and its gradient as the plain path draws them (gradient.h) */
	if ((rc = grad_draw_layer(lk->a, j->src, j->p->nodes[l->u.layer.source].kind, l->u.layer.gradient, j->grad,
				  &d1)))
		return err_set(e, rc, "out of memory drawing the layer into the looks' scratch");
	cover_t cv = cover_at(j);
	if (cv.mask == IR_MASK_PATH) {
		if ((rc = path_cover(j, W, H, at(&l->u.layer.feather, ir_frame_time(j->p, j->f), 0), lk->tmp, e))) {
			err_prefix(e, "its path mask");
			return rc;
		}
		cv.pm = &j->pm->m;
	}
	if (cv.matte) {
		clear(lk->m, lb);
		draw_params md = j->matte ? *j->md : *j->d;
		md.blend = 0; /* the matte's own pixels, whatever its blend mode */
		if (j->matte && (rc = draw_surface(lk->m, j->matte, &md)))
			return err_set(e, rc, "out of memory drawing its matte");
		cv.m = lk->m;
	}
	if (cv.mask || cv.matte || cv.corner > 0)
		apply_coverage(&cv, lk->a, lb);
	looks_blur(lk->a, spread.x0, spread.y0, spread.x1, spread.y1, rb, lk->tmp);
	if (shadow)
		put_shadow(lk, l, spread, wb);
	/* one draw of the worked window, pixel for pixel, with the layer's opacity (and the rest
	 * of its draw_params) */
	draw_params d2 = *j->d;
	d2.u0 = d2.x0 = wb.x0;
	d2.v0 = d2.y0 = wb.y0;
	d2.u1 = d2.x1 = wb.x1;
	d2.v1 = d2.y1 = wb.y1;
	d2.rot = 0;
	d2.cx = d2.cy = 0;
	if ((rc = draw_surface(dst, lk->a, &d2)))
		return err_set(e, rc, "out of memory drawing the looks' result");
	return 0;
}
