/* args.c: unikvm-slirp's command line. unikvm builds it, but a human may type it too. */
#include "args.h"

#include <stdio.h>
#include <string.h>

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int args_parse_mac(const char *text, uint8_t mac[6]) {
  uint8_t out[6];
  if (strlen(text) != 17)
    return -1;
  for (int i = 0; i < 6; i++) {
    int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  /* A multicast source address would make slirp answer to a group, not to the guest. */
  if (out[0] & 1)
    return -1;
  memcpy(mac, out, 6);
  return 0;
}

/* "--name VALUE" or "--name=VALUE"; returns the value, or NULL if ARG is another option. */
static const char *option_value(const char *name, int argc, char *const argv[], int *i,
                                bool *missing) {
  size_t len = strlen(name);
  const char *arg = argv[*i];
  if (strncmp(arg, name, len) != 0)
    return NULL;
  if (arg[len] == '=')
    return arg + len + 1;
  if (arg[len] != 0)
    return NULL;
  if (*i + 1 >= argc) {
    *missing = true;
    return NULL;
  }
  return argv[++*i];
}

int args_parse(struct args *args, int argc, char *const argv[], char *err, size_t err_len) {
  memset(args, 0, sizeof(*args));
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *value;
    bool missing = false;
    if (strcmp(arg, "--restrict") == 0) {
      args->restrict_guest = true;
    } else if (strcmp(arg, "--stats") == 0) {
      args->stats = true;
    } else if ((value = option_value("--hostfwd", argc, argv, &i, &missing))) {
      char why[160];
      if (args->hostfwd_count == ARGS_MAX_HOSTFWD) {
        snprintf(err, err_len, "--hostfwd %s: more than %d rules", value, ARGS_MAX_HOSTFWD);
        return -1;
      }
      if (hostfwd_parse(value, &args->hostfwd[args->hostfwd_count], why, sizeof(why)) != 0) {
        snprintf(err, err_len, "--hostfwd %s: %s", value, why);
        return -1;
      }
      args->hostfwd_spec[args->hostfwd_count++] = value;
    } else if ((value = option_value("--mac", argc, argv, &i, &missing))) {
      if (args_parse_mac(value, args->mac) != 0) {
        snprintf(err, err_len, "--mac %s: expected a unicast XX:XX:XX:XX:XX:XX", value);
        return -1;
      }
      args->have_mac = true;
    } else if (missing) {
      snprintf(err, err_len, "%s: missing value", arg);
      return -1;
    } else {
      snprintf(err, err_len, "%s: unknown option", arg);
      return -1;
    }
  }
  if (!args->have_mac) {
    snprintf(err, err_len, "--mac: missing (the guest's MAC address)");
    return -1;
  }
  return 0;
}
