/*
 * stage_voice.c - script -> narration (stage.h): the script's sections spoken by the chosen
 * provider (voice.h), written as a 48 kHz WAV and the word-timing JSON specs anchor to.
 */
#include <stdio.h>
#include <string.h>

#include "stage.h"
#include "stage_priv.h"

static void on_voice_progress(void *ud, int done, int total)
{
	const stage_cb *cb = ud;
	cb->progress(cb->ud, "voice", done, total);
}

/* VOICE_E* -> VE_*. */
static int voice_code(int rc)
{
	switch (rc) {
	case VOICE_ENOMEM: return VE_NOMEM;
	case VOICE_EIO: return VE_IO;
	case VOICE_ECANCELED: return VE_CANCELED;
	case VOICE_EPROVIDER: return VE_PROTOCOL;
	case VOICE_ETRANSIENT: return VE_NET;
	default: return VE_INVAL;
	}
}

int stage_voice(const stage_voice_opts *o, const stage_cb *cb, stage_voice_result *r, vidc_err *e)
{
	memset(r, 0, sizeof *r);
	if (!o->wav || !o->timing || (!o->script == !o->preview))
		return err_set(e, VE_INVAL, "voice: give a script or a preview text, and both outputs");
	if (stage_canceled(cb, "voice", e))
		return VE_CANCELED;
	char err[2048];
	voice_script s;
	int rc = o->preview ? voice_script_text(o->preview, &s) : voice_script_load(o->script, &s, err, sizeof err);
	if (rc < 0)
		return err_set(e, voice_code(rc), "%s", rc == VOICE_ENOMEM ? "out of memory" : err);
	if (s.n == 0) {
		voice_script_free(&s);
		return err_set(e, VE_INVAL, "the text to speak is empty");
	}
	voice_opts vo = o->voice;
	vo.log = stage_log_open(cb, "voice");
	vo.cancel = stage_cancel_flag(cb);
	if (cb && cb->progress) {
		vo.on_progress = on_voice_progress;
		vo.progress_ud = (void *)cb;
	}
	voice_track t;
	rc = voice_make(&vo, &s, &t, err, sizeof err);
	voice_script_free(&s);
	if (vo.log)
		fclose(vo.log);
	if (rc < 0)
		return err_set(e, voice_code(rc), "%s", err);
	rc = voice_write_wav(o->wav, t.pcm, t.n, VOICE_RATE, err, sizeof err);
	if (rc == 0)
		rc = voice_write_timing(o->timing, &t, err, sizeof err);
	if (rc < 0) {
		rc = err_set(e, voice_code(rc), "%s", err);
	} else {
		r->words = t.nwords;
		r->sections = t.nsections;
		r->seconds = (double)t.n / VOICE_RATE;
	}
	voice_track_free(&t);
	return rc < 0 ? rc : 0;
}
