/*
 * preview_http.h - the page of `vidc preview`: a small HTTP server (libmicrohttpd) on a loopback
 * address serving one embedded HTML page (no bundler, no CDN: it works offline) and the preview
 * model of preview.h behind it:
 *
 *   GET /                   the page (pipeline/preview_page.html, compiled into the binary)
 *   GET /state              preview_state's JSON
 *   GET /frame?t=S&w=PX     the frame at S seconds (clamped), a JPEG PX wide, or the full-size
 *                           PNG without w
 *   GET /audio              the mix as WAV (404 for a silent video)
 *   GET /events             Server-Sent Events: "data: GENERATION" whenever a compile happened
 *
 * By default (and for "localhost") it listens on 127.0.0.1 and, when the machine has it, on
 * [::1] at the same port. The server answers only requests whose Host header names the address it
 * listens on (127.0.0.1:PORT, [::1]:PORT or localhost:PORT): another site's page in the same
 * browser cannot reach it
 * through a DNS name that resolves to 127.0.0.1 (DNS rebinding). Renders happen one at a time.
 */
#ifndef VIDC_PREVIEW_HTTP_H
#define VIDC_PREVIEW_HTTP_H

#include "../base/err.h"
#include "preview.h"

typedef struct {
	const char *host;      /* an IPv4 loopback address or "localhost"; NULL: 127.0.0.1 and ::1 */
	int port;              /* 0: one the system picks */
	int poll_ms;           /* how often the files are checked; 0: 200 */
	volatile int *cancel;  /* non-zero stops the server (required) */
	/* Called once listening, with the page's URL ("http://127.0.0.1:PORT/"). */
	void (*ready)(void *ud, const char *url);
	void *ud;
} preview_serve_opts;

/* Whether host is one preview_serve may listen on: 127.0.0.0/8 written as an address, or
 * "localhost". */
int preview_host_loopback(const char *host);

/* Serves pv until *o->cancel: the page, and a compile whenever a file the spec uses changes.
 * VE_DENIED for a host that is not loopback, VE_IO when the port cannot be bound, VE_NOMEM.
 * 0 after a cancel. */
int preview_serve(preview *pv, const preview_serve_opts *o, vidc_err *e);

#endif
