/* pthread_key.c: thread-specific data: keys, per-thread values, destructors at thread exit. */
#include "port.h"
#include "proc.h"
#include <stdlib.h>

/*
 * A key slot is reused after pthread_key_delete; its generation changes, so
 * values a thread stored under the old key read as NULL under the new one
 * without visiting every thread.
 */
static struct {
  bool used;
  unsigned gen;
  void (*destructor)(void *);
} keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
  for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
    if (keys[k].used)
      continue;
    keys[k].used = true;
    keys[k].gen++;
    keys[k].destructor = destructor;
    *key = k;
    return 0;
  }
  return EAGAIN;
}

int pthread_key_delete(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
    return EINVAL;
  keys[key].used = false;
  return 0;
}

void *pthread_getspecific(pthread_key_t key) {
  struct port_thread *self = port_self();
  if (key >= PTHREAD_KEYS_MAX || self->tsd == NULL || !keys[key].used ||
      self->tsd[key].gen != keys[key].gen)
    return NULL;
  return self->tsd[key].value;
}

int pthread_setspecific(pthread_key_t key, const void *value) {
  struct port_thread *self = port_self();
  if (key >= PTHREAD_KEYS_MAX || !keys[key].used)
    return EINVAL;
  if (self->tsd == NULL) {
    self->tsd = calloc(PTHREAD_KEYS_MAX, sizeof(*self->tsd));
    if (self->tsd == NULL)
      return ENOMEM;
  }
  self->tsd[key].value = (void *)value;
  self->tsd[key].gen = keys[key].gen;
  return 0;
}

/* POSIX: repeat while destructors store new values, up to PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
void port_tsd_run_destructors(struct port_thread *t) {
  if (t->tsd == NULL)
    return;
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
    bool called = false;
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
      struct port_tsd_slot *s = &t->tsd[k];
      if (!keys[k].used || keys[k].destructor == NULL || s->gen != keys[k].gen || s->value == NULL)
        continue;
      void *value = s->value;
      s->value = NULL;
      keys[k].destructor(value);
      called = true;
    }
    if (!called)
      return;
  }
}
