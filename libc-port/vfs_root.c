/* vfs_root.c: the root file system's life: mounted at first use, written back at pid 1's exit. */
#include "port.h"
#include "vfs.h"

int vfs_root(void) {
  return extfs_mount();
}

/* Called by the process-exit path of pid 1 (proc.c), after stdio has been flushed. */
void port_vfs_shutdown(void) {
  extfs_unmount();
}

void sync(void) {
  extfs_sync();
}
