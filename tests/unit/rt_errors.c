/*
 * rt_errors.c - bad inputs fail cleanly: a missing, zero-size, corrupt or truncated image, and
 * a Lua hook, each give a negative code and a message "file:line:col: error: ... 'asset': cause"
 * through both rt_frame_png and rt_render, never a crash and never a file left behind.
 */
#include "rt_test.h"

#include <errno.h>
#include <sys/stat.h>

#include "../../runtime/golden.h"

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static ir_program *with_image(const char *path, const char *src)
{
	ir_program *p = t_prog(64, 64, 10);
	int img = t_image(p, path, 12);
	p->nodes[img].u.image.src = src;
	int l = t_layer(p, img, 0, 0, 64, 64, IR_FIT_COVER);
	t_one_scene(p, l);
	return p;
}

static void expect_fail(ir_program *p, const char *what, const char *needle)
{
	char err[512], png[256], mp4[256];
	snprintf(png, sizeof png, "%s/x.png", check_tmpdir());
	snprintf(mp4, sizeof mp4, "%s/x.mp4", check_tmpdir());
	int rc = rt_frame_png(p, 2, png, err, sizeof err);
	printf("rt_errors: %-10s -> %s\n", what, err);
	CHECK(rc < 0, "%s: rt_frame_png must fail", what);
	CHECK(strstr(err, "test.vid:12:3: error:") != NULL, "%s: position in '%s'", what, err);
	CHECK(strstr(err, needle) != NULL, "%s: '%s' not in '%s'", what, needle, err);
	rt_render_opts o = {0};
	o.output = mp4;
	rc = rt_render(p, &o, err, sizeof err);
	CHECK(rc < 0 && strstr(err, needle), "%s: rt_render must fail naming it: %s", what, err);
	struct stat st;
	CHECK(stat(mp4, &st) != 0, "%s: no output left", what);
}

int main(void)
{
	char path[256], good[256];
	const char *dir = check_tmpdir();
	/* a real JPEG, then damaged copies of it */
	snprintf(good, sizeof good, "%s/good.jpg", dir);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "ffmpeg -v error -y -f lavfi -i testsrc2=s=320x240 -frames:v 1 '%s'", good);
	if (system(cmd) != 0) {
		fprintf(stderr, "ffmpeg failed\n");
		return 2;
	}
	FILE *f = fopen(good, "rb");
	static unsigned char buf[1 << 20];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);

	ir_program *p = with_image("/nonexistent/a.jpg", "assets/a.jpg");
	expect_fail(p, "missing", "cannot decode image 'assets/a.jpg': No such file");
	ir_program_free(p);

	snprintf(path, sizeof path, "%s/zero.jpg", dir);
	write_file(path, "", 0);
	p = with_image(path, "zero.jpg");
	expect_fail(p, "zero-size", "'zero.jpg'");
	ir_program_free(p);

	snprintf(path, sizeof path, "%s/garbage.jpg", dir);
	write_file(path, "this is not a picture at all, just some text\n", 45);
	p = with_image(path, "garbage.jpg");
	expect_fail(p, "garbage", "'garbage.jpg'");
	ir_program_free(p);

	snprintf(path, sizeof path, "%s/trunc.jpg", dir);
	write_file(path, buf, n / 3);
	p = with_image(path, "trunc.jpg");
	expect_fail(p, "truncated", "'trunc.jpg'");
	ir_program_free(p);

	/* a JPEG header followed by noise */
	for (size_t i = 600; i < n; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	snprintf(path, sizeof path, "%s/noise.jpg", dir);
	write_file(path, buf, n);
	p = with_image(path, "noise.jpg");
	expect_fail(p, "corrupt", "'noise.jpg'");
	ir_program_free(p);

	/* a device is not a picture: said so, before anything is read from it (issue 10) */
	p = with_image("/dev/zero", "/dev/zero");
	expect_fail(p, "device", "cannot decode image '/dev/zero': not a regular file (it is a device)");
	ir_program_free(p);

	/* a URL never reaches libav's network protocols (a spec's names are resolved to local paths
	 * by the compiler, so this IR can only come from elsewhere; nothing listens on port 9) */
	p = with_image("tcp://127.0.0.1:9/x.png", "tcp://127.0.0.1:9/x.png");
	expect_fail(p, "url", "it is a URL; media is read from local files only");
	ir_program_free(p);

	/* a header claiming 16000x16000 is refused before decoding, with the numbers */
	static const unsigned char big[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x3e\x80\0\0\x3e\x80\x08\x06";
	snprintf(path, sizeof path, "%s/big.png", dir);
	write_file(path, big, sizeof big - 1);
	p = with_image(path, "big.png");
	expect_fail(p, "16000x16000", "'big.png': the picture is 16000x16000 pixels");
	ir_program_free(p);

	/* A Lua hook whose file is missing: an error naming the file and the spec line */
	p = t_prog(64, 64, 10);
	ir_node *h = ir_node_add(p, IR_HOOK);
	h->u.hook.name = "sparkle";
	h->u.hook.path = "hooks/sparkle.lua";
	h->file = "test.vid";
	h->line = 12;
	h->col = 3;
	int hid = h->id;
	int l = t_layer(p, hid, 0, 0, 64, 64, IR_FIT_FILL);
	t_one_scene(p, l);
	expect_fail(p, "lua hook", "test.vid:12:3: error: cannot read hook file 'hooks/sparkle.lua'");
	ir_program_free(p);

	/* golden_write names the cause (it said only "cannot write the PNG") and leaves no file */
	uint8_t px[4 * 4 * 4] = {0};
	golden_image dot = {4, 4, px};
	char err[512];
	snprintf(path, sizeof path, "%s/no-such-folder/dot.png", dir);
	CHECK(golden_write(path, &dot, err, sizeof err) < 0, "golden_write into a missing folder must fail");
	printf("rt_errors: golden_write -> %s\n", err);
	CHECK(strstr(err, "no-such-folder") && strstr(err, strerror(ENOENT)), "no cause in '%s'", err);
	snprintf(path, sizeof path, "%s/dir.png", dir);
	CHECK(mkdir(path, 0700) == 0, "mkdir %s", path);
	CHECK(golden_write(path, &dot, err, sizeof err) < 0, "golden_write over a folder must fail");
	CHECK(strstr(err, "it is a directory"), "no cause in '%s'", err);
	snprintf(path, sizeof path, "%s/ok.png", dir);
	CHECK(golden_write(path, &dot, err, sizeof err) == 0, "golden_write: %s", err);
	golden_image back;
	CHECK(golden_read(path, &back, err, sizeof err) == 0 && back.w == 4 && back.h == 4, "read back: %s", err);
	golden_release(&back);

	return check_done();
}
