/*
 * sniff.h - what a stream of bytes is, told from its first bytes (magic numbers), so the fetcher
 * (pipeline/fetch.c) can refuse an HTML error page served as ".jpg" as soon as it starts to
 * arrive. (An image's pixel size comes from base/media.h's header probe.) Nothing here
 * allocates: the sniffer keeps the first 64 bytes.
 *
 *     sniff_t s;
 *     sniff_init(&s);
 *     while (more && !s.typed) sniff_feed(&s, chunk, n);
 *     sniff_finish(&s);                         // at end of stream
 *     if (s.type == SNIFF_HTML) ...
 */
#ifndef VIDC_SNIFF_H
#define VIDC_SNIFF_H

#include <stddef.h>

typedef enum {
	SNIFF_UNKNOWN, /* too few bytes yet, or binary nobody here knows */
	SNIFF_JPEG,
	SNIFF_PNG,
	SNIFF_GIF,
	SNIFF_WEBP,
	SNIFF_BMP,
	SNIFF_HEIF, /* AVIF/HEIC (ISO BMFF with an image brand): not decoded by vidc */
	SNIFF_MP4,  /* ISO BMFF / QuickTime: mp4, mov, m4v */
	SNIFF_MKV,  /* Matroska / WebM (EBML) */
	SNIFF_AVI,
	SNIFF_SVG,
	SNIFF_HTML, /* markup: an HTML page (an error page, a login wall) */
	SNIFF_JSON,
	SNIFF_TEXT,
	SNIFF_NTYPES
} sniff_type;

enum { SNIFF_HEAD = 64 };

typedef struct {
	sniff_type type;
	int typed; /* 1 once type is final */
	/* private */
	unsigned char head[SNIFF_HEAD];
	size_t nhead;
} sniff_t;

void sniff_init(sniff_t *s);
void sniff_feed(sniff_t *s, const void *data, size_t n);
/* End of stream: decides the type from what arrived (a 10-byte text file is still text). */
void sniff_finish(sniff_t *s);

/* The type of a whole buffer (sniff_init, sniff_feed, sniff_finish). */
sniff_type sniff_bytes(const void *data, size_t n);
/* The type whose sniff_mime is mime, SNIFF_UNKNOWN when none. */
sniff_type sniff_from_mime(const char *mime);

/* "a JPEG image", "an HTML page", ...: for messages. */
const char *sniff_describe(sniff_type t);
/* "image/jpeg", "video/mp4", ...; "application/octet-stream" for unknown. */
const char *sniff_mime(sniff_type t);
/* ".jpg", ".png", ".mp4", ...; ".bin" for unknown. */
const char *sniff_ext(sniff_type t);
/* Pictures vidc decodes (JPEG, PNG, GIF, WebP, BMP). */
int sniff_is_image(sniff_type t);
/* Footage libavformat opens (MP4/MOV, Matroska/WebM, AVI). */
int sniff_is_video(sniff_type t);

#endif
