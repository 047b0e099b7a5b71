/*
 * audio.c - the mix (see audio.h). Placeholder: silence.
 */
#include "audio.h"

#include <stdlib.h>
#include <string.h>

#include "rterr.h"

struct aud_mix {
	int64_t pos;
};

int aud_open(aud_mix_t **m, const ir_program *p, int64_t first_sample, char *err, size_t errlen)
{
	*m = calloc(1, sizeof **m);
	if (!*m)
		return rterr_node(RT_ENOMEM, p, NULL, err, errlen, "out of memory");
	(*m)->pos = first_sample;
	return 0;
}

void aud_read(aud_mix_t *m, float *lr, int n)
{
	memset(lr, 0, sizeof(float) * 2 * (size_t)n);
	m->pos += n;
}

void aud_free(aud_mix_t *m)
{
	free(m);
}
