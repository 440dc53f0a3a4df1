/* exit.c: _exit(2): ends the VM with the status; exit(3) flushes stdio before calling it. */
#include "port.h"
#include <guest/platform.h>

void _exit(int status) {
  platform_exit(status);
}
