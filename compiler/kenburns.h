/*
 * kenburns.h - the checker's Ken Burns warning (issue 16): a pan, from a kenburns block or
 * keyframed pan_x/pan_y, that the zoom does not let the picture show. The runtime maps such a
 * path smoothly into reach (ir_pan_fit in ir.h); this warns at the statement that set the pan,
 * per preset, with the zoom the path needs and where it moves instead [-Wpan-range]. Internal to
 * compiler/.
 */
#ifndef VIDC_KENBURNS_H
#define VIDC_KENBURNS_H

#include "checker.h"

/* Checks every picture layer of the spec (scenes and overlays) against every preset it names.
 * Runs once the spec is read: the presets and the layers are all known then. */
void kb_check(checker_t *c);

#endif
