/*
 * base_media.c - base/media.h: headers probed and the pixel limit applied before decoding (a
 * PNG claiming 16000x16000 or 100000x100000 is refused with its numbers), URLs and libav
 * protocols refused without connecting (a listening socket sees nothing), playlists refused,
 * devices named as such, and audio decoded, resampled and read from memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../base/media.h"
#include "check.h"

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* The first 33 bytes of a PNG declaring w x h (the rest is never read). */
static void png_head(uint8_t *b, uint32_t w, uint32_t h)
{
	memcpy(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
	put32be(b + 16, w);
	put32be(b + 20, h);
	memcpy(b + 24, "\x08\x06\0\0\0\0\0\0\0", 9);
}

static void test_probe(void)
{
	uint8_t b[64] = {0};
	int64_t w, h;
	png_head(b, 640, 480);
	CHECK(media_probe_size(b, 33, &w, &h) == 0 && w == 640 && h == 480, "png %lldx%lld", (long long)w, (long long)h);
	memcpy(b, "GIF89a\x20\x03\x58\x02", 10);
	CHECK(media_probe_size(b, 10, &w, &h) == 0 && w == 800 && h == 600, "gif");
	static const uint8_t jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0x01, 0x2C, 0x01, 0x90};
	CHECK(media_probe_size(jpg, sizeof jpg, &w, &h) == 0 && w == 400 && h == 300, "jpeg %lldx%lld",
	      (long long)w, (long long)h);
	memset(b, 0, sizeof b);
	memcpy(b, "RIFF\0\0\0\0WEBPVP8X", 16);
	b[24] = 0xFF, b[25] = 0x0F, b[27] = 0x0F; /* 4096 x 16 */
	CHECK(media_probe_size(b, 30, &w, &h) == 0 && w == 4096 && h == 16, "webp %lldx%lld", (long long)w, (long long)h);
	memset(b, 0, sizeof b);
	b[0] = 'B', b[1] = 'M', b[14] = 40, b[18] = 0x10, b[22] = 0xF0, b[23] = 0xFF, b[24] = 0xFF, b[25] = 0xFF;
	CHECK(media_probe_size(b, 26, &w, &h) == 0 && w == 16 && h == 16, "bmp top-down %lldx%lld", (long long)w, (long long)h);
	CHECK(media_probe_size("hello", 5, &w, &h) == 1, "unknown");
	CHECK(media_probe_size(jpg, 10, &w, &h) == 1, "a cut JPEG header is unknown, not read past");

	vidc_err e = {0};
	CHECK(media_check_pixels(8000, 6000, &e) == 0, "48 MP passes");
	CHECK(media_check_pixels(16000, 16000, &e) == VE_LIMIT && strstr(e.msg, "16000x16000"), "'%s'", e.msg);
	CHECK(media_check_pixels(0, 5, &e) == VE_DECODE, "empty");
}

static void test_limits(void)
{
	vidc_err e = {0};
	uint8_t b[64];
	AVFrame *fr = NULL;
	static const uint32_t sizes[][2] = {{16000, 16000}, {100000, 100000}, {40000, 10}};
	for (int i = 0; i < 3; i++) {
		png_head(b, sizes[i][0], sizes[i][1]);
		const char *p = check_path("bomb.png");
		check_write(p, b, 33);
		char want[64];
		snprintf(want, sizeof want, "%ux%u", sizes[i][0], sizes[i][1]);
		CHECK(media_decode_picture(p, &fr, &e) == VE_LIMIT && !fr, "%s refused", want);
		CHECK(strstr(e.msg, want) && strstr(e.msg, "limit"), "'%s'", e.msg);
	}
	CHECK(media_decode_picture("/dev/zero", &fr, &e) == VE_INVAL, "device");
	CHECK(strstr(e.msg, "not a regular file") && strstr(e.msg, "device"), "'%s'", e.msg);
	CHECK(media_decode_picture(check_path("missing.png"), &fr, &e) == VE_NOTFOUND, "missing");
	CHECK(strstr(e.msg, "No such file"), "'%s'", e.msg);
	const char *m3u = check_path("list.m3u8");
	const char *pl = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:9/a.ts\n";
	check_write(m3u, pl, strlen(pl));
	AVFormatContext *f = NULL;
	CHECK(media_open(&f, m3u, &e) == VE_DENIED && !f && strstr(e.msg, "hls"), "playlist: '%s'", e.msg);
}

/* A loopback listener; the URLs below name its port and must not reach it. */
static void test_no_network(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4) ||
	    getsockname(s, (struct sockaddr *)&a, &al)) {
		perror("listen");
		exit(2);
	}
	int port = ntohs(a.sin_port);
	const char *schemes[] = {"tcp", "rtmp", "ftp", "http", "tls", "gopher", "udp", "rtsp"};
	vidc_err e = {0};
	for (int i = 0; i < 8; i++) {
		char url[128];
		snprintf(url, sizeof url, "%s://127.0.0.1:%d/x.png", schemes[i], port);
		AVFormatContext *f = NULL;
		AVFrame *fr = NULL;
		CHECK(media_open(&f, url, &e) == VE_DENIED && !f, "%s opened", url);
		CHECK(strstr(e.msg, "URL") && strstr(e.msg, "local files"), "'%s'", e.msg);
		CHECK(media_decode_picture(url, &fr, &e) == VE_DENIED, "%s decoded", url);
		CHECK(media_is_url(url), "%s", url);
	}
	const char *protos[] = {"concat:a.png|b.png", "pipe:0", "subfile,,start,0,end,1,,:x", "data:image/png;base64,AA=="};
	for (int i = 0; i < 4; i++) {
		AVFormatContext *f = NULL;
		CHECK(media_open(&f, protos[i], &e) == VE_DENIED, "%s: %s", protos[i], e.msg);
	}
	CHECK(!media_is_url("a.png") && !media_is_url("/x/a:b.png") && !media_is_url("dir/tcp.png"), "files");
	int c = accept(s, NULL, NULL);
	CHECK(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), "something connected to port %d", port);
	if (c >= 0)
		close(c);
	close(s);
}

/* A 16-bit mono WAV of n samples of a 441 Hz sine at rate. */
static size_t wav(uint8_t *b, int rate, int n)
{
	static const uint8_t hdr[] = "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x02\0\x10\0data";
	memcpy(b, hdr, 40);
	uint32_t v[] = {(uint32_t)(36 + 2 * n), (uint32_t)rate, (uint32_t)rate * 2, (uint32_t)(2 * n)};
	int at[] = {4, 24, 28, 40};
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++)
			b[at[i] + k] = (uint8_t)(v[i] >> (8 * k));
	for (int i = 0; i < n; i++) {
		int16_t s = (int16_t)lrint(16000 * sin(2 * M_PI * 441 * i / rate));
		b[44 + 2 * i] = (uint8_t)s, b[45 + 2 * i] = (uint8_t)((uint16_t)s >> 8);
	}
	return 44 + 2 * (size_t)n;
}

static void test_audio(void)
{
	static uint8_t b[44 + 2 * 22050];
	size_t len = wav(b, 22050, 22050);
	const char *p = check_path("tone.wav");
	check_write(p, b, len);
	vidc_err e = {0};
	float *pcm;
	int64_t n;
	int rate;
	media_audio_opts o = {2, 48000, 0, -1, 0};
	CHECK(media_audio_file(p, &o, &pcm, &n, &rate, &e) == 0, "%s", e.msg);
	CHECK(rate == 48000 && llabs(n - 48000) < 64, "1 s at 48 kHz: %lld frames", (long long)n);
	float peak = 0;
	for (int64_t i = 0; pcm && i < n; i++)
		peak = fmaxf(peak, fabsf(pcm[2 * i]));
	CHECK(pcm && fabsf(pcm[2 * 1000] - pcm[2 * 1000 + 1]) < 1e-6 && peak > 0.3f && peak < 0.4f, /* mono spreads at -3 dB */
	      "stereo copy of the tone, peak %f", peak);
	free(pcm);
	media_audio_opts part = {2, 48000, 24000, 4800, 0};
	CHECK(media_audio_file(p, &part, &pcm, &n, &rate, &e) == 0 && n == 4800, "skip + max: %lld", (long long)n);
	free(pcm);

	AVFormatContext *f = NULL;
	media_audio_opts mono = {1, 0, 0, -1, 0};
	CHECK(media_open_memory(&f, b, len, &e) == 0, "memory: %s", e.msg);
	CHECK(f && media_decode_audio(f, &mono, &pcm, &n, &rate, &e) == 0 && rate == 22050 && n == 22050,
	      "mono at the file's rate: %d Hz %lld", rate, (long long)n);
	media_close(&f);
	CHECK(f == NULL, "closed");
	float *up;
	int64_t un;
	CHECK(media_resample(pcm, n, 1, 22050, 44100, &up, &un, &e) == 0 && llabs(un - 44100) < 64,
	      "resampled to %lld", (long long)un);
	free(up);
	free(pcm);
	/* A header claiming 1.9 GHz (found by fuzz_media: the resampler took 10 s to build). */
	len = wav(b, 1952804160, 64);
	CHECK(media_open_memory(&f, b, len, &e) == 0, "memory: %s", e.msg);
	CHECK(media_decode_audio(f, &mono, &pcm, &n, &rate, &e) == VE_LIMIT && strstr(e.msg, "1952804160 Hz"),
	      "absurd rate refused: %s", e.msg);
	media_close(&f);
	static const float four[4] = {0};
	CHECK(media_resample(four, 4, 1, 1952804160, 48000, &up, &un, &e) < 0, "resample from an absurd rate");
	CHECK(media_open_memory(&f, "not audio at all", 16, &e) < 0 && !f, "garbage in memory");
	check_write(p, "", 0);
	CHECK(media_audio_file(p, &o, &pcm, &n, &rate, &e) < 0, "empty file");
}

int main(void)
{
	av_log_set_level(AV_LOG_QUIET);
	test_probe();
	test_limits();
	test_no_network();
	test_audio();
	return check_done();
}
