/* hello.c: the smallest app: a greeting, then its arguments, one per line. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("Hello from unikvm!\n");
  for (int i = 0; i < argc; i++)
    printf("argv[%d] = %s\n", i, argv[i]);
  return 0;
}
