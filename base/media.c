/*
 * media.c - opening and decoding media with libav under the rules of media.h: local regular
 * files through the "file" protocol only, no playlist demuxers, a pixel limit read from the
 * header before any picture is decoded, and one decode + resample loop for all audio.
 */
#include "media.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavutil/avstring.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libswresample/swresample.h>

#include "file.h"

/* Demuxers that open further files or network streams named inside the input. */
static const char *const blocked_demuxers[] = {"hls", "dash", "concat", "imf", "sdp", "rtsp",
					       "rtp", "sap", "lavfi", "ffmetadata", NULL};

static int blocked_name(const char *name)
{
	/* A demuxer's name may be a list ("mov,mp4,m4a"): any blocked element blocks it. */
	for (int i = 0; blocked_demuxers[i]; i++)
		if (av_match_name(blocked_demuxers[i], name))
			return 1;
	return 0;
}

static char *format_whitelist;
static pthread_once_t whitelist_once = PTHREAD_ONCE_INIT;

/* Every demuxer of this libavformat except the blocked ones, as a comma list. */
static void build_whitelist(void)
{
	size_t n = 1;
	void *it = NULL;
	const AVInputFormat *f;
	while ((f = av_demuxer_iterate(&it)))
		n += strlen(f->name) + 1;
	char *list = malloc(n);
	if (!list)
		return;
	list[0] = 0;
	size_t k = 0;
	it = NULL;
	while ((f = av_demuxer_iterate(&it))) {
		if (blocked_name(f->name))
			continue;
		k += (size_t)snprintf(list + k, n - k, "%s%s", k ? "," : "", f->name);
	}
	format_whitelist = list;
}

int media_err(vidc_err *e, int code, int averr)
{
	if (averr == AVERROR(ENOMEM))
		return err_set(e, VE_NOMEM, "out of memory");
	if (averr < 0 && averr > -4096) {
		int en = -averr, c = err_errno_code(en);
		if (c == VE_IO || c == VE_NOTFOUND || c == VE_LIMIT)
			code = c;
		return err_set(e, code, "%s", err_errno_cause(en));
	}
	char buf[AV_ERROR_MAX_STRING_SIZE + 32];
	if (av_strerror(averr, buf, sizeof buf) < 0)
		snprintf(buf, sizeof buf, "libav error %d", averr);
	return err_set(e, code, "%s", buf);
}

int media_check_pixels(int64_t w, int64_t h, vidc_err *e)
{
	if (w <= 0 || h <= 0)
		return err_set(e, VE_DECODE, "unusable picture size %lldx%lld", (long long)w, (long long)h);
	if (w > MEDIA_MAX_SIDE || h > MEDIA_MAX_SIDE || w * h > MEDIA_MAX_PIXELS)
		return err_set(e, VE_LIMIT,
			       "the picture is %lldx%lld pixels (%.1f megapixels); the limit is %d pixels "
			       "a side and %lld megapixels",
			       (long long)w, (long long)h, (double)w * (double)h / 1e6, MEDIA_MAX_SIDE,
			       MEDIA_MAX_PIXELS / 1000000);
	return 0;
}

/* ---- header probe --------------------------------------------------------------------------- */

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t le16(const uint8_t *p) { return (uint32_t)p[1] << 8 | p[0]; }
static uint32_t be32(const uint8_t *p) { return be16(p) << 16 | be16(p + 2); }
static uint32_t le32(const uint8_t *p) { return le16(p + 2) << 16 | le16(p); }
static uint32_t le24(const uint8_t *p) { return (uint32_t)p[2] << 16 | le16(p); }

/* JPEG: walk the marker segments to the first start-of-frame (ITU T.81 B.2.2). */
static int probe_jpeg(const uint8_t *d, size_t len, int64_t *w, int64_t *h)
{
	size_t i = 2;
	while (i + 4 <= len) {
		if (d[i] != 0xFF)
			return 1;
		uint8_t m = d[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) { /* markers without a length */
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA) /* end of image or start of scan before any frame */
			return 1;
		uint32_t seg = be16(d + i + 2);
		if (seg < 2)
			return 1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 9 > len)
				return 1;
			*h = be16(d + i + 5);
			*w = be16(d + i + 7);
			return *h == 0; /* a height of 0 comes later in a DNL marker: unknown here */
		}
		i += 2 + seg;
	}
	return 1;
}

/* WebP: the VP8, VP8L or VP8X chunk after the RIFF header (RFC 9649). */
static int probe_webp(const uint8_t *d, size_t len, int64_t *w, int64_t *h)
{
	if (len < 30)
		return 1;
	if (!memcmp(d + 12, "VP8 ", 4) && d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A) {
		*w = le16(d + 26) & 0x3FFF;
		*h = le16(d + 28) & 0x3FFF;
		return 0;
	}
	if (!memcmp(d + 12, "VP8L", 4) && d[20] == 0x2F) {
		uint32_t bits = le32(d + 21);
		*w = (bits & 0x3FFF) + 1;
		*h = ((bits >> 14) & 0x3FFF) + 1;
		return 0;
	}
	if (!memcmp(d + 12, "VP8X", 4)) {
		*w = (int64_t)le24(d + 24) + 1;
		*h = (int64_t)le24(d + 27) + 1;
		return 0;
	}
	return 1;
}

int media_probe_size(const void *data, size_t len, int64_t *w, int64_t *h)
{
	const uint8_t *d = data;
	*w = *h = 0;
	if (len >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
		*w = be32(d + 16);
		*h = be32(d + 20);
		return 0;
	}
	if (len >= 10 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) {
		*w = le16(d + 6);
		*h = le16(d + 8);
		return 0;
	}
	if (len >= 26 && d[0] == 'B' && d[1] == 'M') {
		if (le32(d + 14) == 12) { /* OS/2 BITMAPCOREHEADER: 16-bit sizes */
			*w = le16(d + 18);
			*h = le16(d + 20);
		} else {
			*w = (int32_t)le32(d + 18);
			*h = (int32_t)le32(d + 22);
			if (*h < 0) /* negative: stored top-down */
				*h = -*h;
		}
		return 0;
	}
	if (len >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return probe_webp(d, len, w, h);
	if (len >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return probe_jpeg(d, len, w, h);
	return 1;
}

/* ---- opening -------------------------------------------------------------------------------- */

int media_is_url(const char *name)
{
	const char *p = name;
	if (isalpha((unsigned char)*p)) {
		while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
			p++;
		if (p[0] == ':' && p[1] == '/' && p[2] == '/')
			return 1;
	}
	/* libav's own prefixes without "//": concat:, pipe:, subfile:, data:, ... */
	const char *proto = avio_find_protocol_name(name);
	return proto && strcmp(proto, "file") != 0;
}

/* Refuses URLs and anything but an existing regular file. */
static int local_file(const char *path, vidc_err *e)
{
	if (media_is_url(path))
		return err_set(e, VE_DENIED, "it is a URL; media is read from local files only (network "
			       "and libav protocols are not allowed)");
	struct stat st;
	if (stat(path, &st) != 0) {
		int en = errno;
		return err_set(e, err_errno_code(en), "%s", err_errno_cause(en));
	}
	if (!S_ISREG(st.st_mode))
		return err_set(e, VE_INVAL, "not a regular file (it is %s)", file_kind(st.st_mode));
	return 0;
}

/* Reads up to n bytes from the start of path into buf; the count, or -1 with errno set. */
static ssize_t read_head(const char *path, uint8_t *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, buf + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	return (ssize_t)got;
}

/* Refuses a playlist demuxer before libav's own open would follow what it names. */
static int check_demuxer(const char *name, const uint8_t *head, size_t n, vidc_err *e)
{
	AVProbeData pd = {name, (unsigned char *)head, (int)n, NULL};
	const AVInputFormat *f = av_probe_input_format(&pd, 1);
	if (f && blocked_name(f->name))
		return err_set(e, VE_DENIED, "it is a %s playlist or stream description; the files and "
			       "URLs it names are not read", f->name);
	return 0;
}

#define HEAD_BYTES 4096

int media_image_size(const char *path, int64_t *w, int64_t *h, vidc_err *e)
{
	int rc = local_file(path, e);
	if (rc)
		return rc;
	/* JPEG's frame header may follow large EXIF and ICC segments. */
	size_t cap = (size_t)1 << 20;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return err_set(e, VE_NOMEM, "out of memory");
	ssize_t n = read_head(path, buf, cap);
	if (n < 0)
		rc = err_set(e, err_errno_code(errno), "%s", err_errno_cause(errno));
	else
		rc = media_probe_size(buf, (size_t)n, w, h);
	free(buf);
	return rc;
}

int media_image_check(const char *path, vidc_err *e)
{
	int64_t w, h;
	int rc = media_image_size(path, &w, &h, e);
	return rc == 0 ? media_check_pixels(w, h, e) : rc > 0 ? 0 : rc;
}

static AVDictionary *open_options(void)
{
	AVDictionary *o = NULL;
	av_dict_set(&o, "protocol_whitelist", "file", 0);
	av_dict_set(&o, "format_whitelist", format_whitelist, 0);
	return o;
}

/* Checks declared picture sizes, then reads stream info with every decoder's pixel limit set. */
static int find_info(AVFormatContext *f, vidc_err *e)
{
	int rc;
	for (unsigned i = 0; i < f->nb_streams; i++) {
		const AVCodecParameters *par = f->streams[i]->codecpar;
		if (par->codec_type == AVMEDIA_TYPE_VIDEO && par->width > 0 && par->height > 0 &&
		    (rc = media_check_pixels(par->width, par->height, e)))
			return rc;
	}
	AVDictionary **opts = f->nb_streams ? av_calloc(f->nb_streams, sizeof *opts) : NULL;
	if (f->nb_streams && !opts)
		return err_set(e, VE_NOMEM, "out of memory");
	for (unsigned i = 0; i < f->nb_streams; i++)
		av_dict_set_int(&opts[i], "max_pixels", MEDIA_MAX_PIXELS, 0);
	int ret = avformat_find_stream_info(f, opts);
	for (unsigned i = 0; i < f->nb_streams; i++)
		av_dict_free(&opts[i]);
	av_free(opts);
	if (ret < 0)
		return media_err(e, VE_DECODE, ret);
	return 0;
}

int media_open(AVFormatContext **fmt, const char *path, vidc_err *e)
{
	*fmt = NULL;
	int rc = local_file(path, e);
	if (rc)
		return rc;
	pthread_once(&whitelist_once, build_whitelist);
	if (!format_whitelist)
		return err_set(e, VE_NOMEM, "out of memory");
	uint8_t head[HEAD_BYTES + AVPROBE_PADDING_SIZE] = {0};
	ssize_t n = read_head(path, head, HEAD_BYTES);
	if (n < 0)
		return err_set(e, err_errno_code(errno), "%s", err_errno_cause(errno));
	if ((rc = check_demuxer(path, head, (size_t)n, e)))
		return rc;
	/* "file:" keeps libav from reading a protocol into a name such as "a:b.png". */
	char *url = av_asprintf("file:%s", path);
	AVDictionary *o = open_options();
	if (!url || !o) {
		av_free(url);
		av_dict_free(&o);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	int ret = avformat_open_input(fmt, url, NULL, &o);
	av_dict_free(&o);
	av_free(url);
	if (ret < 0)
		return media_err(e, VE_DECODE, ret);
	if ((rc = find_info(*fmt, e)))
		media_close(fmt);
	return rc;
}

/* ---- media in memory ------------------------------------------------------------------------ */

typedef struct {
	const uint8_t *d;
	size_t len, pos;
} membuf;

static int mem_read(void *opaque, uint8_t *buf, int n)
{
	membuf *m = opaque;
	size_t left = m->len - m->pos;
	if (left == 0)
		return AVERROR_EOF;
	if ((size_t)n > left)
		n = (int)left;
	memcpy(buf, m->d + m->pos, (size_t)n);
	m->pos += (size_t)n;
	return n;
}

static int64_t mem_seek(void *opaque, int64_t off, int whence)
{
	membuf *m = opaque;
	if (whence & AVSEEK_SIZE)
		return (int64_t)m->len;
	int64_t base = (whence & 3) == SEEK_CUR ? (int64_t)m->pos : (whence & 3) == SEEK_END ? (int64_t)m->len : 0;
	int64_t p = base + off;
	if (p < 0 || p > (int64_t)m->len)
		return AVERROR(EINVAL);
	m->pos = (size_t)p;
	return p;
}

static void free_memio(AVIOContext *io)
{
	if (!io)
		return;
	free(io->opaque);
	av_freep(&io->buffer);
	avio_context_free(&io);
}

int media_open_memory(AVFormatContext **fmt, const void *data, size_t len, vidc_err *e)
{
	*fmt = NULL;
	pthread_once(&whitelist_once, build_whitelist);
	if (!format_whitelist)
		return err_set(e, VE_NOMEM, "out of memory");
	uint8_t head[HEAD_BYTES + AVPROBE_PADDING_SIZE] = {0};
	memcpy(head, data, len < HEAD_BYTES ? len : HEAD_BYTES);
	int rc = check_demuxer("", head, len < HEAD_BYTES ? len : HEAD_BYTES, e);
	if (rc)
		return rc;
	membuf *m = malloc(sizeof *m);
	uint8_t *iobuf = av_malloc(65536);
	AVIOContext *io = m && iobuf ? avio_alloc_context(iobuf, 65536, 0, m, mem_read, NULL, mem_seek) : NULL;
	AVFormatContext *f = io ? avformat_alloc_context() : NULL;
	AVDictionary *o = f ? open_options() : NULL;
	if (!o) {
		if (!io) {
			free(m);
			av_free(iobuf);
		}
		free_memio(io);
		avformat_free_context(f);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	*m = (membuf){data, len, 0};
	f->pb = io;
	int ret = avformat_open_input(&f, NULL, NULL, &o); /* frees f on failure, never io */
	av_dict_free(&o);
	if (ret < 0) {
		free_memio(io);
		return media_err(e, VE_DECODE, ret);
	}
	*fmt = f;
	if ((rc = find_info(f, e)))
		media_close(fmt);
	return rc;
}

void media_close(AVFormatContext **fmt)
{
	if (!fmt || !*fmt)
		return;
	AVIOContext *io = (*fmt)->flags & AVFMT_FLAG_CUSTOM_IO ? (*fmt)->pb : NULL;
	avformat_close_input(fmt);
	free_memio(io);
}

/* ---- decoding ------------------------------------------------------------------------------- */

int media_open_decoder(AVFormatContext *fmt, int si, int flags, AVCodecContext **dec, vidc_err *e)
{
	*dec = NULL;
	if (si < 0 || (unsigned)si >= fmt->nb_streams)
		return err_set(e, VE_DECODE, "no such stream");
	const AVStream *st = fmt->streams[si];
	const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
	if (!codec)
		return err_set(e, VE_DECODE, "no decoder for %s", avcodec_get_name(st->codecpar->codec_id));
	AVCodecContext *d = avcodec_alloc_context3(codec);
	if (!d || avcodec_parameters_to_context(d, st->codecpar) < 0) {
		avcodec_free_context(&d);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	if (st->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
		d->pkt_timebase = st->time_base; /* else MP3/Vorbis warn about padding */
	d->max_pixels = MEDIA_MAX_PIXELS;
	if (flags & MEDIA_DEC_STRICT)
		d->err_recognition = AV_EF_EXPLODE | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_CRCCHECK;
	if (flags & MEDIA_DEC_THREADS) {
		/* Frame threads: the output is the same frames in the same order, only sooner. */
		d->thread_count = 0;
		d->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
	} else {
		d->thread_count = 1;
	}
	int ret = avcodec_open2(d, codec, NULL);
	if (ret < 0) {
		avcodec_free_context(&d);
		return media_err(e, VE_DECODE, ret);
	}
	*dec = d;
	return 0;
}

/* Feeds stream si's packets to dec until one frame comes out. 0, or a libav error code. */
static int first_frame(AVFormatContext *fmt, int si, AVCodecContext *dec, AVPacket *pkt, AVFrame *fr)
{
	int eof = 0, ret;
	for (;;) {
		if (!eof) {
			ret = av_read_frame(fmt, pkt);
			if (ret == AVERROR_EOF) {
				eof = 1;
				avcodec_send_packet(dec, NULL);
			} else if (ret < 0) {
				return ret;
			} else {
				ret = pkt->stream_index == si ? avcodec_send_packet(dec, pkt) : 0;
				av_packet_unref(pkt);
				if (ret < 0 && ret != AVERROR(EAGAIN))
					return ret;
			}
		}
		ret = avcodec_receive_frame(dec, fr);
		if (ret == AVERROR(EAGAIN) && !eof)
			continue;
		return ret;
	}
}

int media_decode_picture(const char *path, AVFrame **out, vidc_err *e)
{
	AVFormatContext *fmt = NULL;
	AVCodecContext *dec = NULL;
	AVPacket *pkt = NULL;
	AVFrame *fr = NULL;
	*out = NULL;
	int rc = media_image_check(path, e);
	if (rc || (rc = media_open(&fmt, path, e)))
		return rc;
	int si = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (si < 0) {
		rc = err_set(e, VE_DECODE, "no picture in the file");
		goto done;
	}
	if ((rc = media_open_decoder(fmt, si, MEDIA_DEC_STRICT, &dec, e)))
		goto done;
	if (!(pkt = av_packet_alloc()) || !(fr = av_frame_alloc())) {
		rc = err_set(e, VE_NOMEM, "out of memory");
		goto done;
	}
	int ret = first_frame(fmt, si, dec, pkt, fr);
	if (ret == AVERROR_EOF || ret == AVERROR(EAGAIN) || ret > 0)
		rc = err_set(e, VE_DECODE, "no complete picture in the file (truncated?)");
	else if (ret < 0)
		rc = media_err(e, VE_DECODE, ret);
	else if ((rc = media_check_pixels(fr->width, fr->height, e)))
		;
	else if (fr->decode_error_flags || (fr->flags & AV_FRAME_FLAG_CORRUPT))
		rc = err_set(e, VE_DECODE, "corrupt or truncated picture data");
	if (!rc) {
		*out = fr;
		fr = NULL;
	}
done:
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&dec);
	media_close(&fmt);
	return rc;
}

/* ---- audio ---------------------------------------------------------------------------------- */

typedef struct {
	const media_audio_opts *o;
	SwrContext *swr;
	media_audio_sink sink;
	void *ctx;
	float *tmp; /* one resampler call's output */
	int64_t n, tmpcap, drop;
} audio_acc;

/* Resamples one decoded frame (fr NULL: flushes the resampler) and hands the frames kept to the
 * sink. 1 when the maximum is reached, 0 to go on, or a VE_* code. */
static int take(audio_acc *a, const AVFrame *fr, vidc_err *e)
{
	int ch = a->o->channels;
	int want = swr_get_out_samples(a->swr, fr ? fr->nb_samples : 0);
	if (want < 0)
		want = 0;
	if (want + 16 > a->tmpcap) {
		float *nt = realloc(a->tmp, sizeof(float) * (size_t)ch * (size_t)(want + 16));
		if (!nt)
			return err_set(e, VE_NOMEM, "out of memory");
		a->tmp = nt;
		a->tmpcap = want + 16;
	}
	uint8_t *o[1] = {(uint8_t *)a->tmp};
	int got = fr ? swr_convert(a->swr, o, (int)a->tmpcap, (const uint8_t **)fr->extended_data,
				   fr->nb_samples)
		     : swr_convert(a->swr, o, (int)a->tmpcap, NULL, 0);
	if (got < 0)
		return media_err(e, VE_DECODE, got);
	const float *src = a->tmp;
	if (a->drop > 0) {
		int64_t d = a->drop < got ? a->drop : got;
		a->drop -= d;
		src += ch * d;
		got -= (int)d;
	}
	int64_t max = a->o->max;
	if (max >= 0 && a->n + got > max)
		got = (int)(max - a->n);
	if (got > 0) {
		int rc = a->sink(a->ctx, src, got, e);
		if (rc)
			return rc < 0 ? rc : err_set(e, VE_INVAL, "the audio sink returned %d", rc);
		a->n += got;
	}
	return max >= 0 && a->n >= max;
}

/* The resampler from dec's format to o's float layout at rate. */
static int open_swr(SwrContext **swr, const AVCodecContext *dec, int channels, int rate, vidc_err *e)
{
	AVChannelLayout inl, outl;
	av_channel_layout_default(&outl, channels);
	if (dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || dec->ch_layout.nb_channels <= 0)
		av_channel_layout_default(&inl, dec->ch_layout.nb_channels > 0 ? dec->ch_layout.nb_channels
										   : channels);
	else if (av_channel_layout_copy(&inl, &dec->ch_layout) < 0)
		return err_set(e, VE_NOMEM, "out of memory");
	int ret = swr_alloc_set_opts2(swr, &outl, AV_SAMPLE_FMT_FLT, rate, &inl, dec->sample_fmt,
				      dec->sample_rate, 0, NULL);
	av_channel_layout_uninit(&inl);
	if (ret < 0 || (ret = swr_init(*swr)) < 0)
		return media_err(e, VE_DECODE, ret);
	return 0;
}

/* One decoding of an audio stream, advanced a packet at a time: the loop both the sink entry
 * points (run to the end) and the pull reader (run until it has frames to hand out) share. */
typedef struct {
	AVFormatContext *fmt;
	AVCodecContext *dec;
	AVPacket *pkt;
	AVFrame *fr;
	int si, eof, finished;
	audio_acc a;
} audio_pump;

/* Opens the decoder and resampler of fmt's best audio stream for o; *rate gets the output rate.
 * A file without audio is a finished pump when o->silent_ok. 0 or a VE_* code (then call
 * pump_close all the same). */
static int pump_open(audio_pump *p, AVFormatContext *fmt, const media_audio_opts *o, media_audio_sink sink,
		     void *ctx, int *rate, vidc_err *e)
{
	memset(p, 0, sizeof *p);
	p->fmt = fmt;
	p->a = (audio_acc){o, NULL, sink, ctx, NULL, 0, 0, o->skip > 0 ? o->skip : 0};
	*rate = o->rate;
	p->si = -1;
	if (o->channels < 1 || o->channels > 2)
		return err_set(e, VE_INVAL, "audio must be decoded to 1 or 2 channels");
	p->si = av_find_best_stream(fmt, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	if (p->si < 0) {
		p->finished = 1;
		return o->silent_ok ? 0 : err_set(e, VE_DECODE, "no audio stream in the file");
	}
	int rc = media_open_decoder(fmt, p->si, 0, &p->dec, e);
	if (!rc && p->dec->sample_rate <= 0)
		rc = err_set(e, VE_DECODE, "the audio has no sample rate");
	else if (!rc && p->dec->sample_rate > MEDIA_MAX_RATE)
		rc = err_set(e, VE_LIMIT, "the audio's sample rate (%d Hz) is above the limit of %d Hz",
			     p->dec->sample_rate, MEDIA_MAX_RATE);
	if (!rc) {
		*rate = o->rate > 0 ? o->rate : p->dec->sample_rate;
		rc = open_swr(&p->a.swr, p->dec, o->channels, *rate, e);
	}
	if (!rc && (!(p->pkt = av_packet_alloc()) || !(p->fr = av_frame_alloc())))
		rc = err_set(e, VE_NOMEM, "out of memory");
	return rc;
}

static void pump_close(audio_pump *p)
{
	av_frame_free(&p->fr);
	av_packet_free(&p->pkt);
	free(p->a.tmp);
	p->a.tmp = NULL;
	swr_free(&p->a.swr);
	avcodec_free_context(&p->dec);
}

/* One packet of stream si through the decoder and every frame it gives through take(); at the
 * end of the file, the decoder's and the resampler's tails. Sets p->finished. 0 or a VE_* code. */
static int pump_step(audio_pump *p, vidc_err *e)
{
	int rc = 0;
	if (p->finished)
		return 0;
	if (!p->eof) {
		if (av_read_frame(p->fmt, p->pkt) < 0) {
			p->eof = 1;
			avcodec_send_packet(p->dec, NULL);
		} else {
			if (p->pkt->stream_index == p->si)
				avcodec_send_packet(p->dec, p->pkt); /* a bad packet is skipped, not fatal */
			av_packet_unref(p->pkt);
		}
	}
	for (;;) {
		int ret = avcodec_receive_frame(p->dec, p->fr);
		if (ret == AVERROR(EAGAIN) && !p->eof)
			break;
		int flush = ret < 0; /* decoder drained: flush the resampler */
		rc = take(&p->a, flush ? NULL : p->fr, e);
		if (!flush)
			av_frame_unref(p->fr);
		if (rc || flush) {
			p->finished = 1;
			break;
		}
	}
	return rc < 0 ? rc : 0;
}

int media_decode_audio_to(AVFormatContext *fmt, const media_audio_opts *o, media_audio_sink sink,
			  void *ctx, int64_t *frames, int *rate, vidc_err *e)
{
	*frames = 0;
	audio_pump p;
	int rc = pump_open(&p, fmt, o, sink, ctx, rate, e);
	while (!rc && !p.finished)
		rc = pump_step(&p, e);
	if (!rc && p.si >= 0 && p.a.n == 0 && o->skip <= 0)
		rc = err_set(e, VE_DECODE, "no audio could be decoded");
	if (!rc)
		*frames = p.a.n;
	pump_close(&p);
	return rc;
}

/* media_decode_audio's sink: one growing float buffer. */
typedef struct {
	float *buf;
	int64_t n, cap;
	int ch;
} audio_buf;

static int buf_sink(void *ctx, const float *pcm, int64_t frames, vidc_err *e)
{
	audio_buf *b = ctx;
	if (b->n + frames > b->cap) {
		int64_t nc = b->cap ? b->cap * 2 : 65536;
		while (nc < b->n + frames)
			nc *= 2;
		float *nb = realloc(b->buf, sizeof(float) * (size_t)b->ch * (size_t)nc);
		if (!nb)
			return err_set(e, VE_NOMEM, "out of memory");
		b->buf = nb;
		b->cap = nc;
	}
	memcpy(b->buf + b->ch * b->n, pcm, sizeof(float) * (size_t)b->ch * (size_t)frames);
	b->n += frames;
	return 0;
}

/* The whole-buffer entry points' end: the decoded frames go to *pcm when rc is 0, else they are
 * freed and *pcm is NULL. Returns rc. */
static int buf_hand_over(audio_buf *b, int rc, float **pcm)
{
	*pcm = rc ? NULL : b->buf;
	if (rc)
		free(b->buf);
	return rc;
}

int media_decode_audio(AVFormatContext *fmt, const media_audio_opts *o, float **pcm,
		       int64_t *frames, int *rate, vidc_err *e)
{
	audio_buf b = {NULL, 0, 0, o->channels};
	return buf_hand_over(&b, media_decode_audio_to(fmt, o, buf_sink, &b, frames, rate, e), pcm);
}

int media_audio_file_to(const char *path, const media_audio_opts *o, media_audio_sink sink, void *ctx,
			int64_t *frames, int *rate, vidc_err *e)
{
	AVFormatContext *fmt = NULL;
	*frames = 0;
	*rate = o->rate;
	int rc = media_open(&fmt, path, e);
	if (!rc)
		rc = media_decode_audio_to(fmt, o, sink, ctx, frames, rate, e);
	media_close(&fmt);
	return rc;
}

int media_audio_file(const char *path, const media_audio_opts *o, float **pcm, int64_t *frames,
		     int *rate, vidc_err *e)
{
	audio_buf b = {NULL, 0, 0, o->channels};
	return buf_hand_over(&b, media_audio_file_to(path, o, buf_sink, &b, frames, rate, e), pcm);
}

/* The pull reader: a pump whose sink fills the pending frames read() hands out. */
struct media_audio_reader {
	AVFormatContext *fmt;
	media_audio_opts o;
	audio_pump p;
	audio_buf pend; /* decoded frames not handed out yet: pend.buf[off..pend.n) */
	int64_t off;
};

int media_audio_reader_open(media_audio_reader **out, const char *path, const media_audio_opts *o,
			    vidc_err *e)
{
	*out = NULL;
	media_audio_reader *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, VE_NOMEM, "out of memory");
	r->o = *o;
	r->pend.ch = o->channels;
	int rate;
	int rc = media_open(&r->fmt, path, e);
	if (!rc)
		rc = pump_open(&r->p, r->fmt, &r->o, buf_sink, &r->pend, &rate, e);
	if (rc) {
		media_audio_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int64_t media_audio_reader_read(media_audio_reader *r, float *pcm, int64_t n, vidc_err *e)
{
	int64_t got = 0;
	int ch = r->o.channels;
	while (got < n) {
		if (r->off == r->pend.n) {
			r->off = r->pend.n = 0;
			if (r->p.finished)
				break;
			int rc = pump_step(&r->p, e);
			if (rc)
				return rc;
			continue;
		}
		int64_t k = r->pend.n - r->off < n - got ? r->pend.n - r->off : n - got;
		memcpy(pcm + ch * got, r->pend.buf + ch * r->off, sizeof(float) * (size_t)ch * (size_t)k);
		r->off += k;
		got += k;
	}
	return got;
}

void media_audio_reader_free(media_audio_reader *r)
{
	if (!r)
		return;
	pump_close(&r->p);
	free(r->pend.buf);
	media_close(&r->fmt);
	free(r);
}

int media_resample(const float *in, int64_t n, int channels, int from, int to, float **out,
		   int64_t *outn, vidc_err *e)
{
	*out = NULL;
	*outn = 0;
	if (from <= 0 || to <= 0 || from > MEDIA_MAX_RATE || to > MEDIA_MAX_RATE || channels < 1 || channels > 2 || n < 0 || n > INT32_MAX)
		return err_set(e, VE_INVAL, "cannot resample %d Hz to %d Hz", from, to);
	SwrContext *swr = NULL;
	AVChannelLayout l;
	av_channel_layout_default(&l, channels);
	if (swr_alloc_set_opts2(&swr, &l, AV_SAMPLE_FMT_FLT, to, &l, AV_SAMPLE_FMT_FLT, from, 0, NULL) < 0 ||
	    swr_init(swr) < 0) {
		swr_free(&swr);
		return err_set(e, VE_INVAL, "cannot resample %d Hz to %d Hz", from, to);
	}
	int64_t cap = (int64_t)((double)n * to / from) + 256;
	float *o = cap < INT32_MAX ? malloc(sizeof(float) * (size_t)channels * (size_t)cap) : NULL;
	if (!o) {
		swr_free(&swr);
		return err_set(e, VE_NOMEM, "out of memory");
	}
	const uint8_t *ip[1] = {(const uint8_t *)in};
	uint8_t *op[1] = {(uint8_t *)o};
	int got = swr_convert(swr, op, (int)cap, ip, (int)n);
	int64_t k = got > 0 ? got : 0;
	op[0] = (uint8_t *)(o + channels * k);
	got = swr_convert(swr, op, (int)(cap - k), NULL, 0);
	k += got > 0 ? got : 0;
	swr_free(&swr);
	*out = o;
	*outn = k;
	return 0;
}
