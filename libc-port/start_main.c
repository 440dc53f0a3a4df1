/* start_main.c: libc_start_main, where the core hands over: constructors, environ, main, exit. */
#include "port.h"
#include "proc.h"
#include <guest/boot.h>
#include <stdlib.h>

/* Three arguments, as on Linux; a main(void) or main(argc, argv) ignores the rest. */
int main(int argc, char **argv, char **envp);

extern char **environ;

/* The environment starts empty; setenv() copies it to the heap when it grows. */
static char *port_initial_env[1];

noreturn void libc_start_main(int argc, char **argv) {
  /* First: stdio locks, errno and the fd table all need a current thread and process. */
  port_proc_init();
  environ = port_initial_env;
  /* Registered first so that destructors run after the app's own atexit handlers. */
  atexit(port_run_fini_array);
  port_run_init_array();
  exit(main(argc, argv, environ));
}
