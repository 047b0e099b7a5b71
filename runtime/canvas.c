/*
 * canvas.c - the C side of the hooks' drawing API (see canvas.h and SPEC.md, "Lua hooks").
 *
 * Shapes are drawn from signed distances: a pixel's coverage is 0.5 - d clamped to 0..1 where d
 * is its centre's distance outside the shape, which anti-aliases every edge by one pixel. Every
 * pixel a primitive covers goes through put(): coverage times the clip's coverage, then the
 * blend mode. Images and text are drawn by draw.c/text.c; with a clip or a blend mode other than
 * normal they are drawn into a scratch surface first and composited through put().
 */
#include "canvas.h"

#include <math.h>
#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <libavutil/frame.h>

#include "../base/err.h"
#include "../base/hex.h"
#include "../base/media.h"
#include "../base/roots.h"
#include "draw.h"
#include "font.h"
#include "image.h"
#include "lua_host.h"
#include "simd.h"
#include "text.h"

#define CANVAS_MT "vidc.canvas"
#define IMAGE_MT "vidc.image"
#define LIVE_KEY "vidc.live"
#define FILE_MT "vidc.imagefile"
#define FILES_KEY "vidc.images"
#define DIR_KEY "vidc.dir"
#define FILES_MAX 16                 /* pictures a hook may keep loaded */
#define FILES_BYTES ((size_t)256 << 20)
/* A text a hook draws is rasterised outside its Lua heap: at most 16 million pixels (64 MB),
 * far more than any canvas shows. */
#define HOOK_TEXT_PIXELS 16e6

enum { BL_NORMAL, BL_ADD, BL_MULTIPLY, BL_SCREEN };
enum { CL_NONE, CL_RECT, CL_CIRCLE };

typedef struct {
	surf_t *s; /* NULL once the call that received the canvas has returned */
	font_ctx *fonts;
	int blend;
	int clip;
	double c0x, c0y, c1x, c1y; /* clip rectangle, or the circle's bounding box */
	double ccx, ccy, cr;       /* clip circle */
	surf_t *scratch;
	double work; /* pixels the last call touched, charged to the budget by the next one */
} canvas_t;

typedef struct {
	const surf_t *s;
} image_t;

/* A picture loaded from a file by canvas:image("name.png", ...): owned, kept for the life of
 * the state (registry[FILES_KEY][name]), freed by the collector. */
typedef struct {
	surf_t *s;
} file_t;

/* ---- pixels ------------------------------------------------------------------------------ */

static inline unsigned ch(uint32_t p, int i)
{
	return (p >> (8 * i)) & 255;
}

/* surf_over_px, inlined for the full-canvas loops (gradients): s over d, premultiplied. */
static inline uint32_t over_px(uint32_t d, uint32_t s)
{
	unsigned sa = s >> 24;
	if (sa == 255)
		return s;
	if (!s)
		return d;
	unsigned ia = 255 - sa;
	uint32_t rb = (d & 0x00ff00ffu) * ia + 0x00800080u;
	rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
	uint32_t ga = ((d >> 8) & 0x00ff00ffu) * ia + 0x00800080u;
	ga = ((ga + ((ga >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
	return (rb + (s & 0x00ff00ffu)) | (ga + ((s >> 8) & 0x00ff00ffu)) << 8;
}

static inline uint32_t blend_px(int mode, uint32_t d, uint32_t s)
{
	if (mode == BL_NORMAL)
		return over_px(d, s);
	uint32_t out = 0;
	unsigned sa = ch(s, 3), da = ch(d, 3);
	for (int i = 0; i < 4; i++) {
		unsigned sc = ch(s, i), dc = ch(d, i), v;
		if (mode == BL_ADD)
			v = sc + dc > 255 ? 255 : sc + dc;
		else if (mode == BL_SCREEN)
			v = sc + dc - (sc * dc + 127) / 255;
		else if (i == 3)
			v = sa + da - (sa * da + 127) / 255;
		else /* premultiplied multiply: s*d + s*(1-da) + d*(1-sa) */
			v = (sc * dc + sc * (255 - da) + dc * (255 - sa) + 127) / 255;
		if (v > 255)
			v = 255;
		out |= (uint32_t)v << (8 * i);
	}
	/* keep premultiplication valid */
	unsigned a = ch(out, 3);
	for (int i = 0; i < 3; i++)
		if (ch(out, i) > a)
			out = (out & ~(0xffu << (8 * i))) | (uint32_t)a << (8 * i);
	return out;
}

/* Coverage 0..256 of pixel (x, y) by the clip. */
static inline unsigned clip_cov(const canvas_t *c, int x, int y)
{
	if (c->clip == CL_NONE)
		return 256;
	if (c->clip == CL_RECT) {
		double cx = fmin(x + 1, c->c1x) - fmax(x, c->c0x);
		double cy = fmin(y + 1, c->c1y) - fmax(y, c->c0y);
		if (cx <= 0 || cy <= 0)
			return 0;
		return (unsigned)lrint(fmin(cx, 1) * fmin(cy, 1) * 256);
	}
	double dx = x + 0.5 - c->ccx, dy = y + 0.5 - c->ccy;
	double v = c->cr - sqrt(dx * dx + dy * dy) + 0.5;
	return v <= 0 ? 0 : v >= 1 ? 256 : (unsigned)lrint(v * 256);
}

static inline void put(canvas_t *c, int x, int y, uint32_t px, unsigned cov)
{
	if (c->clip)
		cov = (cov * clip_cov(c, x, y) + 128) >> 8;
	if (!cov || !px)
		return;
	uint32_t *d = c->s->px + (size_t)y * c->s->stride + x;
	*d = blend_px(c->blend, *d, surf_scale_px(px, cov));
}

/* The integer pixel range [x0,x1) x [y0,y1) of a box, cut to the canvas and the clip. */
static int span(canvas_t *c, double bx0, double by0, double bx1, double by1, int *x0, int *y0,
		int *x1, int *y1)
{
	if (c->clip) {
		bx0 = fmax(bx0, c->c0x), by0 = fmax(by0, c->c0y);
		bx1 = fmin(bx1, c->c1x), by1 = fmin(by1, c->c1y);
	}
	*x0 = (int)fmax(floor(bx0), 0);
	*y0 = (int)fmax(floor(by0), 0);
	*x1 = (int)fmin(ceil(bx1), c->s->w);
	*y1 = (int)fmin(ceil(by1), c->s->h);
	if (*x0 < *x1 && *y0 < *y1)
		c->work += (double)(*x1 - *x0) * (*y1 - *y0);
	return *x0 < *x1 && *y0 < *y1;
}

static inline unsigned cov_of(double v)
{
	return v <= 0 ? 0 : v >= 1 ? 256 : (unsigned)lrint(v * 256);
}

/* ---- arguments --------------------------------------------------------------------------- */

static canvas_t *check_canvas(lua_State *L)
{
	canvas_t *c = luaL_checkudata(L, 1, CANVAS_MT);
	if (!c->s)
		luaL_error(L, "this canvas belongs to a finished hook call (do not keep it between calls)");
	/* Canvas work counts against the instruction budget (a pixel a quarter of an instruction),
	 * or a loop of blur() calls would run for days on a few thousand instructions. */
	if (c->work > 0) {
		double w = c->work;
		c->work = 0;
		lua_host_charge(L, (long long)(w / 4));
	}
	return c;
}

/* Decodes picture file name (already checked: relative, no "..") from the hook's folder dir
 * into *out, which may take at most budget bytes as RGBA. 0, or an error with its cause in e:
 * the file must resolve inside dir once symlinks are followed (base/roots), be a regular file
 * (a FIFO is refused without blocking, a device without reading), and its header's size must fit
 * both the pixel limit and the budget before a byte is decoded (a 1 MB PNG can declare 2 GB). */
/* The absolute path (malloc'd) of file name in the hook's folder dir: it must resolve, symbolic
 * links followed, inside dir (base/roots). 0 or VE_DENIED / VE_NOTFOUND / ... with e set. */
static int resolve_in(const char *dir, const char *name, char **abs, vidc_err *e)
{
	*abs = NULL;
	roots_t *r = roots_new();
	int rc = r ? roots_add(r, dir, e) : err_set(e, VE_NOMEM, "out of memory");
	if (!rc && (rc = roots_resolve(r, dir, name, abs, e)) == VE_DENIED)
		err_set(e, rc, "it leads outside the hook's folder '%s' (a symbolic link?); a hook reads "
			       "files from its own folder only", dir);
	else if (rc == VE_NOTFOUND)
		err_set(e, rc, "no such file in the hook's folder '%s'", dir);
	roots_free(r);
	return rc;
}

/* A file name a hook may give (pictures, fonts): relative, without "..". */
static int hook_file_name_ok(const char *name)
{
	return name[0] && name[0] != '/' && !strstr(name, "..") && !strchr(name, '\\');
}

static const char *hook_dir(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	const char *dir = lua_tostring(L, -1);
	lua_pop(L, 1); /* the registry keeps the string */
	return dir && *dir ? dir : ".";
}

static int load_picture(const char *dir, const char *name, size_t budget, surf_t **out, vidc_err *e)
{
	char *abs = NULL;
	int rc = resolve_in(dir, name, &abs, e);
	int64_t w, h;
	if (!rc && (rc = media_image_size(abs, &w, &h, e)) == 0) {
		if (!(rc = media_check_pixels(w, h, e)) && (double)w * h * 4 > (double)budget)
			rc = err_set(e, VE_LIMIT,
				     "a %lldx%lld picture would take %lld MB; the pictures of a hook may take at "
				     "most %d MB in all",
				     (long long)w, (long long)h, (long long)((double)w * h * 4 / (1 << 20)),
				     (int)(FILES_BYTES >> 20));
	}
	struct AVFrame *fr = NULL;
	if (rc >= 0)
		rc = media_decode_picture(abs, &fr, e);
	free(abs);
	if (rc)
		return rc;
	char cause[256];
	rc = img_convert(fr, 1, out, cause, sizeof cause);
	av_frame_free(&fr);
	if (rc)
		return err_set(e, rc, "%s", cause);
	if ((size_t)(*out)->stride * (*out)->h * 4 > budget) {
		surf_free(*out);
		*out = NULL;
		return err_set(e, VE_LIMIT, "the pictures of a hook may take at most %d MB in all",
			       (int)(FILES_BYTES >> 20));
	}
	return 0;
}

/* The picture of a file beside the hook file: a relative path without "..", an image only
 * (decoded by libavcodec), at most FILES_MAX of them and FILES_BYTES in all per hook. */
static const surf_t *file_image(lua_State *L, int i)
{
	const char *name = lua_tostring(L, i);
	if (!hook_file_name_ok(name))
		luaL_argerror(L, i, "an image file is a path relative to the hook file, without '..'");
	lua_getfield(L, LUA_REGISTRYINDEX, FILES_KEY);
	lua_getfield(L, -1, name);
	file_t *f = luaL_testudata(L, -1, FILE_MT);
	if (f) {
		lua_pop(L, 2);
		return f->s;
	}
	lua_pop(L, 1);
	int n = 0;
	size_t bytes = 0;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		file_t *o = luaL_testudata(L, -1, FILE_MT);
		if (o && o->s)
			n++, bytes += (size_t)o->s->stride * o->s->h * 4;
		lua_pop(L, 1);
	}
	if (n >= FILES_MAX)
		luaL_error(L, "image '%s': a hook may load at most %d pictures", name, FILES_MAX);
	f = lua_newuserdatauv(L, sizeof *f, 0);
	f->s = NULL;
	luaL_setmetatable(L, FILE_MT);
	vidc_err e = {0, ""};
	if (load_picture(hook_dir(L), name, FILES_BYTES - bytes, &f->s, &e))
		luaL_error(L, "image '%s': %s", name, e.msg);
	lua_setfield(L, -2, name);
	lua_getfield(L, -1, name);
	f = lua_touserdata(L, -1);
	lua_pop(L, 2);
	return f->s;
}

static const surf_t *check_image(lua_State *L, int i)
{
	if (lua_type(L, i) == LUA_TSTRING)
		return file_image(L, i);
	image_t *im = luaL_testudata(L, i, IMAGE_MT);
	if (im) {
		if (!im->s)
			luaL_error(L, "this image belongs to a finished hook call");
		return im->s;
	}
	canvas_t *c = luaL_testudata(L, i, CANVAS_MT);
	if (c && c->s)
		return c->s;
	luaL_typeerror(L, i, "image");
	return NULL;
}

/* "#rgb", "#rgba", "#rrggbb", "#rrggbbaa", a name, or {r, g, b [, a]} in 0..255. */
static int parse_color(const char *s, ir_color *out)
{
	static const struct {
		const char *name;
		ir_color c;
	} names[] = {{"black", {0, 0, 0, 255}},       {"white", {255, 255, 255, 255}},
		     {"transparent", {0, 0, 0, 0}},   {"red", {255, 0, 0, 255}},
		     {"green", {0, 128, 0, 255}},     {"blue", {0, 0, 255, 255}},
		     {"yellow", {255, 255, 0, 255}},  {"gray", {128, 128, 128, 255}}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].c;
			return 0;
		}
	if (*s != '#')
		return -1;
	s++;
	size_t n = strlen(s);
	int v[8];
	for (size_t i = 0; i < n && i < 8; i++)
		if ((v[i] = hex_digit(s[i])) < 0)
			return -1;
	if (n == 3 || n == 4) {
		out->r = (uint8_t)(v[0] * 17), out->g = (uint8_t)(v[1] * 17), out->b = (uint8_t)(v[2] * 17);
		out->a = n == 4 ? (uint8_t)(v[3] * 17) : 255;
	} else if (n == 6 || n == 8) {
		out->r = (uint8_t)(v[0] * 16 + v[1]), out->g = (uint8_t)(v[2] * 16 + v[3]);
		out->b = (uint8_t)(v[4] * 16 + v[5]);
		out->a = n == 8 ? (uint8_t)(v[6] * 16 + v[7]) : 255;
	} else {
		return -1;
	}
	return 0;
}

static ir_color check_color(lua_State *L, int i)
{
	ir_color c = {255, 255, 255, 255};
	if (lua_type(L, i) == LUA_TSTRING) {
		if (parse_color(lua_tostring(L, i), &c))
			luaL_argerror(L, i, "a colour is \"#rrggbb\", \"#rrggbbaa\", a name or {r, g, b, a}");
		return c;
	}
	if (lua_istable(L, i)) {
		int v[4] = {255, 255, 255, 255};
		for (int k = 0; k < 4; k++) {
			lua_rawgeti(L, i, k + 1);
			if (!lua_isnil(L, -1)) {
				double x = luaL_checknumber(L, -1);
				v[k] = x < 0 ? 0 : x > 255 ? 255 : (int)lrint(x);
			}
			lua_pop(L, 1);
		}
		return (ir_color){(uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3]};
	}
	if (lua_isnoneornil(L, i))
		return c;
	luaL_argerror(L, i, "a colour is \"#rrggbb\", \"#rrggbbaa\", a name or {r, g, b, a}");
	return c;
}

static uint32_t check_px(lua_State *L, int i)
{
	return surf_pack(check_color(L, i));
}

static double num(lua_State *L, int i)
{
	double v = luaL_checknumber(L, i);
	if (!isfinite(v))
		luaL_argerror(L, i, "not a finite number");
	/* far beyond any canvas, and every later conversion to int stays defined */
	return v < -1e7 ? -1e7 : v > 1e7 ? 1e7 : v;
}

static double optnum(lua_State *L, int i, double d)
{
	return lua_isnoneornil(L, i) ? d : num(L, i);
}

/* ---- shapes ------------------------------------------------------------------------------ */

static inline uint32_t lerp_px(uint32_t a, uint32_t b, double t)
{
	return surf_lerp_px(a, b, t <= 0 ? 0 : t >= 1 ? 256 : (unsigned)lrint(t * 256));
}

enum { BOX_SOLID, BOX_HORIZONTAL, BOX_VERTICAL };

/* Fills the box (x, y, w, h >= 0) with p0, or a gradient from p0 to p1 across it; the edge pixels
 * get the share of them the box covers, so a box at fractional coordinates moves smoothly. */
static void fill_box(canvas_t *c, double x, double y, double w, double h, uint32_t p0, uint32_t p1, int how)
{
	int x0, y0, x1, y1;
	if (!span(c, x, y, x + w, y + h, &x0, &y0, &x1, &y1))
		return;
	for (int j = y0; j < y1; j++) {
		double cy = fmin(j + 1, y + h) - fmax(j, y);
		for (int i = x0; i < x1; i++) {
			double cx = fmin(i + 1, x + w) - fmax(i, x);
			uint32_t px = how == BOX_SOLID	    ? p0
				      : how == BOX_VERTICAL ? lerp_px(p0, p1, (j + 0.5 - y) / h)
							    : lerp_px(p0, p1, (i + 0.5 - x) / w);
			put(c, i, j, px, cov_of(fmin(cx, 1) * fmin(cy, 1)));
		}
	}
}

/* canvas:rect(x, y, w, h, colour) */
static int l_rect(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double x = num(L, 2), y = num(L, 3), w = num(L, 4), h = num(L, 5);
	uint32_t px = check_px(L, 6);
	if (w < 0)
		x += w, w = -w;
	if (h < 0)
		y += h, h = -h;
	fill_box(c, x, y, w, h, px, px, BOX_SOLID);
	return 0;
}

/* A shape given by its signed distance; stroke > 0 draws only a band of that width inside the
 * edge. The bounding box is [bx0,bx1) x [by0,by1). */
typedef double (*sdf_fn)(const double *a, double px, double py);

static void fill_sdf(canvas_t *c, sdf_fn fn, const double *a, double bx0, double by0, double bx1,
		     double by1, uint32_t px, double stroke)
{
	int x0, y0, x1, y1;
	if (!span(c, bx0 - 1, by0 - 1, bx1 + 1, by1 + 1, &x0, &y0, &x1, &y1))
		return;
	for (int j = y0; j < y1; j++)
		for (int i = x0; i < x1; i++) {
			double d = fn(a, i + 0.5, j + 0.5);
			if (stroke > 0)
				d = fabs(d + stroke / 2) - stroke / 2;
			put(c, i, j, px, cov_of(0.5 - d));
		}
}

static double sdf_rbox(const double *a, double px, double py)
{
	/* a: centre x, y, half w, h, radius */
	double qx = fabs(px - a[0]) - (a[2] - a[4]), qy = fabs(py - a[1]) - (a[3] - a[4]);
	double ox = fmax(qx, 0), oy = fmax(qy, 0);
	return sqrt(ox * ox + oy * oy) + fmin(fmax(qx, qy), 0) - a[4];
}

static double sdf_ellipse(const double *a, double px, double py)
{
	double dx = (px - a[0]) / a[2], dy = (py - a[1]) / a[3];
	return (sqrt(dx * dx + dy * dy) - 1) * fmin(a[2], a[3]);
}

static double sdf_segment(const double *a, double px, double py)
{
	/* a: x1 y1 x2 y2 half-width */
	double vx = a[2] - a[0], vy = a[3] - a[1], wx = px - a[0], wy = py - a[1];
	double l2 = vx * vx + vy * vy;
	double t = l2 > 0 ? fmin(fmax((wx * vx + wy * vy) / l2, 0), 1) : 0;
	double dx = wx - t * vx, dy = wy - t * vy;
	return sqrt(dx * dx + dy * dy) - a[4];
}

/* canvas:rounded_rect(x, y, w, h, radius, colour [, stroke]) */
static int l_rounded_rect(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double x = num(L, 2), y = num(L, 3), w = fabs(num(L, 4)), h = fabs(num(L, 5));
	double r = fmax(0, fmin(num(L, 6), fmin(w, h) / 2));
	uint32_t px = check_px(L, 7);
	double a[5] = {x + w / 2, y + h / 2, w / 2, h / 2, r};
	fill_sdf(c, sdf_rbox, a, x, y, x + w, y + h, px, optnum(L, 8, 0));
	return 0;
}

/* canvas:ellipse(cx, cy, rx, ry, colour [, stroke]) and canvas:circle(cx, cy, r, colour [, stroke]) */
static int l_ellipse(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double a[4] = {num(L, 2), num(L, 3), fabs(num(L, 4)), fabs(num(L, 5))};
	if (a[2] <= 0 || a[3] <= 0)
		return 0;
	fill_sdf(c, sdf_ellipse, a, a[0] - a[2], a[1] - a[3], a[0] + a[2], a[1] + a[3], check_px(L, 6),
		 optnum(L, 7, 0));
	return 0;
}

static int l_circle(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double r = fabs(num(L, 4));
	double a[4] = {num(L, 2), num(L, 3), r, r};
	if (r <= 0)
		return 0;
	fill_sdf(c, sdf_ellipse, a, a[0] - r, a[1] - r, a[0] + r, a[1] + r, check_px(L, 5), optnum(L, 6, 0));
	return 0;
}

/* canvas:line(x1, y1, x2, y2, width, colour): round caps */
static int l_line(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double a[5] = {num(L, 2), num(L, 3), num(L, 4), num(L, 5), fabs(num(L, 6)) / 2};
	uint32_t px = check_px(L, 7);
	fill_sdf(c, sdf_segment, a, fmin(a[0], a[2]) - a[4], fmin(a[1], a[3]) - a[4],
		 fmax(a[0], a[2]) + a[4], fmax(a[1], a[3]) + a[4], px, 0);
	return 0;
}

/* canvas:linear_gradient(x, y, w, h, colour0, colour1 [, vertical]) */
static int l_linear_gradient(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double x = num(L, 2), y = num(L, 3), w = fabs(num(L, 4)), h = fabs(num(L, 5));
	uint32_t p0 = check_px(L, 6), p1 = check_px(L, 7);
	fill_box(c, x, y, w, h, p0, p1, lua_toboolean(L, 8) ? BOX_VERTICAL : BOX_HORIZONTAL);
	return 0;
}

void canvas_radial_row_at(int level, int *idx, int x0, int x1, float dy, float cx, float k, float r0)
{
	int i = x0;
#ifdef __SSE2__
	const __m128 dy2 = _mm_set1_ps(dy * dy), kk = _mm_set1_ps(k), r0v = _mm_set1_ps(r0);
	const __m128 lo = _mm_setzero_ps(), hi = _mm_set1_ps(1024), half = _mm_set1_ps(0.5f);
	for (; level >= SIMD_SSE2 && i + 4 <= x1; i += 4) {
		__m128 dx = _mm_sub_ps(_mm_add_ps(_mm_set1_ps((float)i + 0.5f), _mm_set_ps(3, 2, 1, 0)),
				       _mm_set1_ps(cx));
		__m128 d = _mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(dx, dx), dy2));
		__m128 t = _mm_mul_ps(_mm_sub_ps(d, r0v), kk);
		t = _mm_min_ps(_mm_max_ps(t, lo), hi);
		_mm_storeu_si128((__m128i *)(idx + i - x0), _mm_cvttps_epi32(_mm_add_ps(t, half)));
	}
#endif
	for (; i < x1; i++) {
		/* float throughout, in the vector loop's order: (i + 0.5) is exact in float, and a
		 * difference taken in double would round differently from the vector lanes */
		float dx = ((float)i + 0.5f) - cx;
		float t = (sqrtf(dx * dx + dy * dy) - r0) * k;
		idx[i - x0] = t <= 0 ? 0 : t >= 1024 ? 1024 : (int)(t + 0.5f);
	}
}

/* canvas:radial_gradient(cx, cy, r0, r1, colour0, colour1): colour0 inside r0, colour1 beyond
 * r1, over the whole canvas (within the clip). */
static int l_radial_gradient(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double cx = num(L, 2), cy = num(L, 3), r0 = fabs(num(L, 4)), r1 = fabs(num(L, 5));
	uint32_t p0 = check_px(L, 6), p1 = check_px(L, 7);
	if (r1 < r0) {
		double t = r0;
		r0 = r1, r1 = t;
		uint32_t q = p0;
		p0 = p1, p1 = q;
	}
	double span_r = r1 - r0 > 1e-6 ? r1 - r0 : 1e-6;
	int x0, y0, x1, y1;
	if (!span(c, 0, 0, c->s->w, c->s->h, &x0, &y0, &x1, &y1))
		return 0;
	/* colours along the radius, 1/1024 steps: a table instead of a lerp per pixel */
	uint32_t lut[1025];
	for (int i = 0; i <= 1024; i++) {
		double t = i / 1024.0;
		lut[i] = lerp_px(p0, p1, t * t * (3 - 2 * t)); /* smoothstep: no visible ring */
	}
	int *idx = malloc(sizeof *idx * (size_t)(x1 - x0 + 4));
	if (!idx)
		return luaL_error(L, "out of memory (gradient)");
	float k = (float)(1024 / span_r), fr0 = (float)r0;
	for (int j = y0; j < y1; j++) {
		canvas_radial_row_at(simd_level(), idx, x0, x1, (float)(j + 0.5 - cy), (float)cx, k, fr0);
		int i;
		uint32_t *row = c->s->px + (size_t)j * c->s->stride;
		if (c->clip || c->blend != BL_NORMAL) {
			for (i = x0; i < x1; i++)
				put(c, i, j, lut[idx[i - x0]], 256);
		} else {
			for (i = x0; i < x1; i++) {
				uint32_t px = lut[idx[i - x0]];
				if (px)
					row[i] = over_px(row[i], px);
			}
		}
	}
	free(idx);
	return 0;
}

/* canvas:clear([colour]): sets the pixels (within the clip) to colour, transparent by default. */
static int l_clear(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	uint32_t px = lua_isnoneornil(L, 2) ? 0 : check_px(L, 2);
	int x0, y0, x1, y1;
	if (!span(c, 0, 0, c->s->w, c->s->h, &x0, &y0, &x1, &y1))
		return 0;
	for (int j = y0; j < y1; j++) {
		uint32_t *row = c->s->px + (size_t)j * c->s->stride;
		for (int i = x0; i < x1; i++)
			row[i] = c->clip ? surf_lerp_px(row[i], px, clip_cov(c, i, j)) : px;
	}
	return 0;
}

/* ---- images and text ---------------------------------------------------------------------- */

static int scratch(lua_State *L, canvas_t *c)
{
	if (!c->scratch && !(c->scratch = surf_new(c->s->w, c->s->h)))
		return luaL_error(L, "out of memory (canvas scratch surface)");
	return 0;
}

/* Draws src through d: straight onto the canvas when nothing is special, else through the
 * scratch surface and put() over the box [bx0,bx1) x [by0,by1). */
static void draw_through(lua_State *L, canvas_t *c, const surf_t *src, const draw_params *d,
			 double bx0, double by0, double bx1, double by1)
{
	if (c->blend == BL_NORMAL && c->clip == CL_NONE) {
		c->work += fmin(fabs(bx1 - bx0), 2.0 * c->s->w) * fmin(fabs(by1 - by0), 2.0 * c->s->h);
		if (draw_surface(c->s, src, d))
			luaL_error(L, "out of memory drawing an image");
		return;
	}
	scratch(L, c);
	int x0, y0, x1, y1;
	if (!span(c, bx0 - 1, by0 - 1, bx1 + 1, by1 + 1, &x0, &y0, &x1, &y1))
		return;
	for (int j = y0; j < y1; j++)
		memset(c->scratch->px + (size_t)j * c->scratch->stride + x0, 0, (size_t)(x1 - x0) * 4);
	if (draw_surface(c->scratch, src, d))
		luaL_error(L, "out of memory drawing an image");
	for (int j = y0; j < y1; j++) {
		const uint32_t *row = c->scratch->px + (size_t)j * c->scratch->stride;
		for (int i = x0; i < x1; i++)
			put(c, i, j, row[i], 256);
	}
}

/* canvas:image(img, x, y [, w, h [, opacity [, rotation]]]): img (a transition's a or b, or a
 * canvas) scaled into the box, rotated clockwise about its centre. */
static int l_image(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	const surf_t *src = check_image(L, 2);
	double x = num(L, 3), y = num(L, 4);
	double w = optnum(L, 5, src->w), h = optnum(L, 6, src->h);
	double op = fmin(fmax(optnum(L, 7, 1), 0), 1), rot = optnum(L, 8, 0);
	if (src == c->s)
		return luaL_error(L, "a canvas cannot draw itself");
	if (w <= 0 || h <= 0 || op <= 0)
		return 0;
	draw_params d = {0, 0, src->w, src->h, x, y, x + w, y + h, rot, x + w / 2, y + h / 2, op, 0};
	double r = fabs(fmod(rot, 360)) > 1e-9 ? sqrt(w * w + h * h) / 2 : 0;
	if (r > 0)
		draw_through(L, c, src, &d, x + w / 2 - r, y + h / 2 - r, x + w / 2 + r, y + h / 2 + r);
	else
		draw_through(L, c, src, &d, x, y, x + w, y + h);
	return 0;
}

static int get_field_num(lua_State *L, int t, const char *k, double *v)
{
	if (lua_isnoneornil(L, t))
		return 0;
	lua_getfield(L, t, k);
	int ok = !lua_isnil(L, -1);
	if (ok)
		*v = luaL_checknumber(L, -1);
	lua_pop(L, 1);
	return ok;
}

static const char *get_field_str(lua_State *L, int t, const char *k)
{
	if (lua_isnoneornil(L, t))
		return NULL;
	lua_getfield(L, t, k);
	const char *s = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
	lua_pop(L, 1); /* the string stays alive: it is referenced by the options table */
	return s;
}

/* A text's font option: a family name as it is; a font file (font_is_file) only from the hook's
 * folder, like pictures, as an absolute path left on the Lua stack for the call. */
static const char *font_file(lua_State *L, const char *name)
{
	if (!font_is_file(name))
		return name;
	if (!hook_file_name_ok(name))
		luaL_error(L, "text: font file '%s': a font file is a path relative to the hook file, without '..'",
			   name);
	char *abs = NULL;
	vidc_err e = {0, ""};
	if (resolve_in(hook_dir(L), name, &abs, &e))
		luaL_error(L, "text: font file '%s': %s", name, e.msg);
	lua_pushstring(L, abs);
	free(abs);
	return lua_tostring(L, -1);
}

/* Text of str styled by the options table at index t into out. */
static void shape_text(lua_State *L, canvas_t *c, const char *str, int t, text_out *out, int *align)
{
	if (!c->fonts)
		luaL_error(L, "text is not available here (no fonts)");
	/* the rasterised text lives outside the Lua heap and its cap: keep it to a caption's size */
	if (strlen(str) > 4096)
		luaL_error(L, "text: at most 4096 bytes per call (%d given)", (int)fmin(strlen(str), 2e9));
	if (!lua_isnoneornil(L, t))
		luaL_checktype(L, t, LUA_TTABLE);
	ir_text_style st;
	text_style_init(&st, 64);
	double v;
	const char *s;
	if (get_field_num(L, t, "size", &v))
		st.size = fmin(fmax(v, 1), 1000);
	if ((s = get_field_str(L, t, "font")))
		st.font = font_file(L, s);
	if (!lua_isnoneornil(L, t)) {
		lua_getfield(L, t, "weight");
		if (lua_type(L, -1) == LUA_TNUMBER)
			st.weight = (int)lua_tointeger(L, -1);
		else if (lua_type(L, -1) == LUA_TSTRING)
			st.weight = !strcmp(lua_tostring(L, -1), "bold")    ? 700
				    : !strcmp(lua_tostring(L, -1), "black") ? 900
				    : !strcmp(lua_tostring(L, -1), "light") ? 300
				    : !strcmp(lua_tostring(L, -1), "medium") ? 500
									     : 400;
		lua_pop(L, 1);
		lua_getfield(L, t, "color");
		if (!lua_isnil(L, -1))
			st.color = check_color(L, lua_gettop(L));
		lua_pop(L, 1);
		lua_getfield(L, t, "stroke_color");
		if (!lua_isnil(L, -1))
			st.stroke_color = check_color(L, lua_gettop(L));
		lua_pop(L, 1);
	}
	if (get_field_num(L, t, "stroke", &v))
		st.stroke_width = fmin(fmax(v, 0), 100);
	if (st.stroke_width > 0 && !st.stroke_color.a)
		st.stroke_color = (ir_color){0, 0, 0, 255};
	*align = 0;
	if ((s = get_field_str(L, t, "align")))
		*align = !strcmp(s, "center") ? 1 : !strcmp(s, "right") ? 2 : 0;
	st.align = *align == 1 ? IR_ALIGN_CENTER : *align == 2 ? IR_ALIGN_RIGHT : IR_ALIGN_LEFT;
	double wrap = 0;
	get_field_num(L, t, "width", &wrap);
	text_req r = {str, NULL, &st, fmax(wrap, 0), 1};
	char cause[256];
	memset(out, 0, sizeof *out);
	if (text_render_max(c->fonts, &r, HOOK_TEXT_PIXELS, out, cause, sizeof cause))
		luaL_error(L, "text: %s", cause);
}

/* canvas:text(str, x, y [, {size, color, font, weight, align, valign, stroke, stroke_color,
 * width, opacity}]) -> w, h. x is the left edge, the centre or the right edge by align; y the
 * top, or the middle with valign = "middle". */
static int l_text(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	const char *str = luaL_checkstring(L, 2);
	double x = num(L, 3), y = num(L, 4);
	text_out o;
	int align;
	shape_text(L, c, str, 5, &o, &align);
	double op = 1;
	get_field_num(L, 5, "opacity", &op);
	const char *va = get_field_str(L, 5, "valign");
	double left = align == 1 ? x - o.nat_w / 2 : align == 2 ? x - o.nat_w : x;
	double top = va && !strcmp(va, "middle") ? y - o.nat_h / 2 : va && !strcmp(va, "bottom") ? y - o.nat_h : y;
	/* the whole surface, margins included, placed so its natural rectangle starts at left, top */
	double sx = left - o.ox, sy = top - o.oy;
	draw_params d = {0, 0, o.surf->w, o.surf->h, sx, sy, sx + o.surf->w, sy + o.surf->h, 0, 0, 0,
			 fmin(fmax(op, 0), 1), 0};
	c->work += (double)o.surf->w * o.surf->h + 64.0 * strlen(str);
	lua_pushnumber(L, o.nat_w);
	lua_pushnumber(L, o.nat_h);
	/* draw_through may raise an error; the surface must not leak then */
	surf_t *s = o.surf;
	if (c->blend == BL_NORMAL && c->clip == CL_NONE) {
		int rc = draw_surface(c->s, s, &d);
		surf_free(s);
		if (rc)
			return luaL_error(L, "out of memory drawing text");
	} else {
		if (!c->scratch && !(c->scratch = surf_new(c->s->w, c->s->h))) {
			surf_free(s);
			return luaL_error(L, "out of memory (canvas scratch surface)");
		}
		int x0, y0, x1, y1;
		if (span(c, sx - 1, sy - 1, sx + s->w + 1, sy + s->h + 1, &x0, &y0, &x1, &y1)) {
			for (int j = y0; j < y1; j++)
				memset(c->scratch->px + (size_t)j * c->scratch->stride + x0, 0, (size_t)(x1 - x0) * 4);
			draw_surface(c->scratch, s, &d);
			for (int j = y0; j < y1; j++)
				for (int i = x0; i < x1; i++)
					put(c, i, j, c->scratch->px[(size_t)j * c->scratch->stride + i], 256);
		}
		surf_free(s);
	}
	return 2;
}

/* canvas:measure(str [, options]) -> w, h */
static int l_measure(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	text_out o;
	int align;
	shape_text(L, c, luaL_checkstring(L, 2), 3, &o, &align);
	c->work += (double)o.surf->w * o.surf->h + 64.0 * strlen(lua_tostring(L, 2));
	surf_free(o.surf);
	lua_pushnumber(L, o.nat_w);
	lua_pushnumber(L, o.nat_h);
	return 2;
}

/* ---- state: blend mode and clip ---------------------------------------------------------- */

static int l_blend(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	static const char *const modes[] = {"normal", "add", "multiply", "screen", NULL};
	c->blend = luaL_checkoption(L, 2, "normal", modes);
	return 0;
}

static int l_clip_rect(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double x = num(L, 2), y = num(L, 3), w = fabs(num(L, 4)), h = fabs(num(L, 5));
	c->clip = CL_RECT;
	c->c0x = x, c->c0y = y, c->c1x = x + w, c->c1y = y + h;
	return 0;
}

static int l_clip_circle(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double x = num(L, 2), y = num(L, 3), r = fabs(num(L, 4));
	c->clip = CL_CIRCLE;
	c->ccx = x, c->ccy = y, c->cr = r;
	c->c0x = x - r - 1, c->c0y = y - r - 1, c->c1x = x + r + 1, c->c1y = y + r + 1;
	return 0;
}

static int l_unclip(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	c->clip = CL_NONE;
	return 0;
}

/* ---- filters: whole-surface operations in C ------------------------------------------------ */

/* Runs fn over the canvas (or the clip's box); with a clip, pixels keep their old value
 * outside it (blended by the clip's coverage on its edge). */
typedef void (*filter_fn)(surf_t *s, void *arg);

static void filter(lua_State *L, canvas_t *c, filter_fn fn, void *arg)
{
	c->work += 2.0 * c->s->w * c->s->h;
	if (!c->clip) {
		fn(c->s, arg);
		return;
	}
	int x0, y0, x1, y1;
	if (!span(c, 0, 0, c->s->w, c->s->h, &x0, &y0, &x1, &y1))
		return;
	surf_t *sub = surf_new(x1 - x0, y1 - y0);
	if (!sub)
		luaL_error(L, "out of memory (filter)");
	for (int j = y0; j < y1; j++)
		memcpy(sub->px + (size_t)(j - y0) * sub->stride, c->s->px + (size_t)j * c->s->stride + x0,
		       (size_t)(x1 - x0) * 4);
	fn(sub, arg);
	for (int j = y0; j < y1; j++) {
		uint32_t *d = c->s->px + (size_t)j * c->s->stride;
		const uint32_t *s = sub->px + (size_t)(j - y0) * sub->stride;
		for (int i = x0; i < x1; i++)
			d[i] = surf_lerp_px(d[i], s[i - x0], clip_cov(c, i, j));
	}
	surf_free(sub);
}

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Grain comes from a fixed 512 x 512 tile of noise, read at offsets drawn from the seed for
 * every frame and channel: one table read per channel and pixel instead of a hash, and at film
 * grain's scale the repetition 512 px apart is invisible. */
#define NOISE_N 512
static int8_t noise_tile[NOISE_N * NOISE_N];
static pthread_once_t noise_once = PTHREAD_ONCE_INIT;

static void noise_init(void)
{
	uint64_t st = 0x5eed5eed5eed5eedull;
	for (int i = 0; i < NOISE_N * NOISE_N; i++) {
		st += 0x9e3779b97f4a7c15ull;
		/* roughly Gaussian: the sum of two uniforms, -127..127 */
		uint64_t r = mix64(st);
		noise_tile[i] = (int8_t)(((int)(r & 255) + (int)((r >> 8) & 255)) / 2 - 127);
	}
}

static inline uint32_t clamp255(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (uint32_t)v;
}

/* One pixel of grain: n0..n2 added to R, G, B (scaled by alpha, premultiplied stays valid). */
static inline uint32_t grain_px(uint32_t p, int n0, int n1, int n2)
{
	uint32_t a = p >> 24;
	if (a == 255)
		return 0xff000000u | clamp255((int)(p & 255) + n0) | clamp255((int)((p >> 8) & 255) + n1) << 8 |
		       clamp255((int)((p >> 16) & 255) + n2) << 16;
	if (!a)
		return p;
	int nn[3] = {n0, n1, n2};
	uint32_t out = p & 0xff000000u;
	for (int c = 0; c < 3; c++) {
		int v = (int)ch(p, c) + nn[c] * (int)a / 255;
		v = v < 0 ? 0 : v > (int)a ? (int)a : v;
		out |= (uint32_t)v << (8 * c);
	}
	return out;
}

void canvas_grain_row_at(int level, uint32_t *row, const int16_t *n0, const int16_t *n1, const int16_t *n2,
			 int w)
{
	int x = 0;
#ifdef __SSE2__
	/* mono grain on opaque pixels, four at a time: the offset split into its positive and
	 * negative parts, added and subtracted with byte saturation on R, G and B (the same bits
	 * as grain_px) */
	if (level >= SIMD_SSE2 && n1 == n0 && n2 == n0) {
		const __m128i opaque = _mm_set1_epi32((int)0xff000000u), zero = _mm_setzero_si128();
		for (; x + 4 <= w; x += 4) {
			__m128i px = _mm_loadu_si128((const __m128i *)(row + x));
			__m128i a = _mm_and_si128(px, opaque);
			if (_mm_movemask_epi8(_mm_cmpeq_epi32(a, opaque)) != 0xffff) {
				for (int k = 0; k < 4; k++)
					row[x + k] = grain_px(row[x + k], n0[x + k], n0[x + k], n0[x + k]);
				continue;
			}
			__m128i n = _mm_loadl_epi64((const __m128i *)(n0 + x)); /* 4 x int16 */
			n = _mm_unpacklo_epi16(n, _mm_srai_epi16(n, 15));        /* to 4 x int32 */
			__m128i pos = _mm_max_epi16(n, zero);                    /* values < 256 */
			__m128i neg = _mm_max_epi16(_mm_sub_epi32(zero, n), zero);
			/* a value v < 256 times 0x010101 puts it in the R, G and B bytes */
			pos = _mm_or_si128(_mm_or_si128(pos, _mm_slli_epi32(pos, 8)), _mm_slli_epi32(pos, 16));
			neg = _mm_or_si128(_mm_or_si128(neg, _mm_slli_epi32(neg, 8)), _mm_slli_epi32(neg, 16));
			px = _mm_subs_epu8(_mm_adds_epu8(px, pos), neg);
			_mm_storeu_si128((__m128i *)(row + x), px);
		}
	}
#endif
	for (; x < w; x++)
		row[x] = grain_px(row[x], n0[x], n1[x], n2[x]);
}

void canvas_noise(surf_t *s, double amount, uint64_t seed, int mono)
{
	int amp = (int)lrint(fmin(fmax(amount, 0), 1) * 512); /* noise * amp / 256: full scale at 1 */
	if (!amp || s->w < 1)
		return;
	pthread_once(&noise_once, noise_init);
	uint64_t r = mix64(seed);
	int ox[3], oy[3];
	for (int c = 0; c < 3; c++) {
		int k = mono ? 0 : c;
		ox[c] = (int)((r >> (20 * k)) & (NOISE_N - 1));
		oy[c] = (int)((r >> (20 * k + 10)) & (NOISE_N - 1));
	}
	/* one row of scaled noise per channel, unrolled to the surface's width */
	int16_t *rows = malloc(sizeof *rows * 3 * (size_t)s->w);
	if (!rows)
		return;
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int c = 0; c < (mono ? 1 : 3); c++) {
			const int8_t *t = noise_tile + (size_t)((y + oy[c]) & (NOISE_N - 1)) * NOISE_N;
			int16_t *o = rows + (size_t)c * s->w;
			for (int x = 0; x < s->w; x++)
				o[x] = (int16_t)((t[(x + ox[c]) & (NOISE_N - 1)] * amp) >> 8);
		}
		const int16_t *n0 = rows, *n1 = mono ? rows : rows + s->w, *n2 = mono ? rows : rows + 2 * s->w;
		canvas_grain_row_at(simd_level(), row, n0, n1, n2, s->w);
	}
	free(rows);
}

typedef struct {
	double amount;
	uint64_t seed;
	int mono;
} noise_arg;

static void noise_fn(surf_t *s, void *arg)
{
	noise_arg *a = arg;
	canvas_noise(s, a->amount, a->seed, a->mono);
}

/* canvas:noise(amount [, seed [, mono]]): film grain, amount 0..1 of full scale */
static int l_noise(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	noise_arg a = {num(L, 2), (uint64_t)luaL_optinteger(L, 3, 1), lua_toboolean(L, 4)};
	filter(L, c, noise_fn, &a);
	return 0;
}

/* 3x4 matrix in 1/1024 units over straight RGB 0..255 (offsets in 0..255). */
typedef struct {
	int m[12];
} matrix_arg;

static void matrix_fn(surf_t *s, void *arg)
{
	const int *m = ((matrix_arg *)arg)->m;
	for (int y = 0; y < s->h; y++) {
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++) {
			uint32_t p = row[x];
			int a = (int)(p >> 24);
			if (!a)
				continue;
			int r = (int)ch(p, 0), g = (int)ch(p, 1), b = (int)ch(p, 2);
			if (a < 255)
				r = r * 255 / a, g = g * 255 / a, b = b * 255 / a;
			uint32_t out = p & 0xff000000u;
			for (int i = 0; i < 3; i++) {
				int v = (m[4 * i] * r + m[4 * i + 1] * g + m[4 * i + 2] * b + 512) / 1024 + m[4 * i + 3];
				v = v < 0 ? 0 : v > 255 ? 255 : v;
				if (a < 255)
					v = (v * a + 127) / 255;
				out |= (uint32_t)v << (8 * i);
			}
			row[x] = out;
		}
	}
}

static void run_matrix(lua_State *L, canvas_t *c, const double *m)
{
	matrix_arg a;
	for (int i = 0; i < 12; i++)
		a.m[i] = (int)lrint(fmin(fmax(m[i], -64), 64) * ((i % 4) == 3 ? 255 : 1024));
	filter(L, c, matrix_fn, &a);
}

/* canvas:color_matrix({12 numbers}): rows r, g, b of (r g b offset), colours 0..1 */
static int l_color_matrix(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double m[12];
	for (int i = 0; i < 12; i++) {
		lua_rawgeti(L, 2, i + 1);
		m[i] = luaL_checknumber(L, -1);
		lua_pop(L, 1);
	}
	run_matrix(L, c, m);
	return 0;
}

/* canvas:grade({brightness, contrast, saturation, tint, tint_amount}): brightness adds (-1..1),
 * contrast scales about mid-grey, saturation mixes with Rec. 709 luma, tint mixes towards a
 * colour. Built into one colour matrix. */
static int l_grade(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double br = 0, co = 1, sa = 1, ta = 0;
	get_field_num(L, 2, "brightness", &br);
	get_field_num(L, 2, "contrast", &co);
	get_field_num(L, 2, "saturation", &sa);
	get_field_num(L, 2, "tint_amount", &ta);
	ir_color tint = {255, 255, 255, 255};
	lua_getfield(L, 2, "tint");
	if (!lua_isnil(L, -1))
		tint = check_color(L, lua_gettop(L));
	lua_pop(L, 1);
	ta = fmin(fmax(ta, 0), 1);
	static const double lw[3] = {0.2126, 0.7152, 0.0722};
	double m[12];
	double tc[3] = {tint.r / 255.0, tint.g / 255.0, tint.b / 255.0};
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 3; j++) {
			double s = lw[j] * (1 - sa) + (i == j ? sa : 0); /* saturation */
			/* tint: multiply towards the tint colour by ta */
			m[4 * i + j] = s * co * (1 - ta + ta * tc[i]);
		}
		m[4 * i + 3] = (0.5 - 0.5 * co + br) * (1 - ta + ta * tc[i]);
	}
	run_matrix(L, c, m);
	return 0;
}

/* One horizontal box-blur pass of radius r over each row (premultiplied channels), edges
 * clamped. */
static void blur_rows(uint32_t *px, int w, int h, int stride, int step, int r, uint32_t *tmp)
{
	int n = 2 * r + 1;
	for (int y = 0; y < h; y++) {
		uint32_t *row = px + (size_t)y * stride;
		for (int x = 0; x < w; x++)
			tmp[x] = row[(size_t)x * step];
		unsigned acc[4] = {0, 0, 0, 0};
		for (int k = -r; k <= r; k++) {
			uint32_t p = tmp[k < 0 ? 0 : k >= w ? w - 1 : k];
			for (int i = 0; i < 4; i++)
				acc[i] += ch(p, i);
		}
		for (int x = 0; x < w; x++) {
			uint32_t o = 0;
			for (int i = 0; i < 4; i++)
				o |= (uint32_t)((acc[i] + (unsigned)n / 2) / (unsigned)n) << (8 * i);
			row[(size_t)x * step] = o;
			int out = x - r, in = x + r + 1;
			uint32_t po = tmp[out < 0 ? 0 : out], pi = tmp[in >= w ? w - 1 : in];
			for (int i = 0; i < 4; i++)
				acc[i] += ch(pi, i) - ch(po, i);
		}
	}
}

void canvas_box_blur(surf_t *s, double radius)
{
	int r = (int)lrint(fmin(fmax(radius, 0), 200) / 2); /* two passes of r give about radius */
	if (r < 1 || s->w < 1 || s->h < 1)
		return;
	uint32_t *tmp = malloc(sizeof *tmp * (size_t)(s->w > s->h ? s->w : s->h));
	if (!tmp)
		return;
	for (int pass = 0; pass < 2; pass++) {
		blur_rows(s->px, s->w, s->h, s->stride, 1, r, tmp);
		/* columns: a row of the transposed view is a column, stepping by stride */
		blur_rows(s->px, s->h, s->w, 1, s->stride, r, tmp);
	}
	free(tmp);
}

static void blur_fn(surf_t *s, void *arg)
{
	canvas_box_blur(s, *(double *)arg);
}

/* canvas:blur(radius): about a Gaussian blur of that radius (px), two box passes */
static int l_blur(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	double r = num(L, 2);
	c->work += 4.0 * c->s->w * c->s->h; /* four passes on top of filter's copy */
	filter(L, c, blur_fn, &r);
	return 0;
}

/* canvas:shift_rows(y, h, dx): rows [y, y+h) move dx pixels sideways, edges repeated (glitch) */
static int l_shift_rows(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	int y0 = (int)floor(num(L, 2)), h = (int)lrint(num(L, 3)), dx = (int)lrint(num(L, 4));
	int W = c->s->w;
	if (!dx || W < 1)
		return 0;
	uint32_t *tmp = malloc(sizeof *tmp * (size_t)W);
	if (!tmp)
		return luaL_error(L, "out of memory (shift_rows)");
	c->work += (double)W * fmin(fmax(h, 0), c->s->h);
	for (int y = y0 < 0 ? 0 : y0; y < y0 + h && y < c->s->h; y++) {
		uint32_t *row = c->s->px + (size_t)y * c->s->stride;
		memcpy(tmp, row, sizeof *tmp * (size_t)W);
		for (int x = 0; x < W; x++) {
			int sx = x - dx;
			uint32_t p = tmp[sx < 0 ? 0 : sx >= W ? W - 1 : sx];
			row[x] = c->clip ? surf_lerp_px(row[x], p, clip_cov(c, x, y)) : p;
		}
	}
	free(tmp);
	return 0;
}

/* canvas:rgb_split(dx [, dy]): red moves by (dx, dy), blue by (-dx, -dy): the chromatic
 * fringe of a glitch. */
static int l_rgb_split(lua_State *L)
{
	canvas_t *c = check_canvas(L);
	int dx = (int)lrint(num(L, 2)), dy = (int)lrint(optnum(L, 3, 0));
	surf_t *s = c->s;
	if (!dx && !dy)
		return 0;
	surf_t *cp = surf_new(s->w, s->h);
	if (!cp)
		return luaL_error(L, "out of memory (rgb_split)");
	c->work += 2.0 * s->w * s->h;
	for (int y = 0; y < s->h; y++)
		memcpy(cp->px + (size_t)y * cp->stride, s->px + (size_t)y * s->stride, (size_t)s->w * 4);
	for (int y = 0; y < s->h; y++) {
		int yr = y - dy, yb = y + dy;
		yr = yr < 0 ? 0 : yr >= s->h ? s->h - 1 : yr;
		yb = yb < 0 ? 0 : yb >= s->h ? s->h - 1 : yb;
		uint32_t *row = s->px + (size_t)y * s->stride;
		for (int x = 0; x < s->w; x++) {
			int xr = x - dx, xb = x + dx;
			xr = xr < 0 ? 0 : xr >= s->w ? s->w - 1 : xr;
			xb = xb < 0 ? 0 : xb >= s->w ? s->w - 1 : xb;
			uint32_t p = row[x];
			unsigned a = ch(p, 3);
			unsigned r = ch(cp->px[(size_t)yr * cp->stride + xr], 0);
			unsigned b = ch(cp->px[(size_t)yb * cp->stride + xb], 2);
			r = r > a ? a : r;
			b = b > a ? a : b;
			uint32_t q = (p & 0xff00ff00u) | r | b << 16;
			row[x] = c->clip ? surf_lerp_px(p, q, clip_cov(c, x, y)) : q;
		}
	}
	surf_free(cp);
	return 0;
}

/* ---- metatables -------------------------------------------------------------------------- */

static int canvas_index(lua_State *L)
{
	canvas_t *c = luaL_checkudata(L, 1, CANVAS_MT);
	const char *k = luaL_checkstring(L, 2);
	if (!strcmp(k, "width") || !strcmp(k, "height")) {
		if (!c->s)
			return luaL_error(L, "this canvas belongs to a finished hook call");
		lua_pushinteger(L, k[0] == 'w' ? c->s->w : c->s->h);
		return 1;
	}
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static int canvas_gc(lua_State *L)
{
	canvas_t *c = luaL_checkudata(L, 1, CANVAS_MT);
	surf_free(c->scratch);
	c->scratch = NULL;
	c->s = NULL;
	return 0;
}

static int file_gc(lua_State *L)
{
	file_t *f = luaL_checkudata(L, 1, FILE_MT);
	surf_free(f->s);
	f->s = NULL;
	return 0;
}

static int image_index(lua_State *L)
{
	image_t *im = luaL_checkudata(L, 1, IMAGE_MT);
	const char *k = luaL_checkstring(L, 2);
	if (!im->s)
		return luaL_error(L, "this image belongs to a finished hook call");
	if (!strcmp(k, "width") || !strcmp(k, "height"))
		lua_pushinteger(L, k[0] == 'w' ? im->s->w : im->s->h);
	else
		lua_pushnil(L);
	return 1;
}

/* Pushes a new registry metatable `name` with __index and __gc (either may be NULL) and
 * __metatable = false, so getmetatable() from a hook cannot reach (or replace) the methods. */
static void sealed_metatable(lua_State *L, const char *name, lua_CFunction index, lua_CFunction gc)
{
	luaL_newmetatable(L, name);
	if (index) {
		lua_pushcfunction(L, index);
		lua_setfield(L, -2, "__index");
	}
	if (gc) {
		lua_pushcfunction(L, gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
}

void canvas_register(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{"rect", l_rect},
		{"rounded_rect", l_rounded_rect},
		{"ellipse", l_ellipse},
		{"circle", l_circle},
		{"line", l_line},
		{"linear_gradient", l_linear_gradient},
		{"radial_gradient", l_radial_gradient},
		{"clear", l_clear},
		{"image", l_image},
		{"text", l_text},
		{"measure", l_measure},
		{"blend", l_blend},
		{"clip_rect", l_clip_rect},
		{"clip_circle", l_clip_circle},
		{"unclip", l_unclip},
		{"noise", l_noise},
		{"grade", l_grade},
		{"color_matrix", l_color_matrix},
		{"blur", l_blur},
		{"shift_rows", l_shift_rows},
		{"rgb_split", l_rgb_split},
		{NULL, NULL},
	};
	sealed_metatable(L, CANVAS_MT, canvas_index, canvas_gc);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "methods");
	lua_pushliteral(L, "canvas");
	lua_setfield(L, -2, "__name");
	lua_pop(L, 1);
	sealed_metatable(L, IMAGE_MT, image_index, NULL);
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LIVE_KEY);
	sealed_metatable(L, FILE_MT, NULL, file_gc);
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, FILES_KEY);
}

void canvas_set_dir(lua_State *L, const char *dir)
{
	lua_pushstring(L, dir);
	lua_setfield(L, LUA_REGISTRYINDEX, DIR_KEY);
}

static void remember(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, LIVE_KEY);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

void canvas_push(lua_State *L, surf_t *s, font_ctx *fonts)
{
	canvas_t *c = lua_newuserdatauv(L, sizeof *c, 0);
	memset(c, 0, sizeof *c);
	c->s = s;
	c->fonts = fonts;
	luaL_setmetatable(L, CANVAS_MT);
	remember(L);
}

void canvas_push_image(lua_State *L, const surf_t *s)
{
	image_t *im = lua_newuserdatauv(L, sizeof *im, 0);
	im->s = s;
	luaL_setmetatable(L, IMAGE_MT);
	remember(L);
}

void canvas_end_all(lua_State *L)
{
	if (!L)
		return;
	lua_getfield(L, LUA_REGISTRYINDEX, LIVE_KEY);
	int n = (int)lua_rawlen(L, -1);
	for (int i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		canvas_t *c = luaL_testudata(L, -1, CANVAS_MT);
		if (c) {
			surf_free(c->scratch);
			c->scratch = NULL;
			c->s = NULL;
		} else {
			image_t *im = luaL_testudata(L, -1, IMAGE_MT);
			if (im)
				im->s = NULL;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LIVE_KEY);
}
