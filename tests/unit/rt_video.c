/*
 * rt_video.c - video clips: which source frame every output frame shows (24 -> 30 fps, trim,
 * speed, loop, hold), frames rendered alone equal frames rendered in sequence (forward,
 * backward, jumps), rotation metadata, and damaged, empty, truncated and missing files give an
 * error naming the file and the spec line instead of a crash.
 *
 * Clips are made at test time with the ffmpeg CLI: frame k of a clip is a solid grey of luma
 * 16 + 4k (H.264, lossless, keyframes every 12 frames, B-frames on), so a pixel tells which
 * source frame the runtime picked.
 */
#include "rt_test.h"

#include <sys/stat.h>

#include "../../runtime/audio.h"
#include "../../runtime/source.h"

static char clip24[256], clip30[256], rot[256], bad[256], empty[256], trunc_[256], mkv[256];

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* A clip of n frames at fps whose frame k has luma 16 + 4k. */
static int make_clip(const char *out, int fps, int n, const char *extra)
{
	return sh("ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=%d,format=yuv420p' "
		  "-vf \"geq=lum='16+4*N':cb=128:cr=128\" -frames:v %d -c:v libx264 -qp 0 -g 12 "
		  "-bf 2 %s '%s'",
		  fps, n, extra, out);
}

static int setup(void)
{
	const char *d = check_tmpdir();
	snprintf(clip24, sizeof clip24, "%s/clip24.mp4", d);
	snprintf(clip30, sizeof clip30, "%s/clip30.mp4", d);
	snprintf(rot, sizeof rot, "%s/rotated.mp4", d);
	snprintf(bad, sizeof bad, "%s/clip-garbage.mp4", d);
	snprintf(empty, sizeof empty, "%s/clip-empty.mp4", d);
	snprintf(trunc_, sizeof trunc_, "%s/clip-cut.mp4", d);
	/* the rotated clip: black with a white top-left corner, tagged to be shown turned 90
	 * degrees counter-clockwise (what ffmpeg 5's "rotate=90" tag writes; players then show
	 * the corner at the bottom left) */
	if (make_clip(clip24, 24, 48, "") || make_clip(clip30, 30, 54, "-movflags +faststart") ||
	    sh("ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=24' -vf "
	       "'drawbox=x=0:y=0:w=16:h=12:color=white:t=fill' -frames:v 12 -c:v libx264 -qp 0 "
	       "'%s.tmp.mp4' && ffmpeg -v error -y -i '%s.tmp.mp4' -c copy -metadata:s:v:0 rotate=90 '%s'",
	       rot, rot, rot))
		return -1;
	/* random bytes behind an .mp4 name; an empty file; the first 60 % of a faststart file */
	FILE *f = fopen(bad, "wb");
	if (!f)
		return -1;
	unsigned x = 7;
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		fputc((int)(x >> 16) & 255, f);
	}
	fclose(f);
	if (!(f = fopen(empty, "wb")))
		return -1;
	fclose(f);
	struct stat sb;
	if (stat(clip30, &sb))
		return -1;
	if (sh("head -c %lld '%s' > '%s'", (long long)sb.st_size * 6 / 10, clip30, trunc_))
		return -1;
	/* a Matroska file cut in half: it declares 4 s, its pictures stop at about 2 s */
	snprintf(mkv, sizeof mkv, "%s/clip-cut.mkv", d);
	if (make_clip(mkv, 24, 96, "") || stat(mkv, &sb))
		return -1;
	return sh("head -c %lld '%s' > '%s.tmp' && mv '%s.tmp' '%s'", (long long)sb.st_size / 2, mkv, mkv, mkv, mkv);
}

typedef struct {
	double trim_in, trim_out, speed;
	int loop;
} clip_opts;

/* A 64x48 program at 30 fps showing path full-canvas for frames [0, frames). */
static ir_program *prog(const char *path, clip_opts o, int64_t frames, int line)
{
	ir_program *p = t_prog(64, 48, frames);
	ir_node *n = ir_node_add(p, IR_VIDEO);
	n->u.video.path = arena_strdup(p->arena, path);
	n->u.video.src = strrchr(n->u.video.path, '/') + 1;
	n->u.video.trim_in = o.trim_in;
	n->u.video.trim_out = o.trim_out;
	n->u.video.speed = o.speed > 0 ? o.speed : 1;
	n->u.video.loop = o.loop;
	n->u.video.audio = -1;
	n->u.video.mute = 1;
	n->file = "test.vid";
	n->line = line;
	n->col = 3;
	n->f0 = 0;
	n->f1 = frames;
	int l = t_layer(p, n->id, 0, 0, 64, 48, IR_FIT_FILL);
	t_one_scene(p, l);
	return p;
}

/* The source frame index a rendered canvas shows (from its grey level), -1 if not grey. */
static int frame_of(const surf_t *s)
{
	uint32_t px = t_px(s, 32, 24);
	int r = px & 255, g = px >> 8 & 255, b = px >> 16 & 255;
	if (abs(r - g) > 3 || abs(g - b) > 3)
		return -1;
	/* full-range grey back to luma steps of 4 above 16 */
	return (int)lrint(g * 219.0 / 255.0 / 4.0);
}

static int shown(const ir_program *p, rt_graph *g, int64_t f)
{
	surf_t *s = t_render(p, g, f);
	if (!s)
		return -2;
	int k = frame_of(s);
	surf_free(s);
	return k;
}

/* Every frame in [0, n) rendered in sequence with one graph shows want(f). */
static void expect_sequence(const char *what, const ir_program *p, int64_t n, int (*want)(int64_t))
{
	rt_graph *g = t_graph(p, what);
	if (!g)
		return;
	int bad_frames = 0;
	for (int64_t f = 0; f < n; f++) {
		int k = shown(p, g, f), w = want(f);
		if (k != w && bad_frames++ < 5)
			CHECK(0, "%s: output frame %lld shows source frame %d, expected %d", what, (long long)f, k, w);
	}
	graph_free(g);
}

static int want_24to30(int64_t f) { return (int)floor(f * 24.0 / 30.0 + 1e-9); }
static int want_30(int64_t f) { return (int)f; }
static int want_trim(int64_t f) { return (int)floor((0.5 + f / 30.0) * 24 + 1e-9); }
static int want_speed2(int64_t f) { return (int)floor(f / 30.0 * 2 * 24 + 1e-9); }
static int want_loop(int64_t f) { return want_24to30(f) % 48; }
static int want_hold(int64_t f) { return f >= 60 ? 47 : want_24to30(f); }
/* trim 0.5 .. 1.0 looped: source frames 12..23 again and again */
static int want_trim_loop(int64_t f) { return 12 + (int)floor(fmod(f / 30.0, 0.5) * 24 + 1e-9); }
/* trim 0.5 .. 1.0 held: 12..23, then 23 */
static int want_trim_hold(int64_t f) { return f >= 15 ? 23 : 12 + (int)floor(f / 30.0 * 24 + 1e-9); }
static int want_slow(int64_t f) { return (int)floor(f / 30.0 * 0.25 * 30 + 1e-9); }

/* Each case: a clip with its options over `frames` output frames, and the source frame every
 * output frame must show. */
static const struct {
	const char *what;
	int fps30; /* clip30 rather than clip24 */
	clip_opts o;
	int64_t frames;
	int (*want)(int64_t);
} mapping_cases[] = {
	{"24 -> 30 fps", 0, {0, -1, 1, 0}, 60, want_24to30},
	{"30 -> 30 fps", 1, {0, -1, 1, 0}, 54, want_30},
	{"trim 0.5s", 0, {0.5, -1, 1, 0}, 30, want_trim},
	{"speed 2", 0, {0, -1, 2, 0}, 30, want_speed2},
	{"speed 0.25", 1, {0, -1, 0.25, 0}, 120, want_slow},
	{"loop", 0, {0, -1, 1, 1}, 150, want_loop},
	{"hold", 0, {0, -1, 1, 0}, 90, want_hold},
	{"trim 0.5..1 loop", 0, {0.5, 1.0, 1, 1}, 60, want_trim_loop},
	{"trim 0.5..1 hold", 0, {0.5, 1.0, 1, 0}, 40, want_trim_hold},
};

static void test_mapping(void)
{
	for (size_t i = 0; i < sizeof mapping_cases / sizeof mapping_cases[0]; i++) {
		ir_program *p = prog(mapping_cases[i].fps30 ? clip30 : clip24, mapping_cases[i].o,
				     mapping_cases[i].frames, 3);
		expect_sequence(mapping_cases[i].what, p, mapping_cases[i].frames, mapping_cases[i].want);
		ir_program_free(p);
	}
}

/* Frames rendered alone, backwards, or with jumps equal the same frames rendered in order. */
static void test_random_access(void)
{
	ir_program *p = prog(clip24, (clip_opts){0.25, -1, 1.5, 1}, 300, 3);
	char err[512];
	rt_graph *g = t_graph(p, "random access");
	if (!g) {
		ir_program_free(p);
		return;
	}
	enum { N = 300 };
	static uint32_t seq[N];
	for (int f = 0; f < N; f++) {
		surf_t *s = t_render(p, g, f);
		seq[f] = s ? t_px(s, 32, 24) : 1;
		surf_free(s);
	}
	graph_free(g);
	/* alone: a fresh graph per frame */
	static const int lone[] = {0, 1, 37, 299, 150, 151, 8, 250};
	for (size_t i = 0; i < sizeof lone / sizeof lone[0]; i++) {
		surf_t *s = t_render(p, NULL, lone[i]);
		CHECK(s && t_px(s, 32, 24) == seq[lone[i]], "frame %d alone " PXFMT " in sequence " PXFMT,
		      lone[i], PXARG(s ? t_px(s, 32, 24) : 0), PXARG(seq[lone[i]]));
		surf_free(s);
	}
	/* one graph, backwards and jumping */
	if (!graph_new(&g, p, err, sizeof err)) {
		int bad_frames = 0;
		for (int f = N - 1; f >= 0; f -= 7) {
			surf_t *s = t_render(p, g, f);
			if ((!s || t_px(s, 32, 24) != seq[f]) && bad_frames++ < 3)
				CHECK(0, "frame %d backwards differs", f);
			surf_free(s);
		}
		for (int i = 0; i < 40; i++) {
			int f = (i * 97) % N;
			surf_t *s = t_render(p, g, f);
			if ((!s || t_px(s, 32, 24) != seq[f]) && bad_frames++ < 6)
				CHECK(0, "frame %d after a jump differs", f);
			surf_free(s);
		}
		graph_free(g);
	}
	ir_program_free(p);
}

static void test_picture(void)
{
	/* a rotated clip: natural size is upright (48 x 64), the surface is opaque */
	ir_program *p = prog(rot, (clip_opts){0, -1, 1, 0}, 10, 3);
	char err[512];
	rt_graph *g;
	if (!graph_new(&g, p, err, sizeof err)) {
		void *st = NULL;
		ir_node *n = &p->nodes[0];
		int rc = video_source.prepare(&(src_ctx){p, NULL, NULL, NULL, NULL}, n, &st, err, sizeof err);
		CHECK(rc == 0, "rotated clip: %s", err);
		if (!rc) {
			src_view v;
			rc = video_source.frame(&(src_ctx){p, NULL, NULL, NULL, NULL}, n, st, 3, &v, err, sizeof err);
			CHECK(rc == 0, "rotated frame: %s", err);
			if (!rc) {
				CHECK(v.nat_w == 48 && v.nat_h == 64, "rotated natural size %gx%g", v.nat_w, v.nat_h);
				CHECK(v.surf->w == 48 && v.surf->h == 64, "surface %dx%d", v.surf->w, v.surf->h);
				CHECK(t_px(v.surf, 10, 10) >> 24 == 255, "alpha %u", t_px(v.surf, 10, 10) >> 24);
				uint32_t bl = t_px(v.surf, 4, 60), tl = t_px(v.surf, 4, 4), tr = t_px(v.surf, 44, 4);
				CHECK(t_near(bl, 255, 255, 255, 8) && t_near(tl, 0, 0, 0, 8) && t_near(tr, 0, 0, 0, 8),
				      "the corner is not at the bottom left: " PXFMT " " PXFMT " " PXFMT, PXARG(bl),
				      PXARG(tl), PXARG(tr));
			}
			video_source.release(st);
		}
		graph_free(g);
	}
	ir_program_free(p);

	/* non-square pixels: 32x48 stored at a sample aspect ratio of 2:1 is 64x48 on screen */
	char wide[300];
	snprintf(wide, sizeof wide, "%s/anamorphic.mp4", check_tmpdir());
	if (!sh("ffmpeg -v error -y -f lavfi -i color=c=gray:s=32x48:r=24 -vf setsar=2 -frames:v 3 "
		"-c:v libx264 '%s'", wide)) {
		p = prog(wide, (clip_opts){0, -1, 1, 0}, 10, 3);
		if (!graph_new(&g, p, err, sizeof err)) {
			void *st = NULL;
			src_view v;
			if (!video_source.prepare(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], &st, err, sizeof err) &&
			    !video_source.frame(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], st, 0, &v, err, sizeof err))
				CHECK(v.nat_w == 64 && v.nat_h == 48, "anamorphic natural size %gx%g", v.nat_w, v.nat_h);
			else
				CHECK(0, "anamorphic: %s", err);
			if (st)
				video_source.release(st);
			graph_free(g);
		}
		ir_program_free(p);
	}

	/* drawn at a quarter of its size, the clip is converted once at (a little over) that size */
	p = prog(clip24, (clip_opts){0, -1, 1, 0}, 10, 3);
	p->nodes[1].u.layer.w = ir_curve_const(p, 16);
	p->nodes[1].u.layer.h = ir_curve_const(p, 12);
	if (!graph_new(&g, p, err, sizeof err)) {
		void *st = NULL;
		if (!video_source.prepare(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], &st, err, sizeof err)) {
			src_view v;
			if (!video_source.frame(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], st, 0, &v, err, sizeof err))
				CHECK(v.surf->w <= 20 && v.surf->w >= 16 && v.nat_w == 64, "surface %dx%d for a 16x12 box",
				      v.surf->w, v.surf->h);
			video_source.release(st);
		} else {
			CHECK(0, "prepare: %s", err);
		}
		graph_free(g);
	}
	ir_program_free(p);
}

/* The first picture of path as the video source hands it out (premultiplied RGBA). */
static uint32_t first_px(const char *path, int x, int y)
{
	ir_program *p = prog(path, (clip_opts){0, -1, 1, 0}, 10, 3);
	char err[512];
	rt_graph *g;
	uint32_t px = 0xdeadbeef;
	if (!graph_new(&g, p, err, sizeof err)) {
		void *st = NULL;
		src_view v;
		if (!video_source.prepare(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], &st, err, sizeof err) &&
		    !video_source.frame(&(src_ctx){p, NULL, NULL, NULL, NULL}, &p->nodes[0], st, 0, &v, err, sizeof err))
			px = t_px(v.surf, x, y);
		else
			CHECK(0, "%s: %s", path, err);
		if (st)
			video_source.release(st);
		graph_free(g);
	}
	ir_program_free(p);
	return px;
}

/* Colours survive: BT.709 and BT.601 clips (as tagged), and a clip with alpha. */
static void test_colours(void)
{
	const char *d = check_tmpdir();
	char c709[300], c601[300], calpha[300];
	snprintf(c709, sizeof c709, "%s/c709.mp4", d);
	snprintf(c601, sizeof c601, "%s/c601.mp4", d);
	snprintf(calpha, sizeof calpha, "%s/alpha.mov", d);
	if (sh("ffmpeg -v error -y -f lavfi -i color=c=0x3366cc:s=64x48:r=24,format=rgb24 -frames:v 3 -vf "
	       "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p -colorspace bt709 "
	       "-color_primaries bt709 -color_trc bt709 -c:v libx264 -qp 0 '%s'", c709) ||
	    sh("ffmpeg -v error -y -f lavfi -i color=c=0x3366cc:s=64x48:r=24,format=rgb24 -frames:v 3 -vf "
	       "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p -colorspace smpte170m "
	       "-c:v libx264 -qp 0 '%s'", c601) ||
	    sh("ffmpeg -v error -y -f lavfi -i color=c=red:s=64x48:r=24 -frames:v 3 -vf "
	       "format=rgba,colorchannelmixer=aa=0.5 "
	       "-c:v png '%s'", calpha))
		return;
	uint32_t a = first_px(c709, 32, 24), b = first_px(c601, 32, 24), c = first_px(calpha, 32, 24);
	CHECK(t_near(a, 0x33, 0x66, 0xcc, 3), "BT.709 clip " PXFMT ", expected (51,102,204)", PXARG(a));
	CHECK(t_near(b, 0x33, 0x66, 0xcc, 3), "BT.601 clip " PXFMT ", expected (51,102,204)", PXARG(b));
	/* half-transparent red, premultiplied */
	CHECK(t_near(c, 128, 0, 0, 2) && abs((int)(c >> 24) - 128) <= 2, "alpha clip " PXFMT " alpha %u",
	      PXARG(c), c >> 24);
}

static void expect_error(const char *path, const char *what, clip_opts o, int64_t at)
{
	ir_program *p = prog(path, o, 120, 17);
	char err[512] = "";
	rt_graph *g;
	int rc = graph_new(&g, p, err, sizeof err);
	if (!rc) {
		surf_t *s = surf_new(64, 48);
		rc = graph_render(g, 0, s, err, sizeof err);
		if (!rc && at > 0)
			for (int64_t f = 1; f <= at && !rc; f++)
				rc = graph_render(g, f, s, err, sizeof err);
		surf_free(s);
		graph_free(g);
	}
	const char *name = strrchr(path, '/') + 1;
	printf("rt_video: %s -> %s\n", what, err);
	CHECK(rc < 0, "%s: no error", what);
	CHECK(strstr(err, name) != NULL, "%s: message does not name the file: %s", what, err);
	CHECK(strstr(err, "test.vid:17:3") != NULL, "%s: message does not name the spec line: %s", what, err);
	ir_program_free(p);
}

/* Bytes overwritten in the middle of the pictures: every frame renders (damage concealed or
 * dropped) or the render stops with an error naming the file; it never crashes. */
static void test_damage(void)
{
	char path[300];
	snprintf(path, sizeof path, "%s/clip-damaged.mp4", check_tmpdir());
	struct stat sb;
	if (sh("cp '%s' '%s'", clip24, path) || stat(path, &sb))
		return;
	FILE *f = fopen(path, "r+b");
	if (!f)
		return;
	unsigned x = 99;
	for (long off = sb.st_size / 3; off < sb.st_size * 2 / 3; off += 997) {
		fseek(f, off, SEEK_SET);
		for (int i = 0; i < 64; i++) {
			x = x * 1103515245u + 12345u;
			fputc((int)(x >> 16) & 255, f);
		}
	}
	fclose(f);
	ir_program *p = prog(path, (clip_opts){0, -1, 1, 1}, 90, 17);
	char err[512] = "";
	rt_graph *g;
	int rc = graph_new(&g, p, err, sizeof err);
	if (!rc) {
		surf_t *s = surf_new(64, 48);
		for (int64_t fr = 0; fr < 90 && !rc; fr++)
			rc = graph_render(g, fr, s, err, sizeof err);
		surf_free(s);
		graph_free(g);
	}
	printf("rt_video: damaged middle -> %s\n", rc ? err : "rendered (damage concealed)");
	CHECK(rc == 0 || (strstr(err, "clip-damaged.mp4") && strstr(err, "test.vid:17:3")), "%s", err);
	ir_program_free(p);
}

static void test_errors(void)
{
	clip_opts o = {0, -1, 1, 0};
	expect_error(bad, "random bytes", o, 0);
	expect_error(empty, "empty file", o, 0);
	expect_error(trunc_, "truncated file", o, 59);
	expect_error(mkv, "truncated Matroska file", o, 100);
	char missing[300];
	snprintf(missing, sizeof missing, "%s/no-such-clip.mp4", check_tmpdir());
	expect_error(missing, "missing file", o, 0);
	expect_error(clip24, "trim past the end", (clip_opts){5, -1, 1, 0}, 0);
}

/* Sequential decoding: 150 frames of a 150-frame clip (a keyframe every 60) decode each picture
 * once, with no seek after the open. Counted, not timed: a regression to seeking before every
 * frame decodes up to 60 pictures per frame, and a timed bound would fail on a busy machine
 * instead. */
static void test_sequential(void)
{
	char path[300];
	snprintf(path, sizeof path, "%s/seq.mp4", check_tmpdir());
	if (sh("ffmpeg -v error -y -f lavfi -i testsrc2=s=320x180:r=30 -frames:v 150 -c:v libx264 "
	       "-preset ultrafast -g 60 -pix_fmt yuv420p '%s'", path))
		return;
	ir_program *p = t_prog(320, 180, 150);
	ir_node *n = ir_node_add(p, IR_VIDEO);
	n->u.video.path = n->u.video.src = arena_strdup(p->arena, path);
	n->u.video.trim_out = -1;
	n->u.video.speed = 1;
	n->u.video.audio = -1;
	n->f1 = 150;
	int l = t_layer(p, n->id, 0, 0, 320, 180, IR_FIT_FILL);
	t_one_scene(p, l);
	char err[512];
	rt_graph *g = t_graph(p, "sequential decoding");
	if (!g) {
		ir_program_free(p);
		return;
	}
	surf_t *s = surf_new(320, 180);
	int rc = 0;
	for (int f = 0; f < 150 && !rc; f++)
		rc = graph_render(g, f, s, err, sizeof err);
	CHECK(rc == 0, "render: %s", err);
	long long decoded, seeks;
	graph_work(g, &decoded, &seeks);
	printf("rt_video: 150 frames composed from %lld decoded pictures, %lld seeks\n", decoded, seeks);
	CHECK(decoded == 150 && seeks == 0, "sequential decoding: %lld pictures decoded, %lld seeks for 150 frames",
	      decoded, seeks);
	/* and a backward jump seeks once, to the keyframe before it: decodes at most a GOP */
	rc = graph_render(g, 100, s, err, sizeof err);
	long long d2, s2;
	graph_work(g, &d2, &s2);
	CHECK(rc == 0 && s2 == 1 && d2 - decoded >= 1 && d2 - decoded <= 61,
	      "frame 100 after 149: %lld seeks, %lld pictures decoded", s2, d2 - decoded);
	surf_free(s);
	graph_free(g);
	ir_program_free(p);
}

/* Pictures decoded for 10 frames of a scene of n full-frame clips of clip30 stacked; *shown:
 * the source frame the last frame shows (-1 on error). */
static long long stacked_decodes(int n, int *shown)
{
	ir_program *p = t_prog(64, 48, 10);
	int ids[2];
	*shown = -1;
	for (int i = 0; i < n; i++) {
		ir_node *v = ir_node_add(p, IR_VIDEO);
		v->u.video.path = v->u.video.src = arena_strdup(p->arena, clip30);
		v->u.video.trim_out = -1;
		v->u.video.speed = 1;
		v->u.video.audio = -1;
		v->f1 = 10;
		ids[i] = t_layer(p, v->id, 0, 0, 64, 48, IR_FIT_FILL);
	}
	int sc = t_scene(p, 0, p->frames, n == 1 ? t_ids(p, 1, ids[0]) : t_ids(p, 2, ids[0], ids[1]), n);
	t_timeline(p, t_ids(p, 1, sc), 1, NULL, 0);
	char err[512];
	long long decoded = -1, seeks;
	rt_graph *g = t_graph(p, "stacked clips");
	surf_t *s = surf_new(64, 48);
	int rc = !g || !s;
	for (int f = 0; f < 10 && !rc; f++)
		rc = graph_render(g, f, s, err, sizeof err);
	CHECK(rc == 0, "%d stacked clips: %s", n, g && s ? err : "no graph");
	if (!rc) {
		graph_work(g, &decoded, &seeks);
		*shown = frame_of(s);
	}
	surf_free(s);
	graph_free(g);
	ir_program_free(p);
	return decoded;
}

/* A full-frame clip hides what is under it: its picture is opaque (surf_t.opaque), so the scene
 * starts at it, skipping the background fill and a full-frame clip under it, which is never
 * decoded (graph.c's layer_covers). Counted with graph_work: two stacked clips decode what one
 * alone does (before clips marked their pictures opaque: twice as many). */
static void test_covering(void)
{
	int one_shown, two_shown;
	long long one = stacked_decodes(1, &one_shown), two = stacked_decodes(2, &two_shown);
	CHECK(one > 0 && two == one, "a clip under a full-frame clip: %lld pictures decoded, %lld for the clip alone",
	      two, one);
	CHECK(one_shown == 9 && two_shown == 9, "the last frame shows source frame %d (alone %d), not 9", two_shown,
	      one_shown);
}

/* The sound of a clip (an IR_AUDIO node of role "clip", as the compiler lowers it) plays; a
 * clip without a sound track is silent rather than an error. */
typedef struct {
	double rms[4];  /* per quarter second of the first second */
	int crossings; /* zero crossings of the left channel in the first 0.2 s */
} sound_t;

/* The mix of a clip's sound for its first second; the clip's video node (speed, trim end)
 * refers to it when speed > 0. */
static sound_t clip_sound(const char *path, double speed, double trim_out, char *err, size_t errlen, int *rc)
{
	ir_program *p = t_prog(64, 48, 30);
	ir_node *a = ir_node_add(p, IR_AUDIO);
	a->u.audio.path = a->u.audio.src = arena_strdup(p->arena, path);
	a->u.audio.role = "clip";
	a->u.audio.gain = ir_curve_const(p, 1);
	a->u.audio.duck = 1;
	a->file = "test.vid";
	a->line = 9;
	a->f1 = 30;
	ir_node *m = ir_node_add(p, IR_MIX);
	m->u.mix.inputs = t_ids(p, 1, a->id);
	m->u.mix.ninputs = 1;
	m->u.mix.loudness = -14;
	m->u.mix.true_peak = -1;
	p->mix = m->id;
	if (speed > 0) {
		int aid = a->id;
		ir_node *v = ir_node_add(p, IR_VIDEO);
		v->u.video.path = v->u.video.src = p->nodes[aid].u.audio.path;
		v->u.video.speed = speed;
		v->u.video.trim_out = trim_out;
		v->u.video.audio = aid;
		v->f1 = 30;
	}
	aud_mix_t *mix;
	sound_t o = {{-1, -1, -1, -1}, 0};
	*rc = aud_open(&mix, p, 0, NULL, err, errlen);
	if (!*rc) {
		static float lr[2 * 48000];
		aud_read(mix, lr, 48000);
		for (int q = 0; q < 4; q++) {
			double e = 0;
			for (int i = q * 24000; i < (q + 1) * 24000; i++)
				e += (double)lr[i] * lr[i];
			o.rms[q] = sqrt(e / 24000);
		}
		for (int i = 1; i < 9600; i++)
			o.crossings += (lr[2 * i - 2] < 0) != (lr[2 * i] < 0);
		aud_free(mix);
	}
	ir_program_free(p);
	return o;
}

static void test_sound(void)
{
	char loud[300], err[512] = "";
	snprintf(loud, sizeof loud, "%s/sound.mp4", check_tmpdir());
	if (sh("ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=24' -f lavfi -i "
	       "sine=frequency=440:sample_rate=48000 -t 1 -c:v libx264 -c:a aac -shortest '%s'", loud))
		return;
	int rc;
	sound_t o = clip_sound(loud, 0, -1, err, sizeof err, &rc);
	CHECK(rc == 0 && o.rms[0] > 0.01 && o.rms[3] > 0.01, "clip with sound: rc %d rms %g %g %s", rc,
	      o.rms[0], o.rms[3], err);
	/* 440 Hz: about 176 zero crossings in 0.2 s */
	CHECK(abs(o.crossings - 176) < 10, "clip at speed 1: %d crossings in 0.2s", o.crossings);
	o = clip_sound(clip24, 0, -1, err, sizeof err, &rc);
	CHECK(rc == 0 && o.rms[0] == 0, "clip without sound: rc %d rms %g %s", rc, o.rms[0], err);
	/* speed 2: the 1 s of sound lasts 0.5 s, an octave up */
	o = clip_sound(loud, 2, -1, err, sizeof err, &rc);
	CHECK(rc == 0 && o.rms[0] > 0.01 && o.rms[2] < 0.02 && o.rms[3] < 1e-4,
	      "clip at speed 2: rc %d rms %g %g %g %s", rc, o.rms[0], o.rms[2], o.rms[3], err);
	CHECK(abs(o.crossings - 352) < 16, "clip at speed 2: %d crossings in 0.2s", o.crossings);
	/* a clip cut after its header: the sound is read first, but the message is about the video
	 * (issue 10: it said "cannot decode audio") */
	char cut[300];
	snprintf(cut, sizeof cut, "%s/sound-cut.mp4", check_tmpdir());
	if (!sh("ffmpeg -v error -y -f lavfi -i 'color=black:s=64x48:r=24' -f lavfi -i sine=frequency=440 -t 2 "
		"-c:v libx264 -c:a aac -movflags +faststart -f mp4 '%s.full' && head -c 3000 '%s.full' > '%s'",
		cut, cut, cut)) {
		clip_sound(cut, 1, -1, err, sizeof err, &rc);
		printf("rt_video: cut clip with sound -> %s\n", err);
		CHECK(rc < 0 && strstr(err, "cannot decode video '") && strstr(err, "sound-cut.mp4") && strstr(err, "truncated") &&
			      !strstr(err, "decode audio"),
		      "a cut clip's sound: %s", err);
	}
	/* trim end 0.25 s: the sound stops there with the picture */
	o = clip_sound(loud, 1, 0.25, err, sizeof err, &rc);
	CHECK(rc == 0 && o.rms[0] > 0.01 && o.rms[1] < 0.02 && o.rms[3] < 1e-4,
	      "clip trimmed at 0.25s: rc %d rms %g %g %s", rc, o.rms[0], o.rms[1], err);
}

int main(void)
{
	if (setup()) {
		fprintf(stderr, "rt_video: cannot make the test clips (is ffmpeg installed?)\n");
			return 1;
	}
	test_mapping();
	test_random_access();
	test_picture();
	test_colours();
	test_errors();
	test_damage();
	test_sound();
	test_sequential();
	test_covering();
	return check_done();
}
