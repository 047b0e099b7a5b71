/*
 * group.c - a group's children (see group.h). A child is read as any layer of a scene, in a
 * time frame that starts at the group's start plus its offset and ends with the group, so its
 * keys, fades and anchors resolve to times on the video timeline: the runtime draws children
 * at the same frame as everything else and never shifts time.
 */
#include "group.h"

#include <string.h>

#include "layer.h"

void group_read(checker_t *c, const ast_stmt *st, mlayer *G, int depth)
{
	double g0 = checker_sec(c, G->f0), g1 = checker_sec(c, G->f1);
	if (G->offset < 0 || (G->offset > 0 && g0 + G->offset >= g1)) {
		diag_err(c->d, DE_TIMING, G->offset_sp, "group '%s' has offset %.3fs: it must be 0 or more and less than the group's length (%.3fs)",
			 G->group_name, G->offset, g1 - g0);
		G->offset = 0;
	}
	double base = g0 + G->offset;
	int64_t f0 = checker_frame(c, base);
	if (f0 > G->f1)
		f0 = G->f1;
	layer_frame fr = {base, g1 - base, f0, G->f1, "group"};
	int nlayers = 0; /* written, even if refused: a group too deep is not also empty */
	for (int i = 0; i < st->nbody; i++) {
		const ast_stmt *p = st->body[i];
		int k = layer_kind(p->head);
		if (k < 0)
			continue; /* a property of the group itself: layer.c read it */
		int is_group = !strcmp(p->head, "group");
		nlayers++;
		if (is_group && depth >= IR_GROUP_MAX_DEPTH) {
			diag_err(c->d, DE_LIMIT, p->sp, "groups nest at most %d deep (a scene's group is the first)",
				 IR_GROUP_MAX_DEPTH);
			continue;
		}
		mlayer *L = ARENA_PUSH(c->a, G->kids, G->nkids, G->ckids);
		layer_read(c, p, k, L, &fr);
		if (is_group)
			group_read(c, p, L, depth + 1);
	}
	if (!nlayers)
		diag_warn(c->d, DW_EMPTY_GROUP, st->sp, "group '%s' has no layers: it shows nothing", G->group_name);
}

int group_misplaced(checker_t *c, const ast_stmt *st, const char *where)
{
	if (strcmp(st->head, "group"))
		return 0;
	diag_err(c->d, DE_MISPLACED, st->sp, "a group belongs inside a scene, not %s", where);
	return 1;
}
