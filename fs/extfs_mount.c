/* extfs_mount.c: mounting the disk's ext2/3/4 file system, syncing it, and closing it cleanly. */
#include "blkio.h"
#include "extfs_int.h"
#include <errno.h>
#include <guest/blkdev.h>
#include <time.h>

ext2_filsys extfs_fs;
static bool mount_tried;
static int mount_err;
static bool mount_rw;
static uint16_t mount_state; /* s_state at mount: restored by a clean unmount */

int extfs_writable(void) {
  return mount_rw ? 0 : -EROFS;
}

/* Whether err says the disk holds no file system libext2fs knows, rather than a damaged one. */
static bool not_a_file_system(errcode_t err) {
  return err == EXT2_ET_BAD_MAGIC || err == EXT2_ET_UNSUPP_FEATURE || err == EXT2_ET_REV_TOO_HIGH ||
         err == EXT2_ET_UNEXPECTED_BLOCK_SIZE || err == EXT2_ET_OP_NOT_SUPPORTED;
}

/*
 * ext2fs_open2 checks the superblock only. What e2fsck checks next (group
 * descriptors in range) and a root that is a directory catch most damage
 * here, with a message, instead of as EIO at some later call.
 */
static errcode_t check_fs(ext2_filsys fs) {
  errcode_t err = ext2fs_check_desc(fs);
  if (err == 0)
    err = ext2fs_check_directory(fs, EXT2_ROOT_INO);
  return err;
}

static errcode_t open_fs(bool rw, ext2_filsys *fs) {
  int flags = EXT2_FLAG_64BITS | (rw ? EXT2_FLAG_RW : 0);
  return ext2fs_open2("/dev/blk0", NULL, flags, 0, 0, blkio_manager, fs);
}

/* Opens read-write when it can; anything that makes writing unsafe downgrades to read-only. */
static int mount_disk(void) {
  const struct blkdev_info *info = blkdev_info();
  if (info == NULL)
    return -ENOENT; /* no disk: no file system, every path is missing */
  bool rw = !info->readonly;
  ext2_filsys fs = NULL; /* ext2fs_open2 frees it and leaves NULL when it fails */
  errcode_t err = open_fs(rw, &fs);
  if (err == EXT2_ET_RO_UNSUPP_FEATURE && rw) {
    extfs_say("/dev/blk0: features libext2fs cannot write: mounting read-only");
    rw = false;
    err = open_fs(rw, &fs);
  }
  if (err == 0 && rw && ext2fs_has_feature_journal_needs_recovery(fs->super)) {
    /* libext2fs cannot replay a journal; writing around it would be undone by a later replay. */
    extfs_say("/dev/blk0: the journal needs recovery (run e2fsck on the host): "
              "mounting read-only");
    ext2fs_close_free(&fs);
    rw = false;
    err = open_fs(rw, &fs);
  }
  if (err == 0)
    err = check_fs(fs);
  if (err == 0)
    err = ext2fs_read_bitmaps(fs);
  if (err != 0) {
    extfs_say("/dev/blk0: cannot mount the file system: %s", error_message(err));
    if (fs != NULL)
      ext2fs_close_free(&fs);
    return not_a_file_system(err) ? -ENODEV : -EIO;
  }
  mount_state = fs->super->s_state;
  if (rw) {
    /* As Linux does: the disk says "not cleanly unmounted" until extfs_unmount. */
    fs->super->s_state &= (uint16_t)~EXT2_VALID_FS;
    fs->super->s_mnt_count++;
    fs->super->s_mtime = (uint32_t)time(NULL);
    ext2fs_mark_super_dirty(fs);
    /* Backup superblocks and descriptors are rewritten at unmount, not at every sync. */
    fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
  }
  extfs_fs = fs;
  mount_rw = rw;
  err = (errcode_t)-extfs_sync();
  if (err != 0)
    extfs_say("/dev/blk0: cannot write the superblock: %s", error_message(err));
  return 0;
}

int extfs_mount(void) {
  if (!mount_tried) {
    mount_tried = true;
    mount_err = mount_disk();
  }
  return mount_err;
}

int extfs_sync(void) {
  ext2_filsys fs = extfs_fs;
  if (fs == NULL || !mount_rw)
    return 0;
  errcode_t err = 0;
  if (fs->flags & (EXT2_FLAG_DIRTY | EXT2_FLAG_IB_DIRTY | EXT2_FLAG_BB_DIRTY))
    /* Metadata into the cache; the flush below writes it with the data, in one batch. */
    err = ext2fs_flush2(fs, EXT2_FLAG_FLUSH_NO_SYNC);
  if (err == 0)
    err = io_channel_flush(fs->io);
  return extfs_errno(err);
}

void extfs_unmount(void) {
  ext2_filsys fs = extfs_fs;
  if (fs == NULL)
    return;
  extfs_node_release_all();
  if (mount_rw) {
    fs->super->s_state = mount_state;
    fs->flags &= ~EXT2_FLAG_MASTER_SB_ONLY;
    ext2fs_mark_super_dirty(fs);
  }
  errcode_t err = ext2fs_close_free(&fs);
  if (err != 0)
    extfs_say("/dev/blk0: unmount: %s", error_message(err));
  extfs_fs = NULL;
  mount_rw = false;
}

bool extfs_readonly(void) {
  return !mount_rw;
}
