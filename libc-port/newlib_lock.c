/* newlib_lock.c: newlib's retargetable locks (stdio, malloc, ...) as sleeping guest locks. */
#include <guest/lock.h>
#include <stdlib.h>
#include <sys/lock.h>

/*
 * newlib's libc.a carries no-op versions of all of these in one object
 * (misc/lock.o); defining every one here keeps that object out of the link.
 * A thread can block while holding one (stdio writing to a full pipe), so
 * they must really exclude. Recursive and plain locks are the same lock:
 * newlib never takes a plain one twice.
 */
struct __lock {
  struct guest_lock lock;
};

struct __lock __lock___sinit_recursive_mutex;
struct __lock __lock___sfp_recursive_mutex;
struct __lock __lock___atexit_recursive_mutex;
struct __lock __lock___at_quick_exit_mutex;
struct __lock __lock___malloc_recursive_mutex;
struct __lock __lock___env_recursive_mutex;
struct __lock __lock___tz_mutex;
struct __lock __lock___dd_hash_mutex;
struct __lock __lock___arc4random_mutex;

/* Out of memory leaves the lock NULL, which then locks nothing rather than crashing. */
void __retarget_lock_init(_LOCK_T *lock) {
  *lock = calloc(1, sizeof(**lock));
}

void __retarget_lock_init_recursive(_LOCK_T *lock) {
  __retarget_lock_init(lock);
}

void __retarget_lock_close(_LOCK_T lock) {
  free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock) {
  free(lock);
}

void __retarget_lock_acquire(_LOCK_T lock) {
  if (lock != NULL)
    guest_lock_acquire(&lock->lock, GUEST_FOREVER);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) {
  __retarget_lock_acquire(lock);
}

/* 1 when taken, as newlib's no-op version (which always "succeeds") answers. */
int __retarget_lock_try_acquire(_LOCK_T lock) {
  return lock == NULL || guest_lock_try(&lock->lock);
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
  return __retarget_lock_try_acquire(lock);
}

void __retarget_lock_release(_LOCK_T lock) {
  if (lock != NULL)
    guest_lock_release(&lock->lock);
}

void __retarget_lock_release_recursive(_LOCK_T lock) {
  __retarget_lock_release(lock);
}
