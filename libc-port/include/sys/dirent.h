/* sys/dirent.h: struct dirent and DIR for newlib's <dirent.h> (whose own version is an #error). */
#ifndef _SYS_DIRENT_H
#define _SYS_DIRENT_H

#include <sys/types.h>

/* Linux's values, which readdir's callers compare d_type with. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#define MAXNAMLEN 255

struct dirent {
  ino_t d_ino;
  off_t d_off; /* the entry's position: what telldir returns after it */
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[MAXNAMLEN + 1];
};

/* An open directory stream: the fd (whose file keeps the position) and the entry readdir returns.
 */
typedef struct {
  int dd_fd;
  struct dirent dd_ent;
} DIR;

#endif
