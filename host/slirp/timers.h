/* timers.h: the few timers libslirp asks for, kept in a list the main loop polls. */
#ifndef UNIKVM_SLIRP_TIMERS_H
#define UNIKVM_SLIRP_TIMERS_H

#include <stdint.h>

#define TIMERS_NONE INT64_MAX

struct timer;

struct timer *timer_create_cb(void (*cb)(void *), void *opaque);
/* Arms T to fire once at EXPIRE_MS (same clock as timers_run's NOW_MS); re-arming moves it. */
void timer_arm(struct timer *t, int64_t expire_ms);
void timer_destroy(struct timer *t);

/* Runs the callbacks of every timer due at NOW_MS. */
void timers_run(int64_t now_ms);
/* The earliest armed expiry, or TIMERS_NONE. */
int64_t timers_next(void);

#endif
