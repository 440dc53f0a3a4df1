/* unikvm_snapshot.h: snapshots and per-request reset, for apps (see README "Snapshots").
 *
 * The functions are declared weak so that the same app source builds natively: there they
 * do not exist, and `if (unikvm_snapshot)` skips the call. */
#ifndef UNIKVM_SNAPSHOT_API_H
#define UNIKVM_SNAPSHOT_API_H

/*
 * Marks the end of the app's initialisation (e.g. a server after listen()). If unikvm was
 * asked for a snapshot (--snapshot-out, --reset-per-request) it records the VM here.
 * Returns 0 the first time, and again in every VM restored from the snapshot and after
 * every reset, with a count > 0 (how many restores/resets so far); -1 where snapshots are
 * not supported (QEMU). Random state (lwIP's ports and sequence numbers, rand()) is
 * reseeded from fresh host entropy on every return > 0.
 */
int unikvm_snapshot(void) __attribute__((weak));

/*
 * Marks the end of one request (e.g. after a `Connection: close` response was sent and the
 * socket closed). Under --reset-per-request it does not return: the VM goes back to the
 * snapshot and unikvm_snapshot() returns again. Otherwise it does nothing.
 */
void unikvm_request_done(void) __attribute__((weak));

/* 1 if unikvm_request_done() resets the VM (--reset-per-request; known once
 * unikvm_snapshot() returned), else 0. A server then takes one connection at a time. */
int unikvm_resets_per_request(void) __attribute__((weak));

#endif
