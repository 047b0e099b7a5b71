/*
 * sniff.c - magic numbers of a byte stream (see sniff.h): the signatures the formats' own
 * specifications open with (PNG, GIF, JPEG SOI, RIFF WEBP/AVI, EBML, ISO BMFF ftyp and its
 * brands), else a look at the text (markup, JSON, plain).
 */
#include "sniff.h"

#include <string.h>

void sniff_init(sniff_t *s)
{
	memset(s, 0, sizeof *s);
}

static const struct {
	sniff_type t;
	const char *describe, *mime, *ext;
	int image, video;
} kinds[SNIFF_NTYPES] = {
	{SNIFF_UNKNOWN, "data of an unknown kind", "application/octet-stream", ".bin", 0, 0},
	{SNIFF_JPEG, "a JPEG image", "image/jpeg", ".jpg", 1, 0},
	{SNIFF_PNG, "a PNG image", "image/png", ".png", 1, 0},
	{SNIFF_GIF, "a GIF image", "image/gif", ".gif", 1, 0},
	{SNIFF_WEBP, "a WebP image", "image/webp", ".webp", 1, 0},
	{SNIFF_BMP, "a BMP image", "image/bmp", ".bmp", 1, 0},
	{SNIFF_HEIF, "an AVIF/HEIC image (not supported)", "image/heif", ".heif", 0, 0},
	{SNIFF_MP4, "an MP4/QuickTime video", "video/mp4", ".mp4", 0, 1},
	{SNIFF_MKV, "a WebM/Matroska video", "video/webm", ".webm", 0, 1},
	{SNIFF_AVI, "an AVI video", "video/x-msvideo", ".avi", 0, 1},
	{SNIFF_SVG, "an SVG drawing (not supported)", "image/svg+xml", ".svg", 0, 0},
	{SNIFF_HTML, "an HTML page", "text/html", ".html", 0, 0},
	{SNIFF_JSON, "a JSON text", "application/json", ".json", 0, 0},
	{SNIFF_TEXT, "plain text", "text/plain", ".txt", 0, 0},
};

const char *sniff_describe(sniff_type t)
{
	return t >= 0 && t < SNIFF_NTYPES ? kinds[t].describe : kinds[0].describe;
}

const char *sniff_mime(sniff_type t)
{
	return t >= 0 && t < SNIFF_NTYPES ? kinds[t].mime : kinds[0].mime;
}

const char *sniff_ext(sniff_type t)
{
	return t >= 0 && t < SNIFF_NTYPES ? kinds[t].ext : kinds[0].ext;
}

int sniff_is_image(sniff_type t)
{
	return t >= 0 && t < SNIFF_NTYPES && kinds[t].image;
}

int sniff_is_video(sniff_type t)
{
	return t >= 0 && t < SNIFF_NTYPES && kinds[t].video;
}

/* Case-blind prefix test on the text after leading white space and a UTF-8 BOM. */
static int starts_ci(const unsigned char *p, size_t n, const char *word)
{
	size_t k = strlen(word);
	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c != (unsigned char)word[i])
			return 0;
	}
	return 1;
}

static sniff_type text_kind(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3, n -= 3;
	while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	if (!n)
		return SNIFF_TEXT;
	if (*p == '{' || *p == '[')
		return SNIFF_JSON;
	if (*p == '<') {
		/* An SVG may open with an XML declaration or a comment; what follows is not known
		 * within 64 bytes, so only a bare <svg counts as SVG: every other markup is a page. */
		return starts_ci(p, n, "<svg") ? SNIFF_SVG : SNIFF_HTML;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x09 || (p[i] > 0x0D && p[i] < 0x20))
			return SNIFF_UNKNOWN;
	return SNIFF_TEXT;
}

/* The type from the first bytes; SNIFF_UNKNOWN with *more set when more bytes could tell. */
static sniff_type magic(const unsigned char *h, size_t n, int *more)
{
	*more = 0;
	if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
		return SNIFF_JPEG;
	if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8))
		return SNIFF_PNG;
	if (n >= 6 && (!memcmp(h, "GIF87a", 6) || !memcmp(h, "GIF89a", 6)))
		return SNIFF_GIF;
	if (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4))
		return SNIFF_WEBP;
	if (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "AVI ", 4))
		return SNIFF_AVI;
	if (n >= 4 && !memcmp(h, "\x1a\x45\xdf\xa3", 4))
		return SNIFF_MKV;
	if (n >= 12 && !memcmp(h + 4, "ftyp", 4)) {
		static const char *const heif[] = {"avif", "avis", "heic", "heix", "mif1", "msf1"};
		for (size_t i = 0; i < sizeof heif / sizeof *heif; i++)
			if (!memcmp(h + 8, heif[i], 4))
				return SNIFF_HEIF;
		return SNIFF_MP4;
	}
	/* QuickTime files from old cameras open with a moov/mdat/wide/free atom, no ftyp. */
	if (n >= 8 && (!memcmp(h + 4, "moov", 4) || !memcmp(h + 4, "mdat", 4) ||
		       !memcmp(h + 4, "wide", 4)))
		return SNIFF_MP4;
	if (n >= 26 && h[0] == 'B' && h[1] == 'M' && (h[14] == 12 || h[14] >= 40) && !h[15] && !h[16] && !h[17])
		return SNIFF_BMP;
	if (n < SNIFF_HEAD) {
		*more = 1;
		return SNIFF_UNKNOWN;
	}
	return text_kind(h, n);
}

void sniff_feed(sniff_t *s, const void *data, size_t n)
{
	if (s->typed)
		return;
	size_t k = SNIFF_HEAD - s->nhead < n ? SNIFF_HEAD - s->nhead : n;
	memcpy(s->head + s->nhead, data, k);
	s->nhead += k;
	int more;
	sniff_type t = magic(s->head, s->nhead, &more);
	if (!more) {
		s->type = t;
		s->typed = 1;
	}
}

void sniff_finish(sniff_t *s)
{
	if (s->typed)
		return;
	int more;
	s->type = magic(s->head, s->nhead, &more);
	if (more)
		s->type = text_kind(s->head, s->nhead);
	s->typed = 1;
}

sniff_type sniff_bytes(const void *data, size_t n)
{
	sniff_t s;
	sniff_init(&s);
	sniff_feed(&s, data, n);
	sniff_finish(&s);
	return s.type;
}

sniff_type sniff_from_mime(const char *mime)
{
	for (int t = 0; t < SNIFF_NTYPES; t++)
		if (mime && !strcmp(kinds[t].mime, mime))
			return (sniff_type)t;
	return SNIFF_UNKNOWN;
}
