/* boot_info.c: fills the boot-info page and the argv area the guest finds at entry. */
#include "boot_info.h"

#include <stdio.h>
#include <string.h>

#include "unikvm/abi.h"

/* Lays out uint64_t argv[argc + 1] followed by the strings in the args area. */
static int write_args(struct guest_mem *mem, int argc, char *const *argv, char *err,
                      size_t errlen) {
  uint64_t table_bytes = ((uint64_t)argc + 1) * sizeof(uint64_t);
  uint64_t need = table_bytes;
  for (int i = 0; i < argc; i++)
    need += strlen(argv[i]) + 1;
  if (need > UNIKVM_ARGS_SIZE) {
    snprintf(err, errlen, "too long (%llu bytes, limit %u)", (unsigned long long)need,
             UNIKVM_ARGS_SIZE);
    return -1;
  }
  uint64_t *table = guest_mem_ptr(mem, UNIKVM_ARGS_ADDR, table_bytes);
  uint64_t str_gpa = UNIKVM_ARGS_ADDR + table_bytes;
  for (int i = 0; i < argc; i++) {
    size_t len = strlen(argv[i]) + 1;
    memcpy(guest_mem_ptr(mem, str_gpa, len), argv[i], len);
    table[i] = str_gpa;
    str_gpa += len;
  }
  table[argc] = 0;
  return 0;
}

int boot_info_write(struct guest_mem *mem, const struct elf_image *image,
                    const struct boot_params *params, char *err, size_t errlen) {
  if (write_args(mem, params->argc, params->argv, err, errlen) < 0)
    return -1;
  struct unikvm_boot_info *bi = guest_mem_ptr(mem, UNIKVM_BOOT_INFO_ADDR, sizeof(*bi));
  memset(bi, 0, sizeof(*bi));
  bi->magic = UNIKVM_BOOT_MAGIC;
  bi->abi_version = UNIKVM_ABI_VERSION;
  bi->platform = UNIKVM_PLATFORM_HVT;
  bi->argc = (uint32_t)params->argc;
  bi->argv = UNIKVM_ARGS_ADDR;
  bi->ram_size = mem->size;
  bi->image_end = image->image_end;
  bi->stack_top = mem->size;
  bi->tsc_hz = params->tsc_hz;
  bi->wallclock_ns = params->wallclock_ns;
  bi->console_tty = params->console_tty;
  if (params->blk) {
    bi->blk_sectors = params->blk->sectors;
    bi->blk_sector_size = BLK_SECTOR_SIZE;
    bi->blk_flags = params->blk->readonly ? UNIKVM_BLK_READONLY : 0;
  }
  if (params->net) {
    memcpy(bi->net_mac, params->net->mac, sizeof(bi->net_mac));
    bi->net_mtu = params->net->mtu;
    bi->net_ipv4_addr = params->ipv4_addr;
    bi->net_ipv4_prefix = params->ipv4_prefix;
    bi->net_ipv4_gateway = params->ipv4_gateway;
    bi->net_flags = params->net->ring ? UNIKVM_NET_RINGS : 0;
  }
  return 0;
}
