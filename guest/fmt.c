/* fmt.c: guest_vsnprintf, a small printf for the core (panics) that needs no libc or heap. */
#include <guest/fmt.h>
#include <stdbool.h>
#include <stdint.h>

struct fmt_out {
  char *buf;
  size_t size;
  size_t len; /* what the full output would need, may exceed size */
};

static void fmt_putc(struct fmt_out *o, char c) {
  if (o->len + 1 < o->size)
    o->buf[o->len] = c;
  o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n) {
  while (n-- > 0)
    fmt_putc(o, c);
}

static void fmt_str(struct fmt_out *o, const char *s, size_t n, int width, bool left) {
  int pad = width > (int)n ? width - (int)n : 0;
  if (!left)
    fmt_pad(o, ' ', pad);
  for (size_t i = 0; i < n; i++)
    fmt_putc(o, s[i]);
  if (left)
    fmt_pad(o, ' ', pad);
}

static void fmt_num(struct fmt_out *o, uintmax_t v, bool neg, unsigned base, bool upper,
                    const char *prefix, int width, bool left, bool zero) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24]; /* 2^64 in octal is 22 digits */
  int n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v != 0);
  int plen = neg ? 1 : 0;
  for (const char *p = prefix; *p; p++)
    plen++;
  int pad = width > n + plen ? width - n - plen : 0;
  if (!left && !zero)
    fmt_pad(o, ' ', pad);
  if (neg)
    fmt_putc(o, '-');
  for (const char *p = prefix; *p; p++)
    fmt_putc(o, *p);
  if (!left && zero)
    fmt_pad(o, '0', pad);
  while (n > 0)
    fmt_putc(o, tmp[--n]);
  if (left)
    fmt_pad(o, ' ', pad);
}

/* Length modifiers: hh h l ll z j t. */
enum fmt_len { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static const char *fmt_parse_len(const char *f, enum fmt_len *len) {
  *len = LEN_INT;
  if (f[0] == 'h' && f[1] == 'h')
    return *len = LEN_CHAR, f + 2;
  if (f[0] == 'h')
    return *len = LEN_SHORT, f + 1;
  if (f[0] == 'l' && f[1] == 'l')
    return *len = LEN_LLONG, f + 2;
  if (f[0] == 'l')
    return *len = LEN_LONG, f + 1;
  if (f[0] == 'z')
    return *len = LEN_SIZE, f + 1;
  if (f[0] == 'j')
    return *len = LEN_MAX, f + 1;
  if (f[0] == 't')
    return *len = LEN_PTRDIFF, f + 1;
  return f;
}

static intmax_t fmt_signed_arg(va_list *ap, enum fmt_len len) {
  switch (len) {
  case LEN_CHAR:
    return (signed char)va_arg(*ap, int);
  case LEN_SHORT:
    return (short)va_arg(*ap, int);
  case LEN_LONG:
    return va_arg(*ap, long);
  case LEN_LLONG:
    return va_arg(*ap, long long);
  case LEN_SIZE:
  case LEN_PTRDIFF:
    return va_arg(*ap, intptr_t);
  case LEN_MAX:
    return va_arg(*ap, intmax_t);
  default:
    return va_arg(*ap, int);
  }
}

static uintmax_t fmt_unsigned_arg(va_list *ap, enum fmt_len len) {
  switch (len) {
  case LEN_CHAR:
    return (unsigned char)va_arg(*ap, unsigned);
  case LEN_SHORT:
    return (unsigned short)va_arg(*ap, unsigned);
  case LEN_LONG:
    return va_arg(*ap, unsigned long);
  case LEN_LLONG:
    return va_arg(*ap, unsigned long long);
  case LEN_SIZE:
  case LEN_PTRDIFF:
    return va_arg(*ap, size_t);
  case LEN_MAX:
    return va_arg(*ap, uintmax_t);
  default:
    return va_arg(*ap, unsigned);
  }
}

size_t guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in) {
  struct fmt_out o = {buf, size, 0};
  va_list ap;
  va_copy(ap, ap_in);
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      fmt_putc(&o, *f);
      continue;
    }
    f++;
    bool left = false, zero = false, alt = false;
    for (;; f++) {
      if (*f == '-')
        left = true;
      else if (*f == '0')
        zero = true;
      else if (*f == '#')
        alt = true;
      else
        break;
    }
    int width = 0;
    while (*f >= '0' && *f <= '9')
      width = width * 10 + (*f++ - '0');
    enum fmt_len len;
    f = fmt_parse_len(f, &len);
    switch (*f) {
    case 'd':
    case 'i': {
      intmax_t v = fmt_signed_arg(&ap, len);
      uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
      fmt_num(&o, mag, v < 0, 10, false, "", width, left, zero);
      break;
    }
    case 'u':
      fmt_num(&o, fmt_unsigned_arg(&ap, len), false, 10, false, "", width, left, zero);
      break;
    case 'x':
    case 'X':
      fmt_num(&o, fmt_unsigned_arg(&ap, len), false, 16, *f == 'X', alt ? "0x" : "", width, left,
              zero);
      break;
    case 'o':
      fmt_num(&o, fmt_unsigned_arg(&ap, len), false, 8, false, alt ? "0" : "", width, left, zero);
      break;
    case 'p':
      fmt_num(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x", width, left, zero);
      break;
    case 'c': {
      char c = (char)va_arg(ap, int);
      fmt_str(&o, &c, 1, width, left);
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == NULL)
        s = "(null)";
      size_t n = 0;
      while (s[n])
        n++;
      fmt_str(&o, s, n, width, left);
      break;
    }
    case '%':
      fmt_putc(&o, '%');
      break;
    case '\0':
      f--; /* a lone % at the end: stop at the terminator */
      break;
    default:
      /* Unknown conversion: print it as written so the message shows the mistake. */
      fmt_putc(&o, '%');
      fmt_putc(&o, *f);
      break;
    }
  }
  va_end(ap);
  if (size > 0)
    buf[o.len < size ? o.len : size - 1] = '\0';
  return o.len;
}

size_t guest_snprintf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t len = guest_vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return len;
}
