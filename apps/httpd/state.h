/* state.h: "/state": what one VM has seen, to show that --reset-per-request isolates requests. */
#ifndef HTTPD_STATE_H
#define HTTPD_STATE_H

#include <stddef.h>

#include <stdbool.h>

/* The snapshot generation httpd runs in (0 without snapshots; see main.c). */
extern long state_generation;

/* -X, for the clone tests: GET /crash makes the process (the guest) fault. */
extern bool state_crash_route;
void state_crash(void);

/* Writes "generation=G seen=N random=R\n" and counts this request: N is how many /state
 * requests this VM answered before (always 0 when each request starts from the snapshot),
 * R a fresh rand() value (reseeded from host entropy after each reset). */
size_t state_report(char *buf, size_t cap);

#endif
