/* efi_args.c: splits the ESP's command line file into the kernel's argv, as unikvm lays it out. */
#include "efi_args.h"

#define ARGS_MAX 512

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies the next word of text[*pos..len) into out (NUL-terminated); returns its size or -1. */
static long next_word(const char *text, size_t len, size_t *pos, char *out, size_t room) {
  size_t i = *pos, n = 0;
  char quote = 0;
  while (i < len && is_space(text[i]))
    i++;
  if (i == len)
    return -1;
  for (; i < len && (quote || !is_space(text[i])); i++) {
    char c = text[i];
    if (quote ? c == quote : (c == '\'' || c == '"')) {
      quote = quote ? 0 : c;
      continue;
    }
    if (n + 1 >= room)
      return -2;
    out[n++] = c;
  }
  out[n++] = '\0';
  *pos = i;
  return (long)n;
}

int efi_args_layout(const char *text, size_t len, const char *default_argv0, uint8_t *area,
                    size_t size) {
  /* Strings are packed from the end of the area, then moved up behind the table. */
  static uint64_t offsets[ARGS_MAX];
  char *strings = (char *)area + sizeof(uint64_t) * (ARGS_MAX + 1);
  size_t room = size - sizeof(uint64_t) * (ARGS_MAX + 1), used = 0, pos = 0;
  int argc = 0;
  long n;
  if (size <= sizeof(uint64_t) * (ARGS_MAX + 1))
    return -1;
  while ((n = next_word(text, len, &pos, strings + used, room - used)) != -1) {
    if (n < 0 || argc == ARGS_MAX)
      return -1;
    offsets[argc++] = used;
    used += (size_t)n;
  }
  if (argc == 0) {
    for (n = 0; default_argv0[n]; n++)
      if ((size_t)n + 1 >= room)
        return -1;
    for (long i = 0; i <= n; i++)
      strings[i] = default_argv0[i];
    offsets[argc++] = 0;
    used = (size_t)n + 1;
  }
  /* Final layout: argv[argc + 1] right at the start, then the strings. */
  uint64_t *argv = (uint64_t *)area;
  char *dst = (char *)area + sizeof(uint64_t) * ((size_t)argc + 1);
  for (size_t i = 0; i < used; i++)
    dst[i] = strings[i];
  for (int i = 0; i < argc; i++)
    argv[i] = (uint64_t)(uintptr_t)(dst + offsets[i]);
  argv[argc] = 0;
  return argc;
}
