/*
 * thumb.c - the thumbnail (see thumb.h): a one-frame program composed by graph.c, then JPEG
 * (libavcodec's mjpeg) at the best quality that stays under THUMB_MAX_BYTES.
 */
#include "thumb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "graph.h"
#include "render.h"
#include "rterr.h"
#include "surface.h"

#define SCRIM_STEPS 160 /* 4-6 px bands: no visible steps */

static ir_curve konst(ir_program *t, double v)
{
	return ir_curve_const(t, v);
}

/* A layer over the whole frame range of the one-frame program; (x, y) is where the anchor lands. */
static int add_layer(ir_program *t, int src, double x, double y, double w, double h, double ax,
		     double ay, ir_fit fit)
{
	ir_node *n = ir_node_add(t, IR_LAYER);
	int id = n->id;
	ir_curve cx = konst(t, x), cy = konst(t, y), cw = konst(t, w), ch = konst(t, h);
	ir_curve one = konst(t, 1), zero = konst(t, 0), half = konst(t, 0.5);
	n = &t->nodes[id];
	n->f0 = 0;
	n->f1 = 1;
	n->u.layer.source = src;
	n->u.layer.x = cx;
	n->u.layer.y = cy;
	n->u.layer.w = cw;
	n->u.layer.h = ch;
	n->u.layer.anchor_x = ax;
	n->u.layer.anchor_y = ay;
	n->u.layer.opacity = one;
	n->u.layer.scale = one;
	n->u.layer.rotation = zero;
	n->u.layer.zoom = one;
	n->u.layer.pan_x = half;
	n->u.layer.pan_y = half;
	n->u.layer.fit = fit;
	return id;
}

static const char *default_title(const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i].kind == IR_TEXT && p->nodes[i].u.text.content && *p->nodes[i].u.text.content)
			return p->nodes[i].u.text.content;
	if (p->nchapters > 0)
		return p->chapters[0].title;
	return NULL;
}

static const char *default_image(const ir_program *p)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i].kind == IR_IMAGE)
			return p->nodes[i].u.image.path ? p->nodes[i].u.image.path : p->nodes[i].u.image.src;
	return NULL;
}

/* Encodes the opaque surface as a JPEG of at most max bytes into *out (malloc'd). */
static int encode_jpeg(const surf_t *s, int64_t max, uint8_t **out, int *outlen, char *cause, size_t len)
{
	const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
	if (!codec) {
		snprintf(cause, len, "this libavcodec has no JPEG encoder");
		return VE_ENCODE;
	}
	AVFrame *f = av_frame_alloc();
	AVPacket *pkt = av_packet_alloc();
	struct SwsContext *sws = sws_getContext(s->w, s->h, AV_PIX_FMT_RGBA, s->w, s->h, AV_PIX_FMT_YUVJ420P,
						SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
	int rc = VE_NOMEM;
	*out = NULL;
	if (!f || !pkt || !sws)
		goto done;
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = s->w;
	f->height = s->h;
	f->color_range = AVCOL_RANGE_JPEG;
	if (av_frame_get_buffer(f, 0) < 0)
		goto done;
	const uint8_t *src[1] = {(const uint8_t *)s->px};
	int stride[1] = {s->stride * 4};
	sws_scale(sws, src, stride, 0, s->h, f->data, f->linesize);
	/* the best quality (lowest qscale) whose file fits */
	for (int q = 2; q <= 31; q++) {
		AVCodecContext *c = avcodec_alloc_context3(codec);
		if (!c)
			goto done;
		c->width = s->w;
		c->height = s->h;
		c->pix_fmt = AV_PIX_FMT_YUVJ420P;
		c->color_range = AVCOL_RANGE_JPEG;
		c->time_base = (AVRational){1, 25};
		c->flags |= AV_CODEC_FLAG_QSCALE;
		c->global_quality = q * FF_QP2LAMBDA;
		f->quality = c->global_quality;
		f->pict_type = AV_PICTURE_TYPE_I;
		int ret = avcodec_open2(c, codec, NULL);
		if (ret >= 0)
			ret = avcodec_send_frame(c, f);
		if (ret >= 0)
			ret = avcodec_send_frame(c, NULL);
		if (ret >= 0)
			ret = avcodec_receive_packet(c, pkt);
		avcodec_free_context(&c);
		if (ret < 0) {
			rterr_av(ret, cause, len);
			rc = VE_ENCODE;
			goto done;
		}
		if (pkt->size <= max || q == 31) {
			if (pkt->size > max) {
				snprintf(cause, len, "even the lowest JPEG quality is %d bytes", pkt->size);
				rc = VE_INVAL;
				goto done;
			}
			if (!(*out = malloc((size_t)pkt->size)))
				goto done;
			memcpy(*out, pkt->data, (size_t)pkt->size);
			*outlen = pkt->size;
			rc = 0;
			goto done;
		}
		av_packet_unref(pkt);
	}
done:
	if (rc == VE_NOMEM)
		snprintf(cause, len, "out of memory");
	sws_freeContext(sws);
	av_packet_free(&pkt);
	av_frame_free(&f);
	return rc;
}

int thumb_write(const ir_program *p, const thumb_opts *o, const char *path, thumb_result *res,
		char *err, size_t errlen)
{
	memset(res, 0, sizeof *res);
	int vertical = p->height > p->width;
	int W = vertical ? 1080 : 1280, H = vertical ? 1920 : 720;
	const char *title = o->title ? o->title : default_title(p);
	const char *image = o->image;
	char framepng[64] = "";
	int rc;
	if (!image && o->at >= 0) {
		/* the video's own frame at that time, through a temporary PNG */
		int64_t f = (int64_t)floor(o->at * p->fps_num / p->fps_den + 1e-6);
		if (f >= p->frames)
			return rterr_node(VE_INVAL, p, NULL, err, errlen, "--at %.3fs is past the end of the video", o->at);
		snprintf(framepng, sizeof framepng, "/tmp/vidc-thumb-XXXXXX");
		int fd = mkstemp(framepng);
		if (fd < 0)
			return rterr_node(VE_IO, p, NULL, err, errlen, "cannot create a temporary file");
		close(fd);
		if ((rc = rt_frame_png(p, f, framepng, err, errlen))) {
			unlink(framepng);
			return rc;
		}
		image = framepng;
	}
	if (!image)
		image = default_image(p);

	ir_program *t = ir_program_new();
	if (!t) {
		if (*framepng)
			unlink(framepng);
		return rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
	}
	t->spec = p->spec;
	t->preset = p->preset;
	t->width = W;
	t->height = H;
	t->fps_num = 30;
	t->fps_den = 1;
	t->frames = 1;
	t->background = p->background.a ? p->background : (ir_color){16, 16, 20, 255};
	t->background.a = 255;
	t->safe = (ir_rect){0, 0, W, H};
	t->mix = -1;
	t->captions = -1;
	int layers[SCRIM_STEPS + 2], nl = 0;
	if (image) {
		ir_node *im = ir_node_add(t, IR_IMAGE);
		im->u.image.path = image;
		im->u.image.src = image == framepng ? "(video frame)" : image;
		im->file = p->spec;
		layers[nl++] = add_layer(t, im->id, 0, 0, W, H, 0, 0, IR_FIT_COVER);
	}
	/* title block: bottom of a 16:9 frame; a vertical one keeps clear of the apps' bottom UI */
	double size = vertical ? 120 : 88, margin = vertical ? 80 : 56;
	double base = vertical ? H * 0.70 : H - margin;
	if (title) {
		/* scrim: transparent to 75 % black over the lower part, eased so it has no edge */
		double top = vertical ? H * 0.35 : H * 0.30, bottom = vertical ? H * 0.85 : H;
		for (int i = 0; i < SCRIM_STEPS; i++) {
			double y0 = top + (bottom - top) * i / SCRIM_STEPS, y1 = top + (bottom - top) * (i + 1) / SCRIM_STEPS;
			double x = (i + 0.5) / SCRIM_STEPS, a = 0.75 * x * x * (3 - 2 * x);
			if (vertical && i >= SCRIM_STEPS * 3 / 4) /* fade out again below the text */
				a *= (double)(SCRIM_STEPS - i) / (SCRIM_STEPS / 4);
			ir_node *sn = ir_node_add(t, IR_SOLID);
			sn->u.solid.color = (ir_color){0, 0, 0, (uint8_t)lround(a * 255)};
			layers[nl++] = add_layer(t, sn->id, 0, floor(y0), W, ceil(y1) - floor(y0), 0, 0, IR_FIT_FILL);
		}
		ir_node *tx = ir_node_add(t, IR_TEXT);
		tx->u.text.content = title;
		tx->u.text.wrap_width = W - 2 * margin;
		ir_text_style *st = &tx->u.text.style;
		st->font = "DejaVu Sans";
		st->weight = 700;
		st->size = size;
		st->line_spacing = 1.05;
		st->color = (ir_color){255, 255, 255, 255};
		st->stroke_width = size * 0.07;
		st->stroke_color = (ir_color){0, 0, 0, 255};
		st->shadow_dx = 0;
		st->shadow_dy = size * 0.06;
		st->shadow_blur = size * 0.15;
		st->shadow_color = (ir_color){0, 0, 0, 200};
		st->align = IR_ALIGN_CENTER;
		tx->file = p->spec;
		layers[nl++] = add_layer(t, tx->id, W / 2.0, base, 0, 0, 0.5, 1, IR_FIT_NONE);
	}
	ir_node *sc = ir_node_add(t, IR_SCENE);
	sc->f0 = 0;
	sc->f1 = 1;
	sc->u.scene.name = "thumb";
	sc->u.scene.layers = layers;
	sc->u.scene.nlayers = nl;
	sc->u.scene.background = t->background;
	int scene = sc->id;
	ir_node *tl = ir_node_add(t, IR_TIMELINE);
	tl->u.timeline.scenes = &scene;
	tl->u.timeline.nscenes = 1;
	t->timeline = tl->id;

	rt_graph *g = NULL;
	surf_t *s = NULL;
	uint8_t *jpg = NULL;
	int jlen = 0;
	char cause[256];
	if ((rc = graph_new(&g, t, err, errlen)))
		goto out;
	if (!(s = surf_new(W, H))) {
		rc = rterr_node(VE_NOMEM, p, NULL, err, errlen, "out of memory");
		goto out;
	}
	if ((rc = graph_render(g, 0, s, err, errlen)))
		goto out;
	if ((rc = encode_jpeg(s, THUMB_MAX_BYTES, &jpg, &jlen, cause, sizeof cause))) {
		rterr_node(rc, p, NULL, err, errlen, "cannot encode the thumbnail: %s", cause);
		goto out;
	}
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(jpg, 1, (size_t)jlen, fp) != (size_t)jlen || fclose(fp)) {
		if (fp)
			remove(path);
		rc = rterr_node(VE_IO, p, NULL, err, errlen, "cannot write '%s'", path);
		goto out;
	}
	res->width = W;
	res->height = H;
	res->bytes = jlen;
	res->title = title ? title : "";
out:
	free(jpg);
	surf_free(s);
	graph_free(g);
	ir_program_free(t);
	if (*framepng)
		unlink(framepng);
	return rc;
}
