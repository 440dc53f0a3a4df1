/* blkdev_stream.h: sequential reads of a file or disk, read ahead asynchronously in chunks. */
#ifndef GUEST_BLKDEV_STREAM_H
#define GUEST_BLKDEV_STREAM_H

#include <guest/blkdev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A program that reads a file from start to end, a piece at a time
 * (sha256sum: 128 KiB), gets its pieces from chunks of the file that the
 * device filled while the program worked on the ones before: when it has
 * read the whole of one chunk, that chunk's buffer is posted again for the
 * part of the file after the others (one VM exit per chunk). Like the
 * page cache's read-ahead on Linux, but the reading happens on the host's
 * other core; and like it, the fills start small and double, so reading
 * the start of a large file does not read megabytes.
 */
#define BLKDEV_STREAM_CHUNKS   3u
#define BLKDEV_STREAM_CHUNK    (8u << 20)   /* the most one chunk holds */
#define BLKDEV_STREAM_FIRST    (256u << 10) /* the first fill after a restart; each next doubles */
#define BLKDEV_STREAM_REQS_MAX 16u          /* disk requests one chunk may take */

/*
 * Maps the stream's bytes [off, off + len) (off a multiple of the stream's
 * align) to disk reads into buf[0..len): fills reqs[0..n) and returns n (at
 * most max), with *mapped = how many bytes from off those reads and what it
 * filled itself (holes, newer cached blocks) cover, a multiple of align
 * unless it reaches the end; or -errno (-EAGAIN: not this way, read it the
 * usual way).
 */
typedef int (*blkdev_stream_map_fn)(void *ctx, uint64_t off, size_t len, uint8_t *buf,
                                    struct blkdev_req *reqs, size_t max, size_t *mapped);

struct blkdev_stream_chunk {
  uint8_t *buf;
  size_t cap;       /* bytes at buf */
  uint64_t off;     /* stream offset of buf[0] */
  size_t len;       /* bytes of the stream in buf; 0: holds nothing */
  size_t nreqs;     /* reads posted for it (their records must complete before buf is reused) */
  uint32_t pending; /* bit i: recs[i] not seen complete yet */
  int err;          /* the first failed read's error */
  uint32_t req_at[BLKDEV_STREAM_REQS_MAX], req_len[BLKDEV_STREAM_REQS_MAX]; /* in buf */
  struct blkdev_async recs[BLKDEV_STREAM_REQS_MAX];
};

struct blkdev_stream {
  uint64_t size; /* the stream's length in bytes */
  uint32_t align;
  blkdev_stream_map_fn map;
  void *ctx;
  uint64_t next; /* where the last read ended */
  size_t window; /* the next fill's size */
  size_t chunk;  /* the most a chunk holds: BLKDEV_STREAM_CHUNK, less on a tight budget */
  bool failed;   /* no memory for the chunks: every read goes the usual way */
  struct blkdev_stream_chunk chunks[BLKDEV_STREAM_CHUNKS];
};

/* A stream of SIZE bytes read through MAP, chunks starting at multiples of ALIGN. */
void blkdev_stream_init(struct blkdev_stream *s, uint64_t size, uint32_t align,
                        blkdev_stream_map_fn map, void *ctx);

/*
 * Reads up to len bytes at off: what the chunks hold, filling them as
 * needed, when the read continues the previous one, starts at 0, or finds
 * its first byte in a chunk; otherwise -EAGAIN (random access: read the
 * usual way). Short at the stream's end; -errno on a failed read.
 */
ssize_t blkdev_stream_read(struct blkdev_stream *s, void *buf, size_t len, uint64_t off);

/* Forgets what the chunks hold (the data changed), the stream now SIZE bytes long. */
void blkdev_stream_drop(struct blkdev_stream *s, uint64_t size);

/* Waits for the reads in flight and frees the chunks. */
void blkdev_stream_free(struct blkdev_stream *s);

#endif
