/*
 * base_file.c - reading and writing files safely (base/file.h) and the project roots
 * (base/roots.h): regular files only with the size checked first, outputs refused when they are
 * folders or devices, temps removed after a dead writer, symlinks and ".." leaving the roots.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../base/file.h"
#include "../../base/jsonfile.h"
#include "../../base/roots.h"
#include "check.h"

static void test_read(void)
{
	vidc_err e = {0};
	char *d;
	size_t n;
	const char *p = check_path("a.txt");
	check_write(p, "hello", 5);
	CHECK(file_read(p, 100, &d, &n, &e) == 0 && n == 5 && !strcmp(d, "hello"), "%s", e.msg);
	free(d);
	CHECK(file_read(p, 4, &d, &n, &e) == VE_LIMIT && !d, "limit");
	CHECK(strstr(e.msg, "5 bytes") && strstr(e.msg, "4 bytes") && strstr(e.msg, p), "'%s'", e.msg);
	CHECK(file_read(check_path("none"), 9, &d, &n, &e) == VE_NOTFOUND, "missing: %s", e.msg);
	CHECK(file_read("/dev/zero", 1 << 20, &d, &n, &e) == VE_INVAL, "device");
	CHECK(strstr(e.msg, "not a regular file") && strstr(e.msg, "device"), "'%s'", e.msg);
	CHECK(file_read(check_tmpdir(), 9, &d, &n, &e) == VE_INVAL && strstr(e.msg, "directory"),
	      "'%s'", e.msg);
	const char *fifo = check_path("fifo");
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	CHECK(file_read(fifo, 9, &d, &n, &e) == VE_INVAL && strstr(e.msg, "FIFO"), "'%s'", e.msg);
	check_write(p, "", 0);
	CHECK(file_read(p, 0, &d, &n, &e) == 0 && n == 0 && d && !*d, "empty file");
	free(d);
	/* file_read_msg: the same read, its message prefixed with what was being read */
	char msg[256] = "";
	CHECK(file_read_msg(check_path("none"), 9, &d, &n, "word timings", msg, sizeof msg) == VE_NOTFOUND &&
		      !strncmp(msg, "word timings: ", 14) && strstr(msg, "none"), "'%s'", msg);
	CHECK(file_read_msg(p, 4, &d, &n, NULL, msg, sizeof msg) == 0 && n == 0, "'%s'", msg);
	free(d);
	CHECK(file_read_msg(check_path("none"), 9, &d, &n, NULL, msg, sizeof msg) == VE_NOTFOUND &&
		      msg[0] != ':' && strstr(msg, "none"), "'%s'", msg);
}

static void test_write(void)
{
	vidc_err e = {0};
	const char *out = check_path("out.bin");
	CHECK(file_out_check(out, &e) == 0, "a new name: %s", e.msg);
	CHECK(file_write_atomic(out, "abc", 3, &e) == 0, "%s", e.msg);
	CHECK(file_out_check(out, &e) == 0, "a regular file: %s", e.msg);
	CHECK(file_out_check(check_tmpdir(), &e) == VE_INVAL && strstr(e.msg, "directory"), "'%s'", e.msg);
	CHECK(file_out_check("/dev/null", &e) == VE_INVAL && strstr(e.msg, "device"), "'%s'", e.msg);
	CHECK(file_out_check(check_path("no/such/x.mp4"), &e) == VE_NOTFOUND, "'%s'", e.msg);
	CHECK(file_write_atomic(check_tmpdir(), "x", 1, &e) == VE_INVAL, "write onto a folder");

	/* A stale temp of a dead process goes; a live one (ours, pid 1) stays. */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	int st;
	waitpid(child, &st, 0);
	char stale[512], live[512], tmp[512];
	snprintf(stale, sizeof stale, "%s/.out.bin.tmp-%ld", check_tmpdir(), (long)child);
	snprintf(live, sizeof live, "%s/.out.bin.tmp-1", check_tmpdir());
	check_write(stale, "x", 1);
	check_write(live, "x", 1);
	CHECK(file_tmp_name(out, tmp, sizeof tmp, &e) == 0, "%s", e.msg);
	CHECK(access(stale, F_OK) != 0, "stale temp of a dead pid removed");
	CHECK(access(live, F_OK) == 0, "temp of a live pid kept");
	char want[512];
	snprintf(want, sizeof want, "%s/.out.bin.tmp-%ld", check_tmpdir(), (long)getpid());
	CHECK(!strcmp(tmp, want), "temp name '%s'", tmp);
	check_write(tmp, "new", 3);
	CHECK(file_commit(tmp, out, &e) == 0 && access(tmp, F_OK) != 0, "commit: %s", e.msg);
	char *d;
	size_t n;
	CHECK(file_read(out, 9, &d, &n, &e) == 0 && !strcmp(d, "new"), "committed contents");
	free(d);
	unlink(live);
	char buf[32];
	CHECK(!strcmp(file_size_text(16 << 20, buf, sizeof buf), "16 MiB"), "'%s'", buf);
	CHECK(!strcmp(file_size_text(1536, buf, sizeof buf), "1.5 KiB"), "'%s'", buf);
}

static void test_roots(void)
{
	vidc_err e = {0};
	char proj[512], other[512], link[512];
	snprintf(proj, sizeof proj, "%s/proj", check_tmpdir());
	snprintf(other, sizeof other, "%s/projx", check_tmpdir());
	mkdir(proj, 0700);
	mkdir(other, 0700);
	check_write(check_path("proj/a.png"), "x", 1);
	check_write(check_path("projx/secret"), "x", 1);
	snprintf(link, sizeof link, "%s/proj/link", check_tmpdir());
	CHECK(symlink("../projx/secret", link) == 0, "symlink");
	roots_t *r = roots_new();
	CHECK(roots_add(r, proj, &e) == 0 && roots_count(r) == 1, "%s", e.msg);
	CHECK(roots_add(r, check_path("nope"), &e) == VE_NOTFOUND, "a missing root");
	char *abs;
	CHECK(roots_resolve(r, proj, "a.png", &abs, &e) == 0 && abs && strstr(abs, "/proj/a.png"), "%s", e.msg);
	free(abs);
	CHECK(roots_resolve(r, proj, "../projx/secret", &abs, &e) == VE_DENIED && !abs, "'..' escapes");
	CHECK(strstr(e.msg, "outside the project") && strstr(e.msg, "../projx/secret"), "'%s'", e.msg);
	CHECK(roots_resolve(r, proj, "link", &abs, &e) == VE_DENIED, "a symlink out: %s", e.msg);
	CHECK(roots_resolve(r, proj, "/etc/passwd", &abs, &e) == VE_DENIED, "absolute");
	CHECK(roots_resolve(r, proj, "../projx/none", &abs, &e) == VE_DENIED, "missing outside");
	CHECK(roots_resolve(r, proj, "none.png", &abs, &e) == VE_NOTFOUND, "missing inside");
	CHECK(!roots_contains(r, other) && roots_contains(r, proj), "prefix ends at '/'");
	roots_free(r);
}

/* file_copy gives a whole copy (linked or streamed) and names the missing source; file_mkdirs
 * makes every missing folder and is quiet about those that exist. */
static void test_copy_mkdirs(void)
{
	vidc_err e = {0};
	const char *deep = check_path("a/b/c");
	CHECK(file_mkdirs(deep, 0700) == 0, "mkdirs: %s", strerror(errno));
	CHECK(file_mkdirs(deep, 0700) == 0, "mkdirs again: %s", strerror(errno));
	struct stat st;
	CHECK(stat(deep, &st) == 0 && S_ISDIR(st.st_mode), "a/b/c is not a folder");
	check_write(check_path("a/plain"), "x", 1);
	CHECK(file_mkdirs(check_path("a/plain/d"), 0700) == -1 && errno == ENOTDIR, "a folder under a file");
	static char big[200000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7);
	check_write(check_path("src.bin"), big, sizeof big);
	CHECK(file_copy(check_path("src.bin"), check_path("a/b/c/copy.bin"), &e) == 0, "%s", e.msg);
	char *d = NULL;
	size_t n = 0;
	CHECK(file_read(check_path("a/b/c/copy.bin"), sizeof big, &d, &n, &e) == 0 && n == sizeof big &&
		      !memcmp(d, big, n),
	      "the copy differs: %s", e.msg);
	free(d);
	CHECK(file_copy(check_path("none"), check_path("a/x"), &e) == VE_NOTFOUND && strstr(e.msg, "none"),
	      "'%s'", e.msg);
	CHECK(access(check_path("a/x"), F_OK) != 0, "a failed copy left its output");
}

/* jsonfile_read: an object parsed; broken JSON named by file, line and column; the size cap and
 * the regular-file rule are file_read's. */
static void test_jsonfile(void)
{
	vidc_err e = {0};
	json_t *j = NULL;
	check_write(check_path("ok.json"), "{\"a\": 1}", 8);
	CHECK(jsonfile_read(check_path("ok.json"), 100, 0, &j, &e) == 0 && json_integer_value(json_object_get(j, "a")) == 1,
	      "%s", e.msg);
	json_decref(j);
	check_write(check_path("bad.json"), "{\n  \"a\": }", 11);
	CHECK(jsonfile_read(check_path("bad.json"), 100, 0, &j, &e) == VE_INVAL && !j, "broken JSON accepted");
	CHECK(strstr(e.msg, "bad.json:2:") && strstr(e.msg, "malformed JSON"), "'%s'", e.msg);
	CHECK(jsonfile_read(check_path("ok.json"), 4, 0, &j, &e) == VE_LIMIT && !j, "size cap: %s", e.msg);
	CHECK(jsonfile_read("/dev/zero", 100, 0, &j, &e) == VE_INVAL && strstr(e.msg, "device"), "'%s'", e.msg);
}

static int is_txt(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && !strcmp(name + n - 4, ".txt");
}

/* file_list: sorted, dot files left out, the filter applied; a missing folder is VE_NOTFOUND. */
static void test_list(void)
{
	vidc_err e = {0};
	const char *dir = check_path("list");
	CHECK(file_mkdirs(dir, 0700) == 0, "mkdirs");
	static const char *const files[] = {"b.txt", "a.txt", ".hidden.txt", "c.png"};
	for (size_t i = 0; i < 4; i++)
		check_write(check_fmt("%s/%s", dir, files[i]), "x", 1);
	char **names;
	int n;
	CHECK(file_list(dir, is_txt, &names, &n, &e) == 0 && n == 2 && !strcmp(names[0], "a.txt") &&
		      !strcmp(names[1], "b.txt"),
	      "filtered: %d %s", n, e.msg);
	file_list_free(names, n);
	CHECK(file_list(dir, NULL, &names, &n, &e) == 0 && n == 3 && !strcmp(names[2], "c.png"), "all: %d", n);
	file_list_free(names, n);
	CHECK(file_list(check_path("nope"), NULL, &names, &n, &e) == VE_NOTFOUND && strstr(e.msg, "nope"), "'%s'",
	      e.msg);
}

int main(void)
{
	test_read();
	test_write();
	test_roots();
	test_copy_mkdirs();
	test_jsonfile();
	test_list();
	return check_done();
}
