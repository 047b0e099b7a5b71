/*
 * rt_bands.c - composition in horizontal bands (graph_render_bands, issue 17): every frame of a
 * spec composed band by band has exactly the bytes of the same frame composed whole
 * (graph_render), for bands of 32 rows and of 14 (which do not divide the height: the last band
 * is shorter). The spec has what the banded path draws (a Ken Burns photo, a rotated and
 * translucent picture at fractional positions, a multiply blend, a picture off the canvas's
 * edge, texts with and without a stroke, a translucent solid, a dissolve, an overlay) and what
 * it leaves to the whole canvas (a fade, a blurred layer): those frames must say so (0) and draw
 * nothing.
 */
#include "rt_test.h"

#include "../../compiler/compile.h"

/* the spec "lives" in examples/, so assets/ are examples/assets */
static const char spec[] =
	"video { preset youtube_long }\n"
	"scene a 1s {\n"
	"  solid #203040\n"
	"  image \"assets/beans.jpg\" { kenburns { zoom 1.2 -> 1.4; pan 0.45 0.45 -> 0.55 0.55 } }\n"
	"  image \"assets/grind.jpg\" { size 333.3px 251.7px; position 10.25% 47.5%; rotate 17; opacity 60% }\n"
	"  image \"assets/jar.jpg\" { size 400px 300px; position 98% 3%; blend multiply }\n"
	"  text \"Bands, in order\" { font_size 90px; color white; position 50% 80% }\n"
	"  transition dissolve 0.5s\n"
	"}\n"
	"scene b 1s {\n"
	"  image \"assets/pour.jpg\" { fit contain; size 800px 1000.5px; opacity 0.85 }\n"
	"  solid #ff0000 { size 300.5px 77.25px; position 20.5% 90.125%; opacity 40% }\n"
	"  text \"Second\" { font_size 120px; stroke 4px #000000; position 50% 50% }\n"
	"  transition fade 0.3s\n"
	"}\n"
	"scene c 1s {\n"
	"  image \"assets/beans.jpg\" { blur 3px }\n"
	"}\n"
	"overlay logo {\n"
	"  solid #ffffff { size 100.5px 40px; position 95% 95%; opacity 50% }\n"
	"}\n";

typedef struct {
	surf_t *canvas; /* the bands copied back into a whole canvas */
	int bands, rows;
	int bad; /* a band of the wrong size or place */
} collect;

static void copy_band(void *ud, const surf_t *band)
{
	collect *c = ud;
	if (band->oy != c->bands * c->rows || band->h > c->rows || band->h < 1 || band->oy + band->h > c->canvas->h ||
	    band->w != c->canvas->w || !band->opaque)
		c->bad = 1;
	for (int y = 0; !c->bad && y < band->h; y++)
		memcpy(c->canvas->px + (size_t)(band->oy + y) * c->canvas->stride, band->px + (size_t)y * band->stride,
		       sizeof(uint32_t) * (size_t)band->w);
	c->bands++;
}

static int same_px(const surf_t *a, const surf_t *b)
{
	for (int y = 0; y < a->h; y++)
		if (memcmp(a->px + (size_t)y * a->stride, b->px + (size_t)y * b->stride, sizeof(uint32_t) * (size_t)a->w))
			return 0;
	return 1;
}

/* Frame f in bands of `rows` rows against ref, the whole canvas; returns 1 (bands), 0 (left to
 * the whole canvas), -1 (error). */
static int compare(rt_graph *g, const ir_program *p, int64_t f, int rows, const surf_t *ref, surf_t *out)
{
	char err[512];
	surf_t *band = surf_new(p->width, rows);
	if (!band) {
		CHECK(0, "out of memory");
		return -1;
	}
	collect c = {out, 0, rows, 0};
	surf_fill(out, 0x12345678u); /* not a frame's pixel: a band left undrawn shows */
	int rc = graph_render_bands(g, f, band, rows, copy_band, &c, err, sizeof err);
	surf_free(band);
	CHECK(rc >= 0, "frame %lld: %s", (long long)f, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		CHECK(c.bands == 0, "frame %lld: left to the whole canvas after %d bands", (long long)f, c.bands);
		/* the whole canvas with the same graph, as render.c then does */
		CHECK(graph_render(g, f, out, err, sizeof err) == 0, "frame %lld whole: %s", (long long)f, err);
	} else {
		int want = (p->height + rows - 1) / rows;
		CHECK(c.bands == want && !c.bad, "frame %lld: %d bands of %d rows (want %d)%s", (long long)f, c.bands,
		      rows, want, c.bad ? ", one misplaced" : "");
	}
	CHECK(same_px(ref, out), "frame %lld in bands of %d rows differs from the whole canvas", (long long)f, rows);
	return rc;
}

static void test_frames(const ir_program *p)
{
	rt_graph *whole = t_graph(p, "whole"), *banded = t_graph(p, "banded");
	surf_t *ref = surf_new(p->width, p->height), *out = surf_new(p->width, p->height);
	if (!whole || !banded || !ref || !out) {
		CHECK(0, "set-up");
		goto done;
	}
	char err[512];
	int nbanded = 0, nwhole = 0;
	/* every third frame (16 to 30 is the dissolve, 36 to 44 the fade) */
	for (int64_t f = 0; f < p->frames; f += 3) {
		if (graph_render(whole, f, ref, err, sizeof err)) {
			CHECK(0, "frame %lld: %s", (long long)f, err);
			break;
		}
		int a = compare(banded, p, f, 32, ref, out), b = compare(banded, p, f, 14, ref, out);
		if (a < 0 || b < 0)
			break;
		CHECK(a == b, "frame %lld: in bands with 32 rows %d, with 14 rows %d", (long long)f, a, b);
		nbanded += a;
		nwhole += !a;
	}
	printf("rt_bands: %d frames in bands, %d whole, the same bytes\n", nbanded, nwhole);
	/* frames 0-35: scenes a and b, their dissolve, the overlay; 36-65: the fade and the blurred
	 * scene c */
	CHECK(nbanded == 12 && nwhole == 10, "%d frames in bands (want 12), %d whole (want 10)", nbanded, nwhole);
done:
	surf_free(ref);
	surf_free(out);
	graph_free(whole);
	graph_free(banded);
}

int main(void)
{
	compile_opts o = {.stdlib_dir = "stdlib", .check_assets = 0};
	diag_sink *d = diag_new();
	spec_t *s = compile_spec_text("examples/bands-test.vid", spec, strlen(spec), d, &o);
	ir_program *p = NULL;
	if (diag_errors(d)) {
		diag_print(d, stderr, 0);
		CHECK(0, "the spec does not compile");
	} else if (!(p = compile_lower(s, "youtube_long"))) {
		CHECK(0, "compile_lower");
	} else {
		test_frames(p);
	}
	ir_program_free(p);
	compile_free(s);
	diag_free(d);
	return check_done();
}
