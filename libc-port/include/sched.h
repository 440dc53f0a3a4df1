/* sched.h: newlib's sched.h plus sched_yield, which newlib declares only for RTEMS-like targets. */
#ifndef UNIKVM_SCHED_H
#define UNIKVM_SCHED_H

#include_next <sched.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lets every other runnable thread run first; returns 0. */
int sched_yield(void);

#ifdef __cplusplus
}
#endif

#endif
