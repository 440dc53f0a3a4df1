/* init_array.c: runs constructors before main and destructors at exit. */
#include "port.h"

/*
 * Bounds come from boot/hvt.ld. newlib's __libc_init_array would also call
 * _init(), which only a crti.o provides; this image has none.
 */
typedef void (*port_ctor)(void);
extern port_ctor __preinit_array_start[], __preinit_array_end[];
extern port_ctor __init_array_start[], __init_array_end[];
extern port_ctor __fini_array_start[], __fini_array_end[];

void port_run_init_array(void) {
  for (port_ctor *f = __preinit_array_start; f < __preinit_array_end; f++)
    (*f)();
  for (port_ctor *f = __init_array_start; f < __init_array_end; f++)
    (*f)();
}

void port_run_fini_array(void) {
  /* Reverse order of construction. */
  for (port_ctor *f = __fini_array_end; f > __fini_array_start; f--)
    (*(f - 1))();
}
