/* pthread_attr.c: thread attributes: stack size, detach state; scope, guard size accepted. */
#include "port.h"
#include <pthread.h>
#include <string.h>

int pthread_attr_init(pthread_attr_t *attr) {
  memset(attr, 0, sizeof(*attr));
  attr->__stacksize = UNIKVM_PTHREAD_STACK_DEFAULT;
  attr->__detachstate = PTHREAD_CREATE_JOINABLE;
  return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr) {
  (void)attr;
  return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size) {
  if (size < PTHREAD_STACK_MIN)
    return EINVAL;
  attr->__stacksize = size;
  return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size) {
  *size = attr->__stacksize;
  return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
    return EINVAL;
  attr->__detachstate = state;
  return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state) {
  *state = attr->__detachstate;
  return 0;
}

/* Every thread competes with every other one: there is only the system scope. */
int pthread_attr_setscope(pthread_attr_t *attr, int scope) {
  if (scope == PTHREAD_SCOPE_PROCESS)
    return ENOTSUP;
  if (scope != PTHREAD_SCOPE_SYSTEM)
    return EINVAL;
  attr->__scope = scope;
  return 0;
}

int pthread_attr_getscope(const pthread_attr_t *attr, int *scope) {
  *scope = attr->__scope;
  return 0;
}

/* There are no guard pages (a canary guards the stack instead): the size is only remembered. */
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size) {
  attr->__guardsize = size;
  return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size) {
  *size = attr->__guardsize;
  return 0;
}
