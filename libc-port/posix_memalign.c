/* posix_memalign.c: POSIX's aligned allocation, over newlib's memalign. newlib declares it, and
 * its aligned_alloc (C11) calls it, but its malloc does not define it. */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

int posix_memalign(void **out, size_t align, size_t size) {
  if (align < sizeof(void *) || (align & (align - 1)) != 0)
    return EINVAL;
  void *p = memalign(align, size);
  if (p == NULL)
    return ENOMEM;
  *out = p;
  return 0;
}
