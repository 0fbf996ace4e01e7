/* ic-traffic-ring.c - the bounded, thread-safe store behind IcTranscript.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-traffic-ring-private.h"

#include <pthread.h>

struct _IcTrafficRing
{
  gatomicrefcount ref;
  pthread_mutex_t mutex;         /* pthread: visible to ThreadSanitizer */
  guint max_chunks;
  gsize max_bytes;
  GQueue chunks;                 /* (element-type IcTrafficChunk) (lock: mutex) */
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
  g_queue_init (&ring->chunks);
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
  g_queue_clear_full (&ring->chunks, (GDestroyNotify) ic_traffic_chunk_free);
  pthread_mutex_destroy (&ring->mutex);
  g_free (ring);
}

static void
drop_oldest_locked (IcTrafficRing *ring)
{
  IcTrafficChunk *oldest = g_queue_pop_head (&ring->chunks);
  gsize size = g_bytes_get_size (oldest->bytes);

  ring->bytes_held -= size;
  ring->dropped_bytes += size;
  ic_traffic_chunk_free (oldest);
}

void
ic__traffic_ring_append (IcTrafficRing      *ring,
                         IcTrafficDirection  direction,
                         const guint8       *data,
                         gsize               length)
{
  IcTrafficChunk *chunk;
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
  while (ring->chunks.length > 0
         && (ring->chunks.length >= ring->max_chunks
             || ring->bytes_held + length > ring->max_bytes))
    drop_oldest_locked (ring);

  chunk = g_new (IcTrafficChunk, 1);
  chunk->direction = direction;
  chunk->time = now;
  chunk->serial = ++ring->serial;
  chunk->bytes = g_bytes_new (data, length);
  g_queue_push_tail (&ring->chunks, chunk);
  ring->bytes_held += length;
  pthread_mutex_unlock (&ring->mutex);
}

void
ic__traffic_ring_get_info (IcTrafficRing     *ring,
                           IcTrafficRingInfo *info)
{
  pthread_mutex_lock (&ring->mutex);
  info->serial = ring->serial;
  info->n_chunks = ring->chunks.length;
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
  GList *link;

  pthread_mutex_lock (&ring->mutex);
  /* walk back from the newest to the first one wanted */
  for (link = ring->chunks.tail; link != NULL; link = link->prev)
    {
      IcTrafficChunk *chunk = link->data;

      if (chunk->serial <= since)
        break;
    }
  for (link = link != NULL ? link->next : ring->chunks.head; link != NULL; link = link->next)
    g_ptr_array_add (result, ic_traffic_chunk_copy (link->data));
  pthread_mutex_unlock (&ring->mutex);
  return result;
}

void
ic__traffic_ring_clear (IcTrafficRing *ring)
{
  pthread_mutex_lock (&ring->mutex);
  g_queue_clear_full (&ring->chunks, (GDestroyNotify) ic_traffic_chunk_free);
  g_queue_init (&ring->chunks);
  ring->bytes_held = 0;
  pthread_mutex_unlock (&ring->mutex);
}
