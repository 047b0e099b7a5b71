/*
 * base_text.c - the base layer's text pieces: the error type (codes, errno causes such as "the
 * disk is full", prefixing), the growable buffer (appends, printf, detach) and the UTF-8 decoder
 * (valid, overlong, surrogate, truncated and out-of-range sequences; cutting at boundaries), and
 * base64 as providers send it (padding or not, white space, data: prefix, URL-safe alphabet).
 */
#include <errno.h>

#include "../../base/b64.h"
#include "../../base/buf.h"
#include "../../base/err.h"
#include "../../base/utf8.h"
#include "check.h"

static void test_err(void)
{
	vidc_err e = {0};
	CHECK(err_set(&e, VE_LIMIT, "too big: %d", 7) == VE_LIMIT && e.code == VE_LIMIT, "code");
	CHECK(!strcmp(e.msg, "too big: 7"), "'%s'", e.msg);
	CHECK(err_set(NULL, VE_IO, "x") == VE_IO, "NULL err still returns the code");
	CHECK(err_errno(&e, ENOSPC, "cannot write '%s'", "a.mp4") == VE_IO, "ENOSPC is VE_IO");
	CHECK(!strcmp(e.msg, "cannot write 'a.mp4': the disk is full"), "'%s'", e.msg);
	CHECK(err_errno(&e, ENOENT, "cannot read 'x'") == VE_NOTFOUND, "ENOENT");
	CHECK(strstr(e.msg, "No such file"), "'%s'", e.msg);
	CHECK(err_errno(&e, ENOMEM, "x") == VE_NOMEM && err_errno_code(ETIMEDOUT) == VE_TIMEOUT, "map");
	err_set(&e, VE_DECODE, "bad header");
	err_prefix(&e, "image '%s'", "a.png");
	CHECK(!strcmp(e.msg, "image 'a.png': bad header"), "'%s'", e.msg);
	char small[8];
	CHECK(err_copy(&e, small, sizeof small) == VE_DECODE && !strcmp(small, "image '"), "'%s'", small);
	CHECK(!strcmp(err_code_name(VE_QUOTA), "VE_QUOTA") && !strcmp(err_code_name(0), "VE_OK"), "names");
	CHECK(!strcmp(err_code_name(-99), "VE_?") && !strcmp(err_code_name(5), "VE_?"), "unknown");
	CHECK(!strcmp(err_code_text(VE_DENIED), "not allowed"), "text");
}

static void test_buf(void)
{
	buf_t b = BUF_INIT;
	size_t n;
	char *s = buf_detach(&b, &n);
	CHECK(s && !*s && n == 0, "an empty buffer detaches as \"\"");
	free(s);
	for (int i = 0; i < 1000; i++)
		CHECK(buf_appendf(&b, "%d,", i) == 0, "appendf");
	CHECK(b.len == strlen(b.data) && !strncmp(b.data, "0,1,2,", 6), "contents");
	CHECK(!strcmp(b.data + b.len - 4, "999,"), "tail '%s'", b.data + b.len - 4);
	buf_clear(&b);
	CHECK(b.len == 0 && b.data[0] == 0, "clear");
	CHECK(buf_puts(&b, "ab") == 0 && buf_putc(&b, 0) == 0 && buf_append(&b, "cd", 2) == 0, "mixed");
	CHECK(b.len == 5 && !memcmp(b.data, "ab\0cd", 6), "binary-safe and NUL-terminated");
	s = buf_detach(&b, &n);
	CHECK(n == 5 && b.data == NULL && b.len == 0, "detach empties");
	free(s);
	CHECK(buf_reserve(&b, (size_t)-1 / 2) == VE_NOMEM, "an impossible size is refused");
	buf_free(&b);
}

static void test_utf8(void)
{
	uint32_t cp;
	CHECK(utf8_decode("A", 1, &cp) == 1 && cp == 'A', "ascii");
	CHECK(utf8_decode("\xC3\xA9", 2, &cp) == 2 && cp == 0xE9, "e acute");
	CHECK(utf8_decode("\xE2\x82\xAC", 3, &cp) == 3 && cp == 0x20AC, "euro");
	CHECK(utf8_decode("\xF0\x9F\x98\x80", 4, &cp) == 4 && cp == 0x1F600, "emoji");
	CHECK(utf8_decode("\xC0\x80", 2, &cp) == 0 && cp == UTF8_REPLACEMENT, "overlong");
	CHECK(utf8_decode("\xED\xA0\x80", 3, &cp) == 0, "surrogate");
	CHECK(utf8_decode("\xF4\x90\x80\x80", 4, &cp) == 0, "above U+10FFFF");
	CHECK(utf8_decode("\xE2\x82", 2, &cp) == 0, "truncated");
	CHECK(utf8_decode("\x80", 1, &cp) == 0 && utf8_decode("", 0, &cp) == 0, "stray, empty");
	char o[4];
	CHECK(utf8_encode(0x20AC, o) == 3 && !memcmp(o, "\xE2\x82\xAC", 3), "encode euro");
	CHECK(utf8_encode(0xD800, o) == 0 && utf8_encode(0x110000, o) == 0, "encode refuses");
	for (uint32_t c = 0; c < 0x110000; c += 0x101) {
		int k = utf8_encode(c, o);
		uint32_t back;
		CHECK(!k || (utf8_decode(o, (size_t)k, &back) == k && back == c), "round trip %x", c);
	}
	const char *s = "h\xC3\xA9llo \xE2\x82\xAC";
	CHECK(utf8_valid(s, strlen(s)) && !utf8_valid("a\xFF", 2), "valid");
	CHECK(utf8_invalid_at("ab\xC3", 3) == 2, "invalid at");
	CHECK(utf8_count(s) == 7, "count %zu", utf8_count(s));
	CHECK(utf8_prefix(s, 2) == 3 && utf8_prefix(s, 100) == strlen(s), "prefix");
	CHECK(utf8_floor(s, 2) == 1 && utf8_floor(s, 3) == 3 && utf8_floor(s, 9) == 7, "floor");
	CHECK(utf8_next(s, strlen(s), 1) == 3 && utf8_next("\xFF" "a", 2, 0) == 1, "next");
	CHECK(utf8_is_cont(0x80) && !utf8_is_cont('a') && !utf8_is_cont(0xC3), "is_cont");
}

static void test_b64(void)
{
	static const struct {
		const char *in, *want;
	} ok[] = {
		{"aGVsbG8=", "hello"}, {"aGVsbG8", "hello"}, {"aGVs\nbG8g d29y bGQ=", "hello world"},
		{"data:audio/wav;base64,aGk=", "hi"}, {"-_8=", "\xfb\xff"}, {"+/8=", "\xfb\xff"}, {"", ""},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		unsigned char *d = NULL;
		size_t n = 99;
		CHECK(b64_decode(ok[i].in, &d, &n) == 0 && n == strlen(ok[i].want) && !memcmp(d, ok[i].want, n),
		      "'%s': %zu bytes", ok[i].in, n);
		free(d);
	}
	unsigned char *d = NULL;
	size_t n = 0;
	CHECK(b64_decode("aGV*bG8=", &d, &n) == -1 && !d, "a character outside base64");
}

int main(void)
{
	test_err();
	test_buf();
	test_utf8();
	test_b64();
	return check_done();
}
