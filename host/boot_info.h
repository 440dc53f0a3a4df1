/* boot_info.h: fills the boot-info page and the argv area the guest finds at entry. */
#ifndef UNIKVM_BOOT_INFO_H
#define UNIKVM_BOOT_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "blk.h"
#include "elf_loader.h"
#include "guest_mem.h"
#include "net.h"

struct boot_params {
  int argc;
  char *const *argv; /* argv[0] is the image path */
  uint64_t tsc_hz;
  uint64_t wallclock_ns;
  uint32_t console_tty; /* bit n: host fd n is a terminal, so the guest buffers like Linux */
  const struct net_device *net;                  /* NULL: no NIC */
  const struct blk_device *blk;                  /* NULL: no disk */
  uint32_t ipv4_addr, ipv4_prefix, ipv4_gateway; /* 0: DHCP */
};

/* Returns 0, or -1 with a one-line reason in ERR (e.g. arguments too long). */
int boot_info_write(struct guest_mem *mem, const struct elf_image *image,
                    const struct boot_params *params, char *err, size_t errlen);

#endif
