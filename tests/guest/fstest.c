/* fstest.c: the guest side of tests/integration/fs.sh: lists, hashes and changes the disk's files.
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- sha256 (FIPS 180-4), small and slow enough for test files ---- */

struct sha256 {
  uint32_t h[8];
  uint64_t bytes;
  uint8_t block[64];
  size_t fill;
};

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

static void sha256_block(struct sha256 *s, const uint8_t *p) {
  uint32_t w[64], v[8];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           p[4 * i + 3];
  for (int i = 16; i < 64; i++)
    w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 7] +
           (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
  memcpy(v, s->h, sizeof(v));
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
                  ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
    uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
                  ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
    memmove(v + 1, v, 7 * sizeof(v[0]));
    v[4] += t1;
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; i++)
    s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, h0, sizeof(h0));
  s->bytes = 0;
  s->fill = 0;
}

static void sha256_update(struct sha256 *s, const void *data, size_t len) {
  const uint8_t *p = data;
  s->bytes += len;
  while (len > 0) {
    size_t n = 64 - s->fill < len ? 64 - s->fill : len;
    memcpy(s->block + s->fill, p, n);
    s->fill += n;
    p += n;
    len -= n;
    if (s->fill == 64) {
      sha256_block(s, s->block);
      s->fill = 0;
    }
  }
}

static void sha256_hex(struct sha256 *s, char out[65]) {
  uint64_t bits = s->bytes * 8;
  uint8_t pad = 0x80, zero = 0, len[8];
  sha256_update(s, &pad, 1);
  while (s->fill != 56)
    sha256_update(s, &zero, 1);
  for (int i = 0; i < 8; i++)
    len[i] = (uint8_t)(bits >> (56 - 8 * i));
  sha256_update(s, len, 8);
  for (int i = 0; i < 8; i++)
    snprintf(out + 8 * i, 9, "%08lx", (unsigned long)s->h[i]);
}

/* ---- helpers ---- */

static int failures;

static void check(int ok, const char *what) {
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok)
    failures++;
}

/* The call failed with the errno expected. */
static void check_err(int r, int want, const char *what) {
  char line[200];
  snprintf(line, sizeof(line), "%s (got %d, errno %s, want %s)", what, r,
           r < 0 ? strerror(errno) : "-", strerror(want));
  check(r < 0 && errno == want, line);
}

static int hash_fd(int fd, char hex[65], long long *size) {
  /* Aligned: large reads then go from the disk to it directly (read_file's buffer is not). */
  static char buf[65536] __attribute__((aligned(4096)));
  struct sha256 s;
  sha256_init(&s);
  *size = 0;
  /* Reads of varying sizes cross block boundaries at different places. */
  size_t want = 1000;
  for (;;) {
    ssize_t n = read(fd, buf, want);
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    sha256_update(&s, buf, (size_t)n);
    *size += n;
    want = want == 1000 ? sizeof(buf) : want == sizeof(buf) ? 4096 : 1000;
  }
  sha256_hex(&s, hex);
  return 0;
}

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int write_file(const char *path, const void *buf, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return -1;
  int r = write_all(fd, buf, len);
  return close(fd) == 0 ? r : -1;
}

static char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0)
    return NULL;
  char *buf = malloc((size_t)st.st_size + 1);
  ssize_t n = buf != NULL ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
  close(fd);
  if (n != st.st_size) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static int file_is(const char *path, const char *want) {
  size_t len;
  char *got = read_file(path, &len);
  int ok = got != NULL && len == strlen(want) && memcmp(got, want, len) == 0;
  free(got);
  return ok;
}

/* ---- tree: every entry under a directory, with sizes and digests ---- */

static int walk(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    printf("opendir %s: %s\n", dir, strerror(errno));
    return 1;
  }
  int bad = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) {
      printf("lstat %s: %s\n", path, strerror(errno));
      bad = 1;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      printf("d %s type=%d\n", path, e->d_type == DT_DIR);
      bad |= walk(path);
    } else if (S_ISREG(st.st_mode)) {
      char hex[65];
      long long size;
      int fd = open(path, O_RDONLY);
      if (fd < 0 || hash_fd(fd, hex, &size) != 0) {
        printf("read %s: %s\n", path, strerror(errno));
        bad = 1;
      } else {
        printf("f %s %lld %s stsize=%lld\n", path, size, hex, (long long)st.st_size);
      }
      if (fd >= 0)
        close(fd);
    } else {
      printf("o %s\n", path);
    }
  }
  closedir(d);
  return bad;
}

/* ---- ops: create, append, rename, truncate, delete, errors ---- */

static void fill_pattern(char *buf, size_t len, unsigned seed) {
  for (size_t i = 0; i < len; i++)
    buf[i] = (char)((i * 7 + i / 4096 + seed) & 0xff);
}

static void ops_files(void) {
  check(mkdir("/work", 0755) == 0, "mkdir /work");
  check(mkdir("/work/sub", 0700) == 0, "mkdir /work/sub");
  check(mkdir("/work/sub/deep", 0755) == 0, "mkdir /work/sub/deep");
  check(write_file("/work/a.txt", "hello\n", 6) == 0, "create /work/a.txt");
  int fd = open("/work/a.txt", O_WRONLY | O_APPEND);
  check(fd >= 0 && write_all(fd, "world\n", 6) == 0 && close(fd) == 0, "append to a.txt");
  check(file_is("/work/a.txt", "hello\nworld\n"), "a.txt reads back appended");

  size_t big = 3 * 1024 * 1024 + 123;
  char *buf = malloc(big);
  fill_pattern(buf, big, 1);
  check(write_file("/work/big.bin", buf, big) == 0, "write 3 MiB file");
  size_t len;
  char *back = read_file("/work/big.bin", &len);
  check(back != NULL && len == big && memcmp(back, buf, big) == 0, "3 MiB file reads back");
  free(back);
  struct sha256 s;
  char hex[65];
  sha256_init(&s);
  sha256_update(&s, buf, big);
  sha256_hex(&s, hex);
  printf("sha256 /work/big.bin %s\n", hex);
  char again[65];
  long long size;
  int fd0 = open("/work/big.bin", O_RDONLY);
  check(fd0 >= 0 && hash_fd(fd0, again, &size) == 0 && size == (long long)big &&
            strcmp(again, hex) == 0 && close(fd0) == 0,
        "3 MiB file reads back into an aligned buffer");
  free(buf);

  check(rename("/work/a.txt", "/work/sub/b.txt") == 0, "rename file across directories");
  check(access("/work/a.txt", F_OK) != 0 && file_is("/work/sub/b.txt", "hello\nworld\n"),
        "renamed file moved");
  check(write_file("/work/old.txt", "old\n", 4) == 0 &&
            write_file("/work/new.txt", "new\n", 4) == 0,
        "create old.txt and new.txt");
  check(rename("/work/new.txt", "/work/old.txt") == 0 && file_is("/work/old.txt", "new\n") &&
            access("/work/new.txt", F_OK) != 0,
        "rename replaces a file");
  check(rename("/work/sub/deep", "/work/deep2") == 0, "rename directory");
  struct stat st;
  check(stat("/work/deep2", &st) == 0 && S_ISDIR(st.st_mode) && stat("/work/sub/deep", &st) != 0,
        "renamed directory moved");

  char ten[10000];
  fill_pattern(ten, sizeof(ten), 2);
  check(write_file("/work/trunc.bin", ten, sizeof(ten)) == 0, "write trunc.bin");
  fd = open("/work/trunc.bin", O_RDWR);
  check(fd >= 0 && ftruncate(fd, 5000) == 0 && fstat(fd, &st) == 0 && st.st_size == 5000,
        "ftruncate shrinks to 5000");
  close(fd);
  check(truncate("/work/trunc.bin", 8192) == 0 && stat("/work/trunc.bin", &st) == 0 &&
            st.st_size == 8192,
        "truncate grows to 8192");
  back = read_file("/work/trunc.bin", &len);
  int zeros = back != NULL && len == 8192 && memcmp(back, ten, 5000) == 0;
  for (size_t i = 5000; zeros && i < 8192; i++)
    zeros = back[i] == 0;
  check(zeros, "truncated file keeps its head, grows with zeros");
  free(back);

  check(write_file("/work/gone.txt", "x", 1) == 0 && unlink("/work/gone.txt") == 0 &&
            access("/work/gone.txt", F_OK) != 0,
        "unlink a file");
  check(mkdir("/work/emptydir", 0755) == 0 && rmdir("/work/emptydir") == 0 &&
            stat("/work/emptydir", &st) != 0,
        "rmdir an empty directory");
  check(write_file("/work/empty.txt", "", 0) == 0 && stat("/work/empty.txt", &st) == 0 &&
            st.st_size == 0,
        "create an empty file");
  fd = creat("/work/sparse.bin", 0644);
  check(fd >= 0 && pwrite(fd, "end", 3, 100000) == 3 && lseek(fd, 0, SEEK_END) == 100003 &&
            close(fd) == 0,
        "pwrite past the end makes a sparse file");
  fd = open("/work/sparse.bin", O_RDONLY);
  char c[4] = "zzz";
  check(fd >= 0 && pread(fd, c, 3, 50000) == 3 && memcmp(c, "\0\0\0", 3) == 0 &&
            pread(fd, c, 3, 100000) == 3 && memcmp(c, "end", 3) == 0 && close(fd) == 0,
        "sparse file reads zeros in the hole");
}

static void ops_errors(void) {
  struct stat st;
  check_err(open("/work/missing", O_RDONLY), ENOENT, "open missing file");
  check_err(open("/work/old.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL on a file");
  check_err(mkdir("/work/sub", 0755), EEXIST, "mkdir existing");
  check_err(open("/work/old.txt/x", O_RDONLY), ENOTDIR, "path through a file");
  check_err(open("/work/sub", O_WRONLY), EISDIR, "open a directory for writing");
  check_err(open("/work/old.txt", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
  check_err(unlink("/work/sub"), EISDIR, "unlink a directory");
  check_err(rmdir("/work/old.txt"), ENOTDIR, "rmdir a file");
  check_err(rmdir("/work/sub"), ENOTEMPTY, "rmdir a non-empty directory");
  check_err(rename("/work/sub", "/work/sub/inner"), EINVAL, "rename a directory into itself");
  check_err(rename("/work/old.txt", "/work/sub"), EISDIR, "rename a file over a directory");
  check_err(read(1000, &st, 1), EBADF, "read a closed fd");
  check_err(stat("/nowhere/x", &st), ENOENT, "stat under a missing directory");
  int fd = open("/work/old.txt", O_RDONLY);
  check_err(write(fd, "x", 1), EBADF, "write to a read-only fd");
  close(fd);
}

static void ops_dirs(void) {
  char path[64];
  int made = 0;
  check(mkdir("/work/many", 0755) == 0, "mkdir /work/many");
  /* Enough names to grow the directory past one block. */
  for (int i = 0; i < 300; i++) {
    snprintf(path, sizeof(path), "/work/many/file-with-a-longish-name-%03d", i);
    made += write_file(path, path, strlen(path)) == 0;
  }
  check(made == 300, "create 300 files in one directory");
  DIR *d = opendir("/work/many");
  int seen = 0;
  for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
    seen++;
  check(d != NULL && seen == 302, "readdir lists 300 files plus . and ..");
  closedir(d);
  for (int i = 0; i < 300; i += 2) {
    snprintf(path, sizeof(path), "/work/many/file-with-a-longish-name-%03d", i);
    unlink(path);
  }
  d = opendir("/work/many");
  seen = 0;
  for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
    seen++;
  check(seen == 152, "readdir after unlinking half");
  closedir(d);
  struct stat st;
  check(stat("/work", &st) == 0 && st.st_nlink == 5, "nlink of /work counts its 3 subdirectories");
}

static void ops_cwd(void) {
  char buf[256];
  check(chdir("/work/sub") == 0 && getcwd(buf, sizeof(buf)) != NULL &&
            strcmp(buf, "/work/sub") == 0,
        "chdir and getcwd");
  check(file_is("b.txt", "hello\nworld\n"), "relative path from the cwd");
  check(write_file("../rel.txt", "rel\n", 4) == 0 && file_is("/work/rel.txt", "rel\n"),
        "relative path with ..");
  pid_t pid = fork();
  if (pid == 0) {
    char cbuf[256];
    _exit(getcwd(cbuf, sizeof(cbuf)) != NULL && strcmp(cbuf, "/work/sub") == 0 && chdir("/") == 0
              ? 0
              : 1);
  }
  int status = -1;
  check(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0, "fork child inherits the cwd");
  check(getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, "/work/sub") == 0,
        "child's chdir leaves the parent's cwd");
  check_err(chdir("/work/old.txt"), ENOTDIR, "chdir to a file");
  check(chdir("..") == 0 && getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, "/work") == 0,
        "chdir ..");
  check(chdir("/") == 0, "chdir /");
}

static void ops_open_unlinked(void) {
  check(write_file("/work/held.txt", "still here\n", 11) == 0, "create held.txt");
  int fd = open("/work/held.txt", O_RDWR);
  char buf[16] = {0};
  check(fd >= 0 && unlink("/work/held.txt") == 0 && access("/work/held.txt", F_OK) != 0,
        "unlink an open file");
  check(pread(fd, buf, 11, 0) == 11 && memcmp(buf, "still here\n", 11) == 0,
        "an unlinked open file still reads");
  check(close(fd) == 0, "closing it frees it");
}

static int cmd_ops(void) {
  ops_files();
  ops_errors();
  ops_dirs();
  ops_cwd();
  ops_open_unlinked();
  check(fsync(1) != 0 && errno == EINVAL, "fsync on the console fails with EINVAL");
  printf("failures=%d\n", failures);
  return failures != 0;
}

/* ---- sync: records made durable one by one, for a test that kills the VM ---- */

static int cmd_sync(int count, const char *tag) {
  int fd = open("/durable.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    printf("open /durable.log: %s\n", strerror(errno));
    return 1;
  }
  char line[64];
  for (int i = 0; i < count; i++) {
    int n = snprintf(line, sizeof(line), "%s record %d\n", tag, i);
    if (write_all(fd, line, (size_t)n) != 0 || fsync(fd) != 0) {
      printf("write/fsync: %s\n", strerror(errno));
      return 1;
    }
    printf("synced %d\n", i);
    fflush(stdout);
  }
  return 0;
}

/* ---- blk: the raw disk ---- */

static int cmd_blk(void) {
  int fd = open("/dev/blk0", O_RDWR);
  struct stat st;
  check(fd >= 0 && fstat(fd, &st) == 0 && S_ISBLK(st.st_mode), "open and fstat /dev/blk0");
  printf("size=%lld\n", (long long)st.st_size);
  check(lseek(fd, 0, SEEK_END) == st.st_size, "lseek SEEK_END is the disk size");
  char buf[700], back[700];
  fill_pattern(buf, sizeof(buf), 3);
  check(pwrite(fd, buf, sizeof(buf), 1000) == (ssize_t)sizeof(buf), "unaligned pwrite");
  check(pread(fd, back, sizeof(back), 1000) == (ssize_t)sizeof(back) &&
            memcmp(buf, back, sizeof(buf)) == 0,
        "unaligned pread reads it back");
  static char sector[4096] __attribute__((aligned(4096)));
  check(pread(fd, sector, 512, 512) == 512 && memcmp(sector + 488, buf, 24) == 0 &&
            pread(fd, sector, 512, 1536) == 512 && memcmp(sector, buf + 536, 164) == 0,
        "neighbouring bytes of the sectors are whole");
  check(lseek(fd, 1000, SEEK_SET) == 1000 &&
            read(fd, back, sizeof(back)) == (ssize_t)sizeof(back) &&
            memcmp(buf, back, sizeof(back)) == 0,
        "read after a seek (no read-ahead) sees it too");
  check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, sector, 1000) == 1000 &&
            read(fd, back, sizeof(back)) == (ssize_t)sizeof(back) &&
            memcmp(buf, back, sizeof(back)) == 0,
        "sequential reads from 0 (read-ahead) see it too");
  check(lseek(fd, 8192, SEEK_SET) == 8192 && write(fd, "raw!", 4) == 4, "write at a position");
  check(pread(fd, sector, 4096, 8192) == 4096 && memcmp(sector, "raw!", 4) == 0,
        "aligned pread sees it");
  check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, sector, 4096) == 4096 &&
            read(fd, sector, 4096) == 4096 && read(fd, sector, 4) == 4 &&
            memcmp(sector, "raw!", 4) == 0,
        "sequential reads see it (the read-ahead from before the write is dropped)");
  check(pread(fd, sector, 16, st.st_size) == 0, "read at the end is end of file");
  check_err(pwrite(fd, "x", 1, st.st_size), ENOSPC, "write past the end");
  check(fsync(fd) == 0 && close(fd) == 0, "fsync and close");
  check_err(unlink("/dev/blk0"), EPERM, "unlink /dev/blk0");
  printf("failures=%d\n", failures);
  return failures != 0;
}

/*
 * ---- blkq T F R [sync]: T threads and F forked children write R blocks each to /dev/blk0 at
 * once, from buffers on their stacks (a child's is swapped out while it waits), and read back
 * their previous block. Block b holds blkq_word(b, i) at byte i (tests/integration/fs.sh checks
 * the image). With sync, each write is followed by fsync and "synced b" (for a kill -9 test).
 */

#define BLKQ_BS 4096

static int blkq_fd, blkq_writers, blkq_rounds, blkq_sync;
static int blkq_bad; /* globals are shared by threads and forked children alike */

static uint32_t blkq_word(uint32_t block, uint32_t i) {
  return block * 2654435761u + i;
}

static void blkq_fill(uint8_t *buf, uint32_t block) {
  for (uint32_t i = 0; i < BLKQ_BS; i += 4) {
    uint32_t v = blkq_word(block, i);
    memcpy(buf + i, &v, 4);
  }
}

static void blkq_writer(int w) {
  uint8_t buf[BLKQ_BS] __attribute__((aligned(512))), back[BLKQ_BS] __attribute__((aligned(512)));
  for (int r = 0; r < blkq_rounds; r++) {
    uint32_t block = (uint32_t)(r * blkq_writers + w);
    blkq_fill(buf, block);
    if (pwrite(blkq_fd, buf, BLKQ_BS, (off_t)block * BLKQ_BS) != BLKQ_BS) {
      printf("writer %d: pwrite of block %u: %s\n", w, block, strerror(errno));
      blkq_bad++;
      return;
    }
    if (blkq_sync) {
      if (fsync(blkq_fd) != 0) {
        blkq_bad++;
        return;
      }
      char line[32];
      int n = snprintf(line, sizeof(line), "synced %u\n", block);
      write(1, line, (size_t)n);
    }
    if (r == 0)
      continue;
    uint32_t prev = block - (uint32_t)blkq_writers;
    blkq_fill(buf, prev);
    if (pread(blkq_fd, back, BLKQ_BS, (off_t)prev * BLKQ_BS) != BLKQ_BS ||
        memcmp(buf, back, BLKQ_BS) != 0) {
      printf("writer %d: block %u does not read back\n", w, prev);
      blkq_bad++;
    }
  }
}

static void *blkq_thread(void *arg) {
  blkq_writer((int)(intptr_t)arg);
  return NULL;
}

/* A thread that ends its process: the process's other thread dies where it waits. */
static void *blkq_exit_process(void *arg) {
  (void)arg;
  _exit(0);
}

/* A child whose write is queued when its process ends under it; the parent's I/O goes on. */
static void blkq_killed_writer(void) {
  pid_t pid = fork();
  if (pid == 0) {
    static uint8_t buf[BLKQ_BS] __attribute__((aligned(512)));
    pthread_t t;
    pthread_create(&t, NULL, blkq_exit_process, NULL);
    pwrite(blkq_fd, buf, BLKQ_BS, 0); /* waits in the queue; the thread runs and _exits */
    _exit(1);                         /* not reached */
  }
  int status = -1;
  static uint8_t buf[BLKQ_BS] __attribute__((aligned(512)));
  check(pid > 0 && pread(blkq_fd, buf, BLKQ_BS, 0) == BLKQ_BS && waitpid(pid, &status, 0) == pid &&
            WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "a write whose process ended while it waited holds nobody up");
}

static int cmd_blkq(int threads, int forks, int rounds, int sync) {
  blkq_fd = open("/dev/blk0", O_RDWR | O_DIRECT);
  if (blkq_fd < 0) {
    printf("open /dev/blk0: %s\n", strerror(errno));
    return 1;
  }
  if (!sync)
    blkq_killed_writer();
  blkq_writers = threads + forks;
  blkq_rounds = rounds;
  blkq_sync = sync;
  setvbuf(stdout, NULL, _IONBF, 0); /* lines from threads and children come out whole */
  pthread_t tids[64];
  pid_t pids[64];
  int started = 0, forked = 0;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 << 10);
  for (int t = 0; t < threads && t < 64; t++)
    if (pthread_create(&tids[started], &attr, blkq_thread, (void *)(intptr_t)t) == 0)
      started++;
  for (int f = 0; f < forks && f < 64; f++) {
    pid_t pid = fork();
    if (pid == 0) {
      blkq_writer(threads + f);
      _exit(0);
    }
    if (pid > 0)
      pids[forked++] = pid;
  }
  for (int i = 0; i < started; i++)
    pthread_join(tids[i], NULL);
  for (int i = 0; i < forked; i++)
    waitpid(pids[i], NULL, 0);
  check(started == threads && forked == forks, "every writer started");
  check(fsync(blkq_fd) == 0 && close(blkq_fd) == 0, "fsync and close /dev/blk0");
  check(blkq_bad == 0, "every write went in and every block read back");
  printf("blkq writes=%d\n", blkq_writers * rounds);
  printf("failures=%d\n", failures);
  return failures != 0;
}

/*
 * ---- ra: read-ahead windows see every change to their file: writes and truncates through
 * another fd land in what a sequential reader reads next; random, large and unaligned reads
 * agree with a model of the file.
 */

#define RA_FILE (3u << 20)

static unsigned char ra_model[RA_FILE];

/* Reads [off, off + len) of fd through chunks of `chunk` bytes and compares it with the model. */
static int ra_same(int fd, size_t off, size_t len, size_t chunk) {
  static unsigned char got[1 << 20];
  for (size_t done = 0; done < len;) {
    size_t want = len - done < chunk ? len - done : chunk;
    ssize_t n = read(fd, got, want);
    if (n <= 0 || memcmp(got, ra_model + off + done, (size_t)n) != 0)
      return 0;
    done += (size_t)n;
  }
  return 1;
}

static int cmd_ra(void) {
  for (size_t i = 0; i < RA_FILE; i++)
    ra_model[i] = (unsigned char)(i * 7 + (i >> 12));
  check(write_file("/ra.bin", ra_model, RA_FILE) == 0, "write a 3 MiB file");
  int rd = open("/ra.bin", O_RDONLY), wr = open("/ra.bin", O_WRONLY);
  check(rd >= 0 && wr >= 0, "open it twice");
  check(ra_same(rd, 0, 512 << 10, 128 << 10), "sequential reads of the first 512 KiB");
  /* Ahead of the reader, inside the window its reads filled. */
  memset(ra_model + (600 << 10), 0xb5, 4096);
  check(pwrite(wr, ra_model + (600 << 10), 4096, 600 << 10) == 4096, "pwrite through the other fd");
  check(ra_same(rd, 512 << 10, 512 << 10, 128 << 10),
        "the reader sees the write it had read ahead");
  check(ftruncate(wr, 1536 << 10) == 0, "truncate to 1.5 MiB through the other fd");
  unsigned char tail[4096];
  check(ra_same(rd, 1 << 20, 512 << 10, 100000) && read(rd, tail, sizeof(tail)) == 0,
        "the reader stops at the new end");
  check(ftruncate(wr, RA_FILE) == 0, "extend it again (zeros)");
  memset(ra_model + (1536 << 10), 0, RA_FILE - (1536 << 10));
  /* Random small reads, large unaligned ones, and one that runs past the end. */
  static unsigned char big[(2 << 20) + 1];
  int ok = 1;
  for (size_t i = 0; i < 64 && ok; i++) {
    size_t off = (i * 2654435761u) % (RA_FILE - 5000), len = 1 + (i * 977) % 5000;
    ok = pread(rd, big, len, (off_t)off) == (ssize_t)len && memcmp(big, ra_model + off, len) == 0;
  }
  check(ok, "random small preads");
  check(pread(rd, big + 1, 2 << 20, 12345) == (2 << 20) &&
            memcmp(big + 1, ra_model + 12345, 2 << 20) == 0,
        "a 2 MiB pread into an unaligned buffer");
  check(pread(rd, big, 1 << 20, RA_FILE - 1000) == 1000 &&
            memcmp(big, ra_model + RA_FILE - 1000, 1000) == 0,
        "a pread across the end is short");
  check(lseek(rd, 0, SEEK_SET) == 0 && ra_same(rd, 0, RA_FILE, 65536),
        "sequential again, to the end");
  check(close(rd) == 0 && close(wr) == 0 && unlink("/ra.bin") == 0, "close and unlink");
  printf("failures=%d\n", failures);
  return failures != 0;
}

/* ---- ro: a read-only disk ---- */

static int cmd_ro(void) {
  struct stat st;
  check_err(open("/newfile", O_WRONLY | O_CREAT, 0644), EROFS, "create on a read-only disk");
  check_err(mkdir("/newdir", 0755), EROFS, "mkdir on a read-only disk");
  check_err(open("/dev/blk0", O_RDWR), EROFS, "open the read-only disk for writing");
  check(stat("/", &st) == 0 && S_ISDIR(st.st_mode), "stat / still works");
  printf("failures=%d\n", failures);
  return failures != 0;
}

/* ---- speed PATH [write MiB]: read (or write) throughput, for a look at the fast paths ---- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_speed(const char *path, int write_mib) {
  static char buf[1 << 20] __attribute__((aligned(4096)));
  int fd = open(path, write_mib > 0 ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY, 0644);
  if (fd < 0) {
    printf("open %s: %s\n", path, strerror(errno));
    return 1;
  }
  long long total = 0;
  double start = now_s();
  if (write_mib > 0) {
    fill_pattern(buf, sizeof(buf), 4);
    for (int i = 0; i < write_mib && write_all(fd, buf, sizeof(buf)) == 0; i++)
      total += (long long)sizeof(buf);
    fsync(fd);
  } else {
    for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
      total += n;
  }
  double secs = now_s() - start;
  close(fd);
  printf("%s %lld bytes in %d ms: %d MB/s\n", write_mib > 0 ? "wrote" : "read", total,
         (int)(secs * 1000), (int)((double)total / 1e6 / (secs > 0 ? secs : 1e-9)));
  return 0;
}

/* ---- full: write until the disk is full, then make room again ---- */

static int cmd_full(void) {
  static char buf[1 << 20];
  fill_pattern(buf, sizeof(buf), 5);
  int fd = open("/filler", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  long long total = 0;
  ssize_t n = 0;
  for (int i = 0; i < 4096 && fd >= 0; i++) { /* at most 4 GiB: the disk is much smaller */
    n = write(fd, buf, sizeof(buf));
    if (n < 0)
      break;
    total += n;
  }
  check(fd >= 0 && n < 0 && errno == ENOSPC, "writing past the free space fails with ENOSPC");
  printf("wrote %lld bytes before ENOSPC\n", total);
  struct stat st;
  check(fstat(fd, &st) == 0 && st.st_size == total, "the file holds what was written");
  check_err(mkdir("/more", 0755), ENOSPC, "mkdir on a full disk");
  check(close(fd) == 0, "close the filler");
  int r = unlink("/filler");
  check(r == 0, r == 0 ? "unlink the filler" : strerror(errno));
  check(mkdir("/more", 0755) == 0 && write_file("/more/after", "room\n", 5) == 0,
        "there is room again");
  printf("failures=%d\n", failures);
  return failures != 0;
}

/* ---- open PATH: one open, its result ---- */

static int cmd_open(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("open %s: errno=%d %s\n", path, errno, strerror(errno));
    return 1;
  }
  printf("open %s: ok\n", path);
  close(fd);
  return 0;
}

/* ---- crc PATH SIZE: reads PATH to its end in reads of SIZE bytes into an unaligned buffer (so
 * every read goes through the read-ahead, never straight into the buffer) and prints the CRC-32
 * (zlib's) of what it read. ---- */

static int cmd_crc(const char *path, size_t size) {
  static uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  int fd = open(path, O_RDONLY);
  unsigned char *mem = malloc(size + 1);
  if (fd < 0 || mem == NULL || size == 0) {
    printf("crc %s: %s\n", path, strerror(errno));
    return 1;
  }
  unsigned char *buf = mem + 1;
  uint32_t crc = 0xffffffffu;
  unsigned long long total = 0;
  ssize_t n;
  while ((n = read(fd, buf, size)) > 0) {
    for (ssize_t i = 0; i < n; i++)
      crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    total += (unsigned long long)n;
  }
  printf("crc=%08x bytes=%llu%s\n", crc ^ 0xffffffffu, total, n < 0 ? " (read failed)" : "");
  free(mem);
  close(fd);
  return n < 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "tree") == 0)
    return walk(argv[2]);
  if (argc == 2 && strcmp(argv[1], "ops") == 0)
    return cmd_ops();
  if (argc == 4 && strcmp(argv[1], "sync") == 0)
    return cmd_sync(atoi(argv[2]), argv[3]);
  if (argc == 2 && strcmp(argv[1], "blk") == 0)
    return cmd_blk();
  if (argc == 2 && strcmp(argv[1], "full") == 0)
    return cmd_full();
  if (argc == 2 && strcmp(argv[1], "ro") == 0)
    return cmd_ro();
  if (argc >= 3 && strcmp(argv[1], "speed") == 0)
    return cmd_speed(argv[2], argc > 3 ? atoi(argv[3]) : 0);
  if (argc == 3 && strcmp(argv[1], "open") == 0)
    return cmd_open(argv[2]);
  if (argc == 2 && strcmp(argv[1], "ra") == 0)
    return cmd_ra();
  if (argc == 4 && strcmp(argv[1], "crc") == 0)
    return cmd_crc(argv[2], (size_t)atol(argv[3]));
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "blkq") == 0)
    return cmd_blkq(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), argc == 6);
  fprintf(stderr,
          "usage: fstest tree DIR | ops | sync N TAG | blk | blkq THREADS FORKS ROUNDS [sync] "
          "| ra | full | ro | open PATH | speed PATH [MiB] | crc PATH SIZE\n");
  return 2;
}
