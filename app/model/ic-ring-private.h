/* ic-ring-private.h - a ring of fixed-size elements, oldest first: the
 * slot arithmetic shared by the event log, the traffic store, the
 * statistics history and the bridge's queue. It holds bytes only: callers
 * free what their elements own, bound it (pop before a push when full) or
 * grow it, and lock it where threads share it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint8 *slots;         /* (owned) (nullable) capacity elements, made at the first push */
  gsize element_size;
  guint capacity;
  guint first;           /* the slot of the oldest element */
  guint length;
} IcRing;

void     ic__ring_init         (IcRing *ring,
                                gsize   element_size,
                                guint   capacity);
/* The element at index (0 = the oldest, length - 1 = the newest). */
gpointer ic__ring_get          (const IcRing *ring,
                                guint         index);
/* The slot after the newest, now part of the ring; the ring must not be
 * full. Zeroed the first time it is used. */
gpointer ic__ring_push         (IcRing *ring);
/* Takes the oldest out; returns its slot, valid until the next push. */
gpointer ic__ring_pop          (IcRing *ring);
/* capacity >= length; the elements keep their order. With no elements
 * the slots are freed (and made again at the next push). */
void     ic__ring_set_capacity (IcRing *ring,
                                guint   capacity);
/* No elements, slots freed; the capacity stays. */
void     ic__ring_clear        (IcRing *ring);

static inline gboolean
ic__ring_is_full (const IcRing *ring)
{
  return ring->length == ring->capacity;
}

/* For rings of pointers. */
#define IC_RING_POINTER(ring, index) (*(gpointer *) ic__ring_get ((ring), (index)))

G_END_DECLS
