/* video.c - placeholder */
#include "rterr.h"
#include "source.h"

static int video_prepare(rt_graph *g, const ir_node *n, void **state, char *err, size_t errlen)
{
	return rterr_node(RT_EUNSUPPORTED, graph_program(g), n, err, errlen, "video sources are not supported yet");
}

static int video_frame(rt_graph *g, const ir_node *n, void *state, int64_t f, src_view *v, char *err, size_t errlen)
{
	return RT_EUNSUPPORTED;
}

static void video_release(void *state)
{
}

const src_ops video_source = {video_prepare, video_frame, video_release};
