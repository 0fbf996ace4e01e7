/* ic-ring.c - see ic-ring-private.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ring-private.h"

#include <string.h>

void
ic__ring_init (IcRing *ring,
               gsize   element_size,
               guint   capacity)
{
  memset (ring, 0, sizeof *ring);
  ring->element_size = element_size;
  ring->capacity = capacity;
}

static gpointer
slot (const IcRing *ring,
      guint         position)
{
  return ring->slots + (gsize) (position % ring->capacity) * ring->element_size;
}

gpointer
ic__ring_get (const IcRing *ring,
              guint         index)
{
  g_assert (index < ring->length);
  return slot (ring, ring->first + index);
}

gpointer
ic__ring_push (IcRing *ring)
{
  g_assert (ring->length < ring->capacity);
  if (ring->slots == NULL)
    {
      /* zeroed, so touched at once: memory use shows up front, not as
       * the ring fills over minutes */
      ring->slots = g_malloc0_n (ring->capacity, ring->element_size);
      ring->first = 0;
    }
  ring->length++;
  return slot (ring, ring->first + ring->length - 1);
}

gpointer
ic__ring_pop (IcRing *ring)
{
  gpointer oldest;

  g_assert (ring->length > 0);
  oldest = slot (ring, ring->first);
  ring->first = (ring->first + 1) % ring->capacity;
  ring->length--;
  return oldest;
}

void
ic__ring_set_capacity (IcRing *ring,
                       guint   capacity)
{
  guint8 *slots = NULL;

  g_assert (capacity >= ring->length);
  if (ring->length > 0)
    {
      slots = g_malloc0_n (capacity, ring->element_size);
      for (guint i = 0; i < ring->length; i++)
        memcpy (slots + (gsize) i * ring->element_size, ic__ring_get (ring, i),
                ring->element_size);
    }
  g_free (ring->slots);
  ring->slots = slots;
  ring->capacity = capacity;
  ring->first = 0;
}

void
ic__ring_clear (IcRing *ring)
{
  g_clear_pointer (&ring->slots, g_free);
  ring->first = 0;
  ring->length = 0;
}
