/*
 * piececache.h - what a piece of a split render is made of, as a hash, and the cache of encoded
 * pieces under those hashes (pipeline/pieces.c renders and joins them).
 *
 * A piece's content hash covers exactly what decides its pixels: the IR restricted to its
 * frames (ir_dump_key: the header, the chapters aside, every node whose range meets the
 * piece's frames except audio, the caption words; numbers exact, source positions left out)
 * and the SHA-256 of every file those nodes read (images, clips, Lua hooks and effects with
 * every picture and font file of their folder, which canvas:image and canvas:text may read by a
 * name the hook computes; font files named by path). Its
 * cache key adds what decides the bytes: the encoder settings (rt_render_settings) and vidc
 * itself (the SHA-256 of the running executable, so a rebuilt vidc never reuses old pieces).
 *
 * The joined soundtrack (the AAC stream the join copies, runtime/join.h) is cached the same way
 * under a key of the audio alone (pcache_soundtrack), so a video-only edit joins without mixing.
 *
 * The cache is a folder of DIR/ab/KEY.mp4 files placed by rename (concurrent renders, on one
 * machine or sharing a folder, never see half a piece); a file's mtime is its last use, and
 * the oldest go when the folder is over its size limit (LRU).
 */
#ifndef VIDC_PIECECACHE_H
#define VIDC_PIECECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../compiler/ir.h"

/* The default size limit of the cache folder. */
#define PCACHE_DEFAULT_MAX (2LL << 30)

typedef struct pcache_hasher pcache_hasher;

/* A hasher for one program: dumps it once and remembers the hashes of the files it read, so a
 * render hashes each asset once. NULL on out of memory. */
pcache_hasher *pcache_hasher_new(const ir_program *p);
void pcache_hasher_free(pcache_hasher *h);

/* The content hash of frames [first, first + nframes) of the program (hex SHA-256). VE_IO when
 * an asset cannot be read, VE_LIMIT when a hook's folder is too large to hash (the piece is
 * then not cacheable). */
int pcache_content(pcache_hasher *h, int64_t first, int64_t nframes, char hex[65], vidc_err *e);

/* The content hash of the program's soundtrack (hex SHA-256): what decides the mix's samples
 * and nothing of the pictures: the timeline's length and frame rate, the mix node (inputs,
 * loudness target, true-peak ceiling), every audio node (source, start, trim, gain curve, fades,
 * loop, ducking, frame range) with the SHA-256 of the file it reads, and every clip whose sound is
 * an input (its speed and trim). Keyed with join_soundtrack_settings, the cached soundtrack
 * survives an edit of titles, pictures or effects. VE_IO when a sound file cannot be read. */
int pcache_soundtrack(pcache_hasher *h, char hex[65], vidc_err *e);

/* The cache key: the content hash, the encoder settings line and vidc's own hash. */
int pcache_key(const char *content, const char *settings, char hex[65], vidc_err *e);

/* The cache folder: dir, else $VIDC_CACHE_DIR/pieces, $XDG_CACHE_HOME/vidc/pieces or
 * ~/.cache/vidc/pieces; created. */
int pcache_dir(const char *dir, char *out, size_t n, vidc_err *e);

/* 1 with path set (and the file's last use moved to now) when key is cached; 0 when not. */
int pcache_get(const char *dir, const char *key, char *path, size_t n);

/* Where key's piece lives (its subfolder created): a render writes it there directly (rt_render
 * renames its temp file into place). 0 or VE_IO. */
int pcache_path(const char *dir, const char *key, char *path, size_t n, vidc_err *e);

/* Puts the finished file src into the cache under key (a hard link when it can, else a copy;
 * src stays). 0 or a VE_* code. */
int pcache_put(const char *dir, const char *key, const char *src, vidc_err *e);

/* Removes the least recently used pieces until the folder holds at most max_bytes, sparing
 * those used at or after keep_since (seconds since the epoch; 0 spares none). Returns how many
 * it removed. */
int pcache_evict(const char *dir, int64_t max_bytes, double keep_since);

#endif
