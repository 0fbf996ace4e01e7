/* ic-traffic-ring.c - the bounded, thread-safe store behind IcTranscript.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-traffic-ring-private.h"

#include <pthread.h>
#include <string.h>

/* One allocation per chunk, made in the engine thread that reports it (no
 * GSlice, no GBytes there); GBytes are made on demand for the main context. */
typedef struct
{
  IcTrafficDirection direction;
  gint64 time;
  guint64 serial;
  gsize length;
  guint8 data[];
} Chunk;

struct _IcTrafficRing
{
  gatomicrefcount ref;
  pthread_mutex_t mutex;         /* pthread: visible to ThreadSanitizer */
  guint max_chunks;
  gsize max_bytes;
  Chunk **slots;                 /* (lock: mutex) ring of max_chunks, made at first use */
  guint first;                   /* (lock: mutex) */
  guint n_chunks;                /* (lock: mutex) */
  gsize bytes_held;              /* (lock: mutex) */
  guint64 serial;                /* (lock: mutex) */
  guint64 bytes_in;              /* (lock: mutex) */
  guint64 bytes_out;             /* (lock: mutex) */
  guint64 dropped_bytes;         /* (lock: mutex) */
};

IcTrafficRing *
ic__traffic_ring_new (guint max_chunks,
                      gsize max_bytes)
{
  IcTrafficRing *ring = g_new0 (IcTrafficRing, 1);

  g_atomic_ref_count_init (&ring->ref);
  pthread_mutex_init (&ring->mutex, NULL);
  ring->max_chunks = MAX (max_chunks, 1);
  ring->max_bytes = MAX (max_bytes, 1);
  return ring;
}

IcTrafficRing *
ic__traffic_ring_ref (IcTrafficRing *ring)
{
  g_atomic_ref_count_inc (&ring->ref);
  return ring;
}

void
ic__traffic_ring_unref (IcTrafficRing *ring)
{
  if (!g_atomic_ref_count_dec (&ring->ref))
    return;
  for (guint i = 0; i < ring->n_chunks; i++)
    g_free (ring->slots[(ring->first + i) % ring->max_chunks]);
  g_free (ring->slots);
  pthread_mutex_destroy (&ring->mutex);
  g_free (ring);
}

static Chunk *
chunk_at_locked (IcTrafficRing *ring,
                 guint          index)
{
  return ring->slots[(ring->first + index) % ring->max_chunks];
}

static void
drop_oldest_locked (IcTrafficRing *ring)
{
  Chunk *oldest = ring->slots[ring->first];

  ring->slots[ring->first] = NULL;
  ring->first = (ring->first + 1) % ring->max_chunks;
  ring->n_chunks--;
  ring->bytes_held -= oldest->length;
  ring->dropped_bytes += oldest->length;
  g_free (oldest);
}

void
ic__traffic_ring_append (IcTrafficRing      *ring,
                         IcTrafficDirection  direction,
                         const guint8       *data,
                         gsize               length)
{
  Chunk *chunk;
  gint64 now;

  if (length == 0)
    return;
  now = g_get_real_time ();

  pthread_mutex_lock (&ring->mutex);
  if (direction == IC_TRAFFIC_IN)
    ring->bytes_in += length;
  else
    ring->bytes_out += length;
  /* a chunk larger than the whole bound keeps its tail */
  if (length > ring->max_bytes)
    {
      ring->dropped_bytes += length - ring->max_bytes;
      data += length - ring->max_bytes;
      length = ring->max_bytes;
    }
  if (ring->slots == NULL)
    ring->slots = g_new0 (Chunk *, ring->max_chunks);
  while (ring->n_chunks > 0
         && (ring->n_chunks >= ring->max_chunks || ring->bytes_held + length > ring->max_bytes))
    drop_oldest_locked (ring);

  chunk = g_malloc (sizeof (Chunk) + length);
  chunk->direction = direction;
  chunk->time = now;
  chunk->serial = ++ring->serial;
  chunk->length = length;
  memcpy (chunk->data, data, length);
  ring->slots[(ring->first + ring->n_chunks) % ring->max_chunks] = chunk;
  ring->n_chunks++;
  ring->bytes_held += length;
  pthread_mutex_unlock (&ring->mutex);
}

void
ic__traffic_ring_get_info (IcTrafficRing     *ring,
                           IcTrafficRingInfo *info)
{
  pthread_mutex_lock (&ring->mutex);
  info->serial = ring->serial;
  info->n_chunks = ring->n_chunks;
  info->bytes_in = ring->bytes_in;
  info->bytes_out = ring->bytes_out;
  info->dropped_bytes = ring->dropped_bytes;
  pthread_mutex_unlock (&ring->mutex);
}

GPtrArray *
ic__traffic_ring_dup (IcTrafficRing *ring,
                      guint64        since)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) ic_traffic_chunk_free);
  guint start;

  pthread_mutex_lock (&ring->mutex);
  /* walk back from the newest to the first one wanted */
  for (start = ring->n_chunks; start > 0; start--)
    if (chunk_at_locked (ring, start - 1)->serial <= since)
      break;
  for (guint i = start; i < ring->n_chunks; i++)
    {
      Chunk *chunk = chunk_at_locked (ring, i);
      IcTrafficChunk *copy = g_new (IcTrafficChunk, 1);

      copy->direction = chunk->direction;
      copy->time = chunk->time;
      copy->serial = chunk->serial;
      copy->bytes = g_bytes_new (chunk->data, chunk->length);
      g_ptr_array_add (result, copy);
    }
  pthread_mutex_unlock (&ring->mutex);
  return result;
}

void
ic__traffic_ring_clear (IcTrafficRing *ring)
{
  guint64 dropped;

  pthread_mutex_lock (&ring->mutex);
  /* cleared by hand: not counted as dropped */
  dropped = ring->dropped_bytes;
  while (ring->n_chunks > 0)
    drop_oldest_locked (ring);
  ring->dropped_bytes = dropped;
  pthread_mutex_unlock (&ring->mutex);
}
