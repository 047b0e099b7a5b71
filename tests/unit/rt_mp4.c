/*
 * rt_mp4.c - end to end: render a small program (Ken Burns photo, dissolve, solid overlay) to
 * MP4 with rt_render and verify the file with ffprobe: H.264 High yuv420p BT.709 limited range,
 * exact size, frame count and duration, AAC-LC 48 kHz stereo, moov before mdat (faststart); no
 * temp file left; a size budget that cannot fit fails before rendering; cancel leaves nothing.
 */
#include "rt_test.h"

#include <sys/stat.h>
#include <dirent.h>

#include "../../runtime/encode.h"

static void write_pattern(const char *path, int w, int h)
{
	surf_t *s = surf_new(w, h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned r = (unsigned)(x * 255 / w), g = (unsigned)(y * 255 / h),
				 b = ((x / 16 + y / 16) & 1) ? 200 : 40;
			s->px[(size_t)y * s->stride + x] = r | g << 8 | b << 16 | 0xff000000u;
		}
	t_write_png(s, path);
	surf_free(s);
}

static ir_program *build(const char *img_path, int64_t frames)
{
	ir_program *p = t_prog(360, 640, frames);
	int img = t_image(p, img_path, 4);
	int kb = t_layer(p, img, 0, 0, 360, 640, IR_FIT_COVER);
	p->nodes[kb].u.layer.kenburns = 1;
	p->nodes[kb].u.layer.zoom = t_ramp(p, 0, 1, 2, 1.3, IR_EASE_IN_OUT);
	int blue = t_solid(p, t_rgb(20, 40, 200));
	int lb = t_layer(p, blue, 0, 0, 0, 0, IR_FIT_FILL);
	int64_t half = frames / 2;
	int sa = t_scene(p, 0, half + 5, t_ids(p, 1, kb), 1);
	int sb = t_scene(p, half - 5, frames, t_ids(p, 1, lb), 1);
	ir_node *tr = ir_node_add(p, IR_TRANSITION);
	tr->f0 = half - 5;
	tr->f1 = half + 5;
	tr->u.transition.type = IR_TR_DISSOLVE;
	tr->u.transition.from = sa;
	tr->u.transition.to = sb;
	int trid = tr->id;
	t_timeline(p, t_ids(p, 2, sa, sb), 2, t_ids(p, 1, trid), 1);
	int white = t_solid(p, t_rgb(255, 255, 255));
	int ov = t_layer(p, white, 20, 20, 100, 10, IR_FIT_FILL);
	p->overlays = t_ids(p, 1, ov);
	p->noverlays = 1;
	p->max_bytes = 50 * 1000 * 1000;
	return p;
}

static int run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, len - 1, f);
	out[n] = 0;
	return pclose(f);
}

/* key=value lines of ffprobe's default output */
static int has(const char *txt, const char *kv)
{
	const char *s = txt;
	size_t n = strlen(kv);
	while ((s = strstr(s, kv))) {
		if ((s == txt || s[-1] == '\n') && (s[n] == '\n' || s[n] == 0))
			return 1;
		s++;
	}
	return 0;
}

static double num(const char *txt, const char *key)
{
	const char *s = strstr(txt, key);
	return s ? atof(s + strlen(key)) : -1;
}

/* Top-level MP4 box order: offset of the first box of the given type, -1 if none. */
static long box_offset(const char *path, const char *type)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	long off = 0, found = -1;
	unsigned char h[16];
	while (fread(h, 1, 8, f) == 8) {
		uint64_t size = (uint64_t)h[0] << 24 | h[1] << 16 | h[2] << 8 | h[3];
		if (!memcmp(h + 4, type, 4)) {
			found = off;
			break;
		}
		if (size == 1) {
			if (fread(h + 8, 1, 8, f) != 8)
				break;
			size = 0;
			for (int i = 8; i < 16; i++)
				size = size << 8 | h[i];
		} else if (size == 0) {
			break;
		}
		if (size < 8)
			break;
		off += (long)size;
		if (fseek(f, off, SEEK_SET))
			break;
	}
	fclose(f);
	return found;
}

static int leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".tmp-"))
			n++;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char img[256], out[256], cmd[1024], txt[8192], err[512];
	snprintf(img, sizeof img, "%s/pattern.png", check_tmpdir());
	snprintf(out, sizeof out, "%s/out.mp4", check_tmpdir());
	write_pattern(img, 800, 600);
	const int64_t frames = 75; /* 2.5 s at 30 fps */
	ir_program *p = build(img, frames);
	rt_render_opts o = {0};
	o.output = out;
	int rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc == 0, "rt_render: %s", err);
	if (rc == 0) {
		snprintf(cmd, sizeof cmd,
			 "ffprobe -v error -count_frames -show_entries "
			 "stream=codec_name,profile,pix_fmt,width,height,nb_read_frames,sample_rate,channels,"
			 "color_space,color_range,color_primaries,color_transfer,r_frame_rate:format=duration "
			 "-of default=noprint_wrappers=1 '%s'",
			 out);
		CHECK(run(cmd, txt, sizeof txt) == 0, "ffprobe failed");
		CHECK(has(txt, "codec_name=h264"), "h264:\n%s", txt);
		CHECK(has(txt, "profile=High"), "High profile");
		CHECK(has(txt, "pix_fmt=yuv420p"), "yuv420p");
		CHECK(has(txt, "width=360") && has(txt, "height=640"), "size");
		CHECK(has(txt, "nb_read_frames=75"), "75 frames");
		CHECK(has(txt, "r_frame_rate=30/1"), "30 fps");
		CHECK(has(txt, "color_space=bt709") && has(txt, "color_range=tv") &&
			      has(txt, "color_primaries=bt709") && has(txt, "color_transfer=bt709"),
		      "BT.709 limited range tags");
		CHECK(has(txt, "codec_name=aac") && has(txt, "sample_rate=48000") && has(txt, "channels=2"),
		      "AAC 48 kHz stereo");
		double d = num(txt, "duration=");
		CHECK(fabs(d - 2.5) < 0.05, "duration %.3f", d);
		snprintf(cmd, sizeof cmd,
			 "ffprobe -v error -select_streams a -show_entries stream=profile -of csv=p=0 '%s'", out);
		CHECK(run(cmd, txt, sizeof txt) == 0 && strstr(txt, "LC"), "AAC-LC: %s", txt);
		long moov = box_offset(out, "moov"), mdat = box_offset(out, "mdat");
		CHECK(moov >= 0 && mdat >= 0 && moov < mdat, "faststart: moov %ld before mdat %ld", moov, mdat);
		/* the first frame decodes to what was composed (limited-range round trip) */
		snprintf(cmd, sizeof cmd,
			 "ffmpeg -v error -i '%s' -frames:v 1 -vf crop=100:10:20:20,scale=1:1:flags=area "
			 "-f rawvideo -pix_fmt rgb24 -",
			 out);
		unsigned char rgb[3] = {0};
		FILE *f = popen(cmd, "r");
		size_t n = f ? fread(rgb, 1, 3, f) : 0;
		if (f)
			pclose(f);
		CHECK(n == 3 && rgb[0] > 240 && rgb[1] > 240 && rgb[2] > 240,
		      "white overlay decodes white (%u,%u,%u)", rgb[0], rgb[1], rgb[2]);
	}
	CHECK(leftovers(check_tmpdir()) == 0, "temp file left behind");

	/* A budget nothing can meet fails before rendering and leaves no file. */
	remove(out);
	p->max_bytes = 20000;
	rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc == VE_INVAL, "tiny budget must fail (rc %d)", rc);
	CHECK(strstr(err, "cannot fit"), "budget message: %s", err);
	struct stat st;
	CHECK(stat(out, &st) != 0, "no output after a budget failure");

	/* Cancel: nothing at the output path, no temp file. */
	p->max_bytes = 0;
	volatile int cancel = 1;
	o.cancel = &cancel;
	rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc == VE_CANCELED, "cancel (rc %d: %s)", rc, err);
	CHECK(stat(out, &st) != 0 && leftovers(check_tmpdir()) == 0, "cancel leaves no file");

	/* Partial render: frames [10, 40) */
	o.cancel = NULL;
	o.first_frame = 10;
	o.nframes = 30;
	rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc == 0, "partial render: %s", err);
	snprintf(cmd, sizeof cmd,
		 "ffprobe -v error -count_frames -select_streams v -show_entries stream=nb_read_frames "
		 "-of csv=p=0 '%s'",
		 out);
	CHECK(run(cmd, txt, sizeof txt) == 0 && atoi(txt) == 30, "partial render has 30 frames: %s", txt);

	ir_program_free(p);
	return check_done();
}
