/*
 * rt_captions.c - cues and burned-in captions.
 *   cues: for generated narrations (varied word lengths, pauses, punctuation) and every line
 *   length from 12 to 42: every word once and in order, at most two lines within the limit
 *   (a single word longer than a line excepted), no overlaps, at least 0.8 s where the
 *   neighbours leave room, sentence ends always end a cue.
 *   captions: for each style on each preset canvas, every pixel the captions change lies inside
 *   the preset's safe area; the same frame renders the same pixels whatever was rendered before;
 *   the karaoke highlight moves to the next word on the exact frame the word starts.
 */
#include "rt_test.h"

#include <string.h>

#include "../../runtime/cues.h"

static unsigned lcg = 12345;
static unsigned rnd(unsigned n)
{
	lcg = lcg * 1103515245u + 12345u;
	return (lcg >> 16) % n;
}

/* A narration of n words on program p's arena. */
static ir_word *make_words(ir_program *p, int n)
{
	static const char *const vocab[] = {"cold", "brew", "is", "a", "concentrate", "the", "ratio",
					    "grind", "beans", "coarse", "water", "overnight", "refrigerator",
					    "strain", "dilute", "enjoy", "extraordinarily", "to", "and"};
	ir_word *w = arena_alloc(p->arena, sizeof *w * (size_t)n);
	double t = 0.2;
	for (int i = 0; i < n; i++) {
		const char *v = vocab[rnd(sizeof vocab / sizeof *vocab)];
		int punct = rnd(10);
		w[i].text = arena_printf(p->arena, "%s%s", v, punct == 0 ? "." : punct == 1 ? "," : punct == 2 && i % 7 == 0 ? "?" : "");
		double d = 0.05 + 0.04 * strlen(v) * (0.5 + rnd(100) / 100.0);
		w[i].t0 = t;
		w[i].t1 = t + d;
		t += d + (punct == 0 ? 0.3 + rnd(100) / 100.0 : rnd(4) == 0 ? 0.0 : 0.02 + rnd(30) / 1000.0);
		if (rnd(40) == 0)
			t += 1.2; /* a long pause */
	}
	return w;
}

static int ulen(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void check_cues(ir_program *p, int nw, int max)
{
	ir_word *w = make_words(p, nw);
	cue_list cl;
	CHECK(cues_build(&cl, w, nw, max, 0) == 0, "cues_build");
	int next = 0;
	for (int i = 0; i < cl.n; i++) {
		cue_t *c = &cl.cues[i];
		CHECK(c->w0 == next && c->w1 > c->w0, "cue %d covers words [%d, %d), expected to start at %d", i, c->w0, c->w1, next);
		next = c->w1;
		CHECK(c->brk > c->w0 && c->brk <= c->w1, "cue %d: break %d", i, c->brk);
		int l1 = 0, l2 = 0;
		for (int k = c->w0; k < c->w1; k++)
			*(k < c->brk ? &l1 : &l2) += ulen(w[k].text) + (k == c->w0 || k == c->brk ? 0 : 1);
		int single1 = c->brk - c->w0 == 1, single2 = c->w1 - c->brk <= 1;
		CHECK((l1 <= max || single1) && (l2 <= max || single2), "cue %d: lines of %d and %d characters, limit %d", i, l1, l2, max);
		CHECK(c->start_ms < c->end_ms, "cue %d: empty", i);
		CHECK(c->start_ms <= llround(w[c->w0].t0 * 1000) && c->end_ms >= llround(w[c->w1 - 1].t1 * 1000) - 1,
		      "cue %d [%lld, %lld] misses its words", i, (long long)c->start_ms, (long long)c->end_ms);
		if (i + 1 < cl.n)
			CHECK(c->end_ms <= cl.cues[i + 1].start_ms, "cue %d overlaps the next", i);
		int room = (i + 1 == cl.n || c->end_ms < cl.cues[i + 1].start_ms) && (i == 0 || c->start_ms > cl.cues[i - 1].end_ms);
		if (room)
			CHECK(c->end_ms - c->start_ms >= CUES_MIN_MS, "cue %d lasts %lld ms with room around it", i,
			      (long long)(c->end_ms - c->start_ms));
		for (int k = c->w0; k + 1 < c->w1; k++) {
			size_t L = strlen(w[k].text);
			CHECK(w[k].text[L - 1] != '.' && w[k].text[L - 1] != '?', "cue %d runs past a sentence end", i);
		}
	}
	CHECK(next == nw, "the cues cover %d of %d words", next, nw);
	cues_free(&cl);
}

/* The pixels captions change at frame f, compared with the same program without captions. */
typedef struct {
	int n, x0, y0, x1, y1;  /* changed pixels and their bounding box */
	double ax;              /* mean x of the highlight colour's pixels, -1 if none */
} diffbox;

static diffbox diff(const surf_t *a, const surf_t *b)
{
	diffbox d = {0, 1 << 30, 1 << 30, -1, -1, -1};
	double sx = 0;
	int na = 0;
	for (int y = 0; y < a->h; y++)
		for (int x = 0; x < a->w; x++) {
			uint32_t pa = t_px(a, x, y), pb = t_px(b, x, y);
			if (pa != pb) {
				d.n++;
				d.x0 = x < d.x0 ? x : d.x0;
				d.y0 = y < d.y0 ? y : d.y0;
				d.x1 = x > d.x1 ? x : d.x1;
				d.y1 = y > d.y1 ? y : d.y1;
			}
			if (t_near(pb, 255, 200, 0, 40)) {
				sx += x;
				na++;
			}
		}
	d.ax = na > 50 ? sx / na : -1;
	return d;
}

int main(void)
{
	/* ---- cues ---- */
	for (int max = 12; max <= 42; max += 6) {
		ir_program *p = t_prog(64, 64, 1);
		check_cues(p, 400, max);
		ir_program_free(p);
	}
	{
		/* words back to back with no gaps: cues cannot be stretched, but never overlap */
		ir_program *p = t_prog(64, 64, 1);
		ir_word w[6] = {{"One.", 0, 0.2}, {"Two.", 0.2, 0.4}, {"Three.", 0.4, 0.6},
				{"Four.", 0.6, 0.8}, {"Five.", 0.8, 1.0}, {"Six.", 3.0, 3.1}};
		cue_list cl;
		CHECK(cues_build(&cl, w, 6, 42, 3500) == 0, "build");
		CHECK(cl.n == 6, "%d cues, want 6 (one per sentence)", cl.n);
		for (int i = 0; i + 1 < cl.n; i++)
			CHECK(cl.cues[i].end_ms <= cl.cues[i + 1].start_ms, "overlap at %d", i);
		CHECK(cl.cues[5].end_ms == 3500, "the last cue is stretched to 0.8 s but not past the video: %lld",
		      (long long)cl.cues[5].end_ms);
		CHECK(cl.cues[4].end_ms - cl.cues[4].start_ms >= 800, "cue 5 uses the gap after it");
		cues_free(&cl);
		ir_program_free(p);
	}

	{
		/* Chinese and Japanese clauses (the voice's words there) join without spaces; a
		 * Latin word beside them keeps its space; CJK counts two columns a character. */
		ir_program *p = t_prog(64, 64, 1);
		ir_word w[4] = {{"\xe6\x9c\x9d\xe3\x81\xae\xe5\x85\x89\xe3\x80\x81", 0, 0.5},
				{"\xe4\xbd\x93\xe5\x86\x85\xe6\x99\x82\xe8\xa8\x88\xe3\x80\x82", 0.5, 1.0},
				{"GPS", 1.5, 1.8},
				{"\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82", 1.8, 2.2}};
		cue_list cl;
		CHECK(cues_build(&cl, w, 4, 42, 3000) == 0, "build");
		CHECK(cl.n >= 1, "no cues");
		char *t = cl.n ? cues_text(&cl, 0, "\n", 0) : NULL;
		CHECK(t && !strcmp(t, "\xe6\x9c\x9d\xe3\x81\xae\xe5\x85\x89\xe3\x80\x81\xe4\xbd\x93\xe5\x86\x85\xe6\x99\x82\xe8\xa8\x88\xe3\x80\x82"),
		      "CJK clauses joined with a space: '%s'", t ? t : "(none)");
		free(t);
		cues_free(&cl);
		ir_word w2[2] = {{"\xe6\x9c\x9d\xe3\x81\xae", 0, 0.5}, {"GPS", 0.5, 1.0}};
		CHECK(cues_build(&cl, w2, 2, 42, 3000) == 0, "build");
		t = cl.n ? cues_text(&cl, 0, "\n", 0) : NULL;
		CHECK(t && strstr(t, " GPS"), "a Latin word after CJK keeps its space: '%s'", t ? t : "(none)");
		free(t);
		cues_free(&cl);
		/* 12 ideographs are 24 columns: over a 20-column line, so two lines */
		ir_word w3[1] = {{"\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b\xe4\xba\x94\xe5\x85\xad"
				  "\xe4\xb8\x83\xe5\x85\xab\xe4\xb9\x9d\xe5\x8d\x81\xe7\x99\xbe\xe5\x8d\x83", 0, 1.0}};
		CHECK(cues_build(&cl, w3, 1, 20, 3000) == 0, "build");
		cues_free(&cl);
		ir_program_free(p);
	}

	/* ---- captions on the canvases ---- */
	static const struct {
		const char *name;
		int w, h;
		ir_rect safe;
	} presets[] = {{"youtube_long", 1920, 1080, {96, 54, 1728, 972}},
		       {"youtube_short", 1080, 1920, {60, 140, 880, 1440}},
		       {"instagram_reel", 1080, 1920, {60, 220, 900, 1280}},
		       {"tiktok", 1080, 1920, {60, 130, 880, 1420}}};
	static const char *const styles[] = {"plain", "bold_center", "karaoke"};
	/* a long sentence (two full lines) that starts on frame 30 of 30 fps; its third word
	 * starts at exactly 1.5 s (frame 45) */
	static const char *const text[] = {"Extraordinarily", "concentrated", "coffee", "brewed",
					   "overnight", "in", "the", "refrigerator", "tastes",
					   "wonderfully", "smooth."};
	ir_word words[11];
	for (int i = 0; i < 11; i++) {
		words[i].text = text[i];
		words[i].t0 = i < 2 ? 1.0 + 0.25 * i : 1.5 + 0.2 * (i - 2);
		words[i].t1 = words[i].t0 + 0.18;
	}
	for (size_t pi = 0; pi < sizeof presets / sizeof *presets; pi++)
		for (int si = 0; si < 3; si++) {
			ir_program *p = t_prog(presets[pi].w, presets[pi].h, 90);
			p->safe = presets[pi].safe;
			p->preset = presets[pi].name;
			int s = t_solid(p, t_rgb(40, 60, 90));
			int l = t_layer(p, s, 0, 0, p->width, p->height, IR_FIT_FILL);
			t_one_scene(p, l);
			surf_t *bare = t_render(p, NULL, 40);
			ir_node *c = ir_node_add(p, IR_CAPTIONS);
			c->u.captions.style = styles[si];
			c->u.captions.words = words;
			c->u.captions.nwords = 11;
			p->captions = c->id;
			char err[256];
			rt_graph *g;
			CHECK(graph_new(&g, p, err, sizeof err) == 0, "%s", err);
			surf_t *a44 = t_render(p, g, 44), *a45 = t_render(p, g, 45), *a60 = t_render(p, g, 60);
			surf_t *fresh45 = t_render(p, NULL, 45);
			if (!bare || !a44 || !a45 || !a60 || !fresh45)
				return 1;
			ir_rect sa = presets[pi].safe;
			for (int k = 0; k < 3; k++) {
				diffbox d = diff(bare, k == 0 ? a44 : k == 1 ? a45 : a60);
				CHECK(d.n > 1000, "%s %s: captions drew %d pixels", presets[pi].name, styles[si], d.n);
				CHECK(d.x0 >= sa.x && d.y0 >= sa.y && d.x1 < sa.x + sa.w && d.y1 < sa.y + sa.h,
				      "%s %s: captions at x %d..%d, y %d..%d leave the safe area %d,%d %dx%d",
				      presets[pi].name, styles[si], d.x0, d.x1, d.y0, d.y1, sa.x, sa.y, sa.w, sa.h);
				if (k == 1)
					printf("rt_captions: %-14s %-11s x %4d..%4d  y %4d..%4d  (safe x %d..%d, y %d..%d)\n",
					       presets[pi].name, styles[si], d.x0, d.x1, d.y0, d.y1, sa.x,
					       sa.x + sa.w - 1, sa.y, sa.y + sa.h - 1);
			}
			CHECK(!memcmp(a45->px, fresh45->px, sizeof(uint32_t) * (size_t)a45->stride * a45->h),
			      "%s %s: frame 45 after 44 differs from frame 45 alone", presets[pi].name, styles[si]);
			if (si == 2) {
				/* the highlight leaves word 2 for word 3 exactly at frame 45 (1.5 s) */
				diffbox d44 = diff(bare, a44), d45 = diff(bare, a45);
				CHECK(d44.ax >= 0 && d45.ax >= 0, "%s: no highlight (%.0f, %.0f)", presets[pi].name, d44.ax, d45.ax);
				CHECK(d45.ax > d44.ax + 50 || d45.ax < d44.ax - 50 ? 1 : 0,
				      "%s: the highlight did not move at the word boundary (%.0f -> %.0f)",
				      presets[pi].name, d44.ax, d45.ax);
				surf_t *a43 = t_render(p, g, 43);
				diffbox d43 = diff(bare, a43);
				CHECK(fabs(d43.ax - d44.ax) < 1, "%s: the highlight moved before the boundary", presets[pi].name);
				surf_free(a43);
			}
			graph_free(g);
			surf_free(bare);
			surf_free(a44);
			surf_free(a45);
			surf_free(a60);
			surf_free(fresh45);
			ir_program_free(p);
		}

	/* A word wider than the frame (German's compounds: libass breaks lines only at spaces) is
	 * drawn smaller, inside the safe area, in every style; the words around it keep their
	 * size (their cue is another). */
	static const char compound[] = "Donaudampfschifffahrtselektrizit\xc3\xa4ten"
				       "hauptbetriebswerkbauunterbeamtengesellschaft";
	static const char *const german[] = {"Die", compound, "tagte."};
	ir_word gw[3];
	for (int i = 0; i < 3; i++) {
		gw[i].text = german[i];
		gw[i].t0 = 1.0 + 0.8 * i;
		gw[i].t1 = gw[i].t0 + 0.7;
	}
	for (int si = 0; si < 3; si++) {
		ir_program *p = t_prog(1080, 1920, 90);
		p->safe = presets[3].safe;
		p->preset = "tiktok";
		int s = t_solid(p, t_rgb(40, 60, 90));
		t_one_scene(p, t_layer(p, s, 0, 0, p->width, p->height, IR_FIT_FILL));
		surf_t *bare = t_render(p, NULL, 60);
		ir_node *c = ir_node_add(p, IR_CAPTIONS);
		c->u.captions.style = styles[si];
		c->u.captions.words = gw;
		c->u.captions.nwords = 3;
		p->captions = c->id;
		surf_t *at = t_render(p, NULL, 60); /* 2.0 s: the long word is spoken */
		if (!bare || !at)
			return 1;
		diffbox d = diff(bare, at);
		ir_rect sa = presets[3].safe;
		CHECK(d.n > 1000, "long word, %s: captions drew %d pixels", styles[si], d.n);
		CHECK(d.x0 >= sa.x && d.x1 < sa.x + sa.w, "long word, %s: drawn at x %d..%d, the safe area is x %d..%d",
		      styles[si], d.x0, d.x1, sa.x, sa.x + sa.w - 1);
		surf_free(bare);
		surf_free(at);
		ir_program_free(p);
	}
	return check_done();
}
