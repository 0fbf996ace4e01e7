/* inet-handle.c - the handle table.
 *
 * Slots live in fixed chunks that never move, so a slot pointer stays valid
 * while the table grows. One mutex guards the table; calls made inside an
 * event handler on the handler's own client skip the table entirely (see
 * inet-session.c), so the lock is off the hot path.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-handle-private.h"
#include "inet-error-private.h"

#include <pthread.h>
#include <stdlib.h>

_Static_assert (sizeof (SOCKET) == 8, "the handle layout needs a 64-bit SOCKET");

#define CHUNK_BITS 10
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 4096 /* 4M handles alive at once */

typedef struct
{
  uint32_t serial;     /* 0 = free */
  uint32_t next_free;  /* index + 1 of the next free slot, 0 = none */
  InetObject *object;
} Slot;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static Slot *chunks[MAX_CHUNKS];
static uint32_t n_slots;
static uint32_t free_head; /* index + 1 */
static uint32_t next_serial = 1;

static inline Slot *
slot_at (uint32_t index)
{
  return &chunks[index >> CHUNK_BITS][index & (CHUNK_SIZE - 1)];
}

void
inet__object_init (InetObject *object, InetObjectKind kind,
                   void (*finalize) (InetObject *object))
{
  atomic_init (&object->ref_count, 1);
  object->kind = kind;
  object->handle = INVALID_SOCKET;
  object->finalize = finalize;
}

InetObject *
inet__object_ref (InetObject *object)
{
  atomic_fetch_add_explicit (&object->ref_count, 1, memory_order_relaxed);
  return object;
}

void
inet__object_unref (InetObject *object)
{
  if (atomic_fetch_sub_explicit (&object->ref_count, 1, memory_order_acq_rel) == 1)
    object->finalize (object);
}

SOCKET
inet__handle_register (InetObject *object)
{
  uint32_t index;
  Slot *slot;
  SOCKET handle;

  pthread_mutex_lock (&table_lock);
  if (free_head != 0)
    {
      index = free_head - 1;
      free_head = slot_at (index)->next_free;
    }
  else
    {
      if (n_slots == (uint32_t) MAX_CHUNKS * CHUNK_SIZE)
        {
          pthread_mutex_unlock (&table_lock);
          inet__set_error (WSAEMFILE);
          return INVALID_SOCKET;
        }
      index = n_slots++;
      if (chunks[index >> CHUNK_BITS] == NULL)
        chunks[index >> CHUNK_BITS] = calloc (CHUNK_SIZE, sizeof (Slot));
    }
  slot = slot_at (index);
  if (next_serial == 0) /* skip 0 after a wrap: 0 marks a free slot */
    next_serial = 1;
  slot->serial = next_serial++;
  slot->next_free = 0;
  slot->object = inet__object_ref (object);
  handle = ((SOCKET) slot->serial << 32) | index;
  object->handle = handle;
  pthread_mutex_unlock (&table_lock);
  return handle;
}

void
inet__handle_unregister (InetObject *object)
{
  SOCKET handle;
  uint32_t index;
  Slot *slot;

  pthread_mutex_lock (&table_lock);
  handle = object->handle;
  if (handle == INVALID_SOCKET)
    {
      pthread_mutex_unlock (&table_lock);
      return;
    }
  index = (uint32_t) (handle & 0xffffffffu);
  slot = slot_at (index);
  slot->serial = 0;
  slot->object = NULL;
  slot->next_free = free_head;
  free_head = index + 1;
  pthread_mutex_unlock (&table_lock);
  /* object->handle keeps its value: events still name it until the end */
  inet__object_unref (object);
}

InetObject *
inet__handle_lookup (SOCKET handle, unsigned kinds)
{
  uint32_t index = (uint32_t) (handle & 0xffffffffu);
  uint32_t serial = (uint32_t) (handle >> 32);
  InetObject *object = NULL;

  if (handle != INVALID_SOCKET && serial != 0)
    {
      pthread_mutex_lock (&table_lock);
      if (index < n_slots)
        {
          Slot *slot = slot_at (index);

          if (slot->serial == serial && (slot->object->kind & kinds) != 0)
            object = inet__object_ref (slot->object);
        }
      pthread_mutex_unlock (&table_lock);
    }
  if (object == NULL)
    inet__set_error (WSAENOTSOCK);
  return object;
}
