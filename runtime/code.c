/* code.c - placeholder */
#include "rterr.h"
#include "source.h"

static int code_prepare(rt_graph *g, const ir_node *n, void **state, char *err, size_t errlen)
{
	return rterr_node(RT_EUNSUPPORTED, graph_program(g), n, err, errlen, "code sources are not supported yet");
}

static int code_frame(rt_graph *g, const ir_node *n, void *state, int64_t f, src_view *v, char *err, size_t errlen)
{
	return RT_EUNSUPPORTED;
}

static void code_release(void *state)
{
}

const src_ops code_source = {code_prepare, code_frame, code_release};
