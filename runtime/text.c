/* text.c - placeholder */
#include "rterr.h"
#include "source.h"

static int text_prepare(rt_graph *g, const ir_node *n, void **state, char *err, size_t errlen)
{
	return rterr_node(RT_EUNSUPPORTED, graph_program(g), n, err, errlen, "text sources are not supported yet");
}

static int text_frame(rt_graph *g, const ir_node *n, void *state, int64_t f, src_view *v, char *err, size_t errlen)
{
	return RT_EUNSUPPORTED;
}

static void text_release(void *state)
{
}

const src_ops text_source = {text_prepare, text_frame, text_release};
