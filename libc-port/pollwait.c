/* pollwait.c: linking pollers into the files they watch, and waking them. */
#include "pollwait.h"
#include <stddef.h>

void port_poll_add(struct port_poll_head *h, struct port_poll_entry *e) {
  e->head = h;
  e->prev = NULL;
  e->next = h->first;
  if (h->first != NULL)
    h->first->prev = e;
  h->first = e;
}

void port_poll_remove(struct port_poll_entry *e) {
  if (e->head == NULL)
    return;
  if (e->prev != NULL)
    e->prev->next = e->next;
  else
    e->head->first = e->next;
  if (e->next != NULL)
    e->next->prev = e->prev;
  e->head = NULL;
  e->prev = e->next = NULL;
}

void port_poll_wake_all(struct port_poll_head *h) {
  for (struct port_poll_entry *e = h->first; e != NULL; e = e->next) {
    e->poller->woken = true;
    guest_waitq_wake_one(&e->poller->waiter);
  }
}
