/* efi_mem.c: reads the firmware's memory map: where the kernel's RAM ends; exits boot services. */
#include "efi_mem.h"

#include <efilib.h>
#include <unikvm/abi.h>

static EFI_MEMORY_DESCRIPTOR *map;
static UINTN map_size, map_cap, map_key, desc_size;

/* Reads the map into a buffer kept across calls, growing it (with room to spare) when needed. */
static EFI_STATUS read_map(void) {
  for (;;) {
    UINT32 version;
    map_size = map_cap;
    EFI_STATUS st =
        uefi_call_wrapper(BS->GetMemoryMap, 5, &map_size, map, &map_key, &desc_size, &version);
    if (st != EFI_BUFFER_TOO_SMALL)
      return st;
    if (map != NULL)
      FreePool(map);
    /* The allocation itself may add descriptors. */
    map_cap = map_size + 16 * desc_size;
    map = AllocatePool(map_cap);
    if (map == NULL)
      return EFI_OUT_OF_RESOURCES;
  }
}

static EFI_MEMORY_DESCRIPTOR *desc_at(UINTN i) {
  return (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);
}

static int free_after_exit(UINT32 type) {
  return type == EfiConventionalMemory || type == EfiBootServicesCode ||
         type == EfiBootServicesData || type == EfiLoaderData;
}

static const char *type_name(UINT32 type) {
  static const char *const names[] = {
      "reserved",     "loader code",  "loader data",     "boot services code", "boot services data",
      "runtime code", "runtime data", "conventional",    "unusable",           "ACPI reclaim",
      "ACPI NVS",     "MMIO",         "MMIO port space", "PAL code",           "persistent memory",
  };
  return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* The run in the map last read; no boot services needed. */
static uint64_t run_end(const char **why, uint64_t *stop_addr) {
  UINTN count = map_size / desc_size;
  uint64_t end = UNIKVM_IMAGE_MIN;
  /* The map need not be sorted: extend the run while some descriptor continues it. */
  for (int grew = 1; grew && end < UNIKVM_MEM_MAX;) {
    grew = 0;
    for (UINTN i = 0; i < count; i++) {
      EFI_MEMORY_DESCRIPTOR *d = desc_at(i);
      uint64_t lo = d->PhysicalStart, hi = lo + d->NumberOfPages * UNIKVM_PAGE_SIZE;
      if (lo <= end && end < hi && free_after_exit(d->Type)) {
        end = hi;
        grew = 1;
      }
    }
  }
  *why = "no memory (a hole in the map)";
  *stop_addr = end;
  for (UINTN i = 0; i < count; i++) {
    EFI_MEMORY_DESCRIPTOR *d = desc_at(i);
    if (d->PhysicalStart == end && !free_after_exit(d->Type))
      *why = type_name(d->Type);
  }
  if (end >= UNIKVM_MEM_MAX) {
    *why = "the 4 GiB limit";
    end = UNIKVM_MEM_MAX;
  }
  return end == UNIKVM_IMAGE_MIN ? 0 : end;
}

uint64_t efi_mem_ram_end(const char **why, uint64_t *stop_addr) {
  if (EFI_ERROR(read_map())) {
    *why = "no memory map";
    *stop_addr = UNIKVM_IMAGE_MIN;
    return 0;
  }
  return run_end(why, stop_addr);
}

EFI_STATUS efi_mem_exit_boot_services(EFI_HANDLE image, uint64_t *ram_end) {
  /* The key goes stale if anything allocates in between; retry with a fresh map. */
  EFI_STATUS st = EFI_INVALID_PARAMETER;
  for (int tries = 0; tries < 4 && st == EFI_INVALID_PARAMETER; tries++) {
    st = read_map();
    if (EFI_ERROR(st))
      return st;
    st = uefi_call_wrapper(BS->ExitBootServices, 2, image, map_key);
  }
  const char *why;
  uint64_t stop;
  *ram_end = run_end(&why, &stop);
  return st;
}
