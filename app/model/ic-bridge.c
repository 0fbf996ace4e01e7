/* ic-bridge.c - the queue and the one coalescing idle source.
 *
 * The rule (h2o's, Sysprof's notify_source check): a producer attaches an
 * idle source only when none is pending, and one is pending from the moment
 * the queue goes from empty to non-empty until a dispatch leaves the queue
 * empty. The dispatch returns G_SOURCE_CONTINUE while work remains, so the
 * same source runs again after the main loop has served everything of
 * higher priority.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-bridge.h"
#include "ic-ring-private.h"

#include <pthread.h>

#define MIN_BATCH 16
#define MIN_RING  64
#define KEEP_RING 4096  /* a larger ring is given back once the queue is empty */

struct _IcBridge
{
  gatomicrefcount ref;
  GMainContext *context;          /* (owned) */
  IcBridgeFunc func;
  gpointer user_data;
  GDestroyNotify notify;

  pthread_mutex_t mutex;           /* pthread: visible to ThreadSanitizer */
  IcRing queue;                   /* (lock: mutex) of IcEvent * (owned), grows */
  GSource *source;                /* (owned) (nullable) (lock: mutex) the pending one */
  gboolean closed;                /* (lock: mutex) */
  guint queue_limit;              /* (lock: mutex) */
  guint queued_peak;              /* (lock: mutex) */
  guint64 pushed;                 /* (lock: mutex) */
  guint64 dropped;                /* (lock: mutex) */
  guint64 arms;                   /* (lock: mutex) */
  guint64 delivered;              /* (lock: mutex) */
  guint64 dispatches;             /* (lock: mutex) */
  guint batch_size;               /* (lock: mutex) written by the owner only */

  /* owner thread only */
  guint max_events;
  gint64 budget_usec;
  gboolean notified;
};

G_DEFINE_BOXED_TYPE (IcBridge, ic_bridge, ic_bridge_ref, ic_bridge_unref)

/* The queue: a ring of pointers that doubles when full (no allocation per
 * event beyond the record itself). Called with the mutex held. */
static void
ring_push_locked (IcBridge *bridge,
                  IcEvent  *event)
{
  if (ic__ring_is_full (&bridge->queue))
    ic__ring_set_capacity (&bridge->queue, MAX (MIN_RING, bridge->queue.capacity * 2));
  *(IcEvent **) ic__ring_push (&bridge->queue) = event;
}

static IcEvent *
ring_pop_locked (IcBridge *bridge)
{
  IcEvent *event = *(IcEvent **) ic__ring_pop (&bridge->queue);

  /* after a burst: give the memory back */
  if (bridge->queue.length == 0 && bridge->queue.capacity > KEEP_RING)
    ic__ring_set_capacity (&bridge->queue, 0);
  return event;
}

static void
ring_clear_locked (IcBridge *bridge)
{
  while (bridge->queue.length > 0)
    ic_event_free (ring_pop_locked (bridge));
}

IcBridge *
ic_bridge_new (GMainContext   *context,
               IcBridgeFunc    func,
               gpointer        user_data,
               GDestroyNotify  notify)
{
  IcBridge *bridge;

  g_return_val_if_fail (func != NULL, NULL);

  bridge = g_new0 (IcBridge, 1);
  g_atomic_ref_count_init (&bridge->ref);
  bridge->context = context != NULL ? g_main_context_ref (context)
                                    : g_main_context_ref_thread_default ();
  bridge->func = func;
  bridge->user_data = user_data;
  bridge->notify = notify;
  pthread_mutex_init (&bridge->mutex, NULL);
  ic__ring_init (&bridge->queue, sizeof (IcEvent *), 0);
  bridge->queue_limit = IC_BRIDGE_DEFAULT_QUEUE_LIMIT;
  bridge->max_events = IC_BRIDGE_DEFAULT_MAX_EVENTS;
  bridge->budget_usec = IC_BRIDGE_DEFAULT_BUDGET_USEC;
  bridge->batch_size = IC_BRIDGE_DEFAULT_MAX_EVENTS;
  return bridge;
}

IcBridge *
ic_bridge_ref (IcBridge *bridge)
{
  g_return_val_if_fail (bridge != NULL, NULL);

  g_atomic_ref_count_inc (&bridge->ref);
  return bridge;
}

void
ic_bridge_unref (IcBridge *bridge)
{
  g_return_if_fail (bridge != NULL);

  if (!g_atomic_ref_count_dec (&bridge->ref))
    return;
  /* the last reference can only go after close or when nothing was queued
   * (a pending source holds a reference) */
  g_assert (bridge->source == NULL);
  ring_clear_locked (bridge);
  ic__ring_clear (&bridge->queue);
  if (!bridge->notified && bridge->notify != NULL)
    bridge->notify (bridge->user_data);
  g_main_context_unref (bridge->context);
  pthread_mutex_destroy (&bridge->mutex);
  g_free (bridge);
}

GMainContext *
ic_bridge_get_context (IcBridge *bridge)
{
  g_return_val_if_fail (bridge != NULL, NULL);

  return bridge->context;
}

void
ic_bridge_set_budget (IcBridge *bridge,
                      guint     max_events,
                      gint64    budget_usec)
{
  g_return_if_fail (bridge != NULL);

  if (max_events > 0)
    {
      /* start at the top; the budget brings it down if needed */
      bridge->max_events = max_events;
      pthread_mutex_lock (&bridge->mutex);
      bridge->batch_size = max_events;
      pthread_mutex_unlock (&bridge->mutex);
    }
  if (budget_usec > 0)
    bridge->budget_usec = budget_usec;
}

void
ic_bridge_set_queue_limit (IcBridge *bridge,
                           guint     limit)
{
  g_return_if_fail (bridge != NULL);

  pthread_mutex_lock (&bridge->mutex);
  bridge->queue_limit = limit;
  pthread_mutex_unlock (&bridge->mutex);
}

/* Takes up to max events off the queue, oldest first; NULL when closed. */
static GPtrArray *
take_batch (IcBridge *bridge,
            guint     max,
            gboolean  dispatch)
{
  GPtrArray *batch;
  guint n;

  pthread_mutex_lock (&bridge->mutex);
  if (bridge->closed)
    {
      pthread_mutex_unlock (&bridge->mutex);
      return NULL;
    }
  n = MIN (max, bridge->queue.length);
  batch = g_ptr_array_new_full (n, (GDestroyNotify) ic_event_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (batch, ring_pop_locked (bridge));
  bridge->delivered += n;
  if (dispatch && n > 0)
    bridge->dispatches++;
  pthread_mutex_unlock (&bridge->mutex);
  return batch;
}

static gboolean
dispatch_cb (gpointer data)
{
  IcBridge *bridge = data;
  g_autoptr(GPtrArray) batch = NULL;
  gboolean more;
  gint64 start, took;

  g_assert (g_main_context_is_owner (bridge->context));

  batch = take_batch (bridge, bridge->batch_size, TRUE);
  if (batch == NULL)
    return G_SOURCE_REMOVE;
  if (batch->len > 0)
    {
      guint n = batch->len, size = bridge->batch_size;

      start = g_get_monotonic_time ();
      bridge->func (bridge, batch, bridge->user_data);
      took = g_get_monotonic_time () - start;

      /* adapt the slice to the time budget */
      if (took > bridge->budget_usec && size > MIN_BATCH)
        size = MAX (MIN_BATCH, size / 2);
      else if (n == size && took < bridge->budget_usec / 4)
        size = MIN (bridge->max_events, size * 2);
      pthread_mutex_lock (&bridge->mutex);
      bridge->batch_size = size;
      pthread_mutex_unlock (&bridge->mutex);
    }

  pthread_mutex_lock (&bridge->mutex);
  if (bridge->closed)
    more = FALSE; /* close destroyed the source already */
  else if (bridge->queue.length > 0)
    more = TRUE;
  else
    {
      /* the queue is empty: the next push arms a new source */
      more = FALSE;
      g_clear_pointer (&bridge->source, g_source_unref);
    }
  pthread_mutex_unlock (&bridge->mutex);

  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

gboolean
ic_bridge_push (IcBridge *bridge,
                IcEvent  *event)
{
  g_return_val_if_fail (bridge != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  pthread_mutex_lock (&bridge->mutex);
  if (bridge->closed
      || (bridge->queue_limit > 0 && bridge->queue.length >= bridge->queue_limit
          && ic_event_is_droppable (event)))
    {
      bridge->dropped++;
      pthread_mutex_unlock (&bridge->mutex);
      ic_event_free (event);
      return FALSE;
    }
  ring_push_locked (bridge, event);
  bridge->pushed++;
  bridge->queued_peak = MAX (bridge->queued_peak, bridge->queue.length);
  if (bridge->source == NULL)
    {
      /* empty -> non-empty: the only moment a source is attached */
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (source, "[inet-console] bridge");
      g_source_set_callback (source, dispatch_cb, ic_bridge_ref (bridge),
                             (GDestroyNotify) ic_bridge_unref);
      bridge->source = source;
      bridge->arms++;
      g_source_attach (source, bridge->context);
    }
  pthread_mutex_unlock (&bridge->mutex);
  return TRUE;
}

void
ic_bridge_flush (IcBridge *bridge)
{
  gboolean acquired;

  g_return_if_fail (bridge != NULL);

  /* the owner thread may hold the context or not (outside an iteration);
   * acquiring fails only for another thread, a programmer error */
  acquired = g_main_context_acquire (bridge->context);
  g_return_if_fail (acquired);

  for (;;)
    {
      g_autoptr(GPtrArray) batch = take_batch (bridge, bridge->max_events, FALSE);

      if (batch == NULL || batch->len == 0)
        break;
      bridge->func (bridge, batch, bridge->user_data);
    }
  /* a source still pending finds the queue empty and disarms itself */
  g_main_context_release (bridge->context);
}

void
ic_bridge_close (IcBridge *bridge)
{
  GSource *source;

  g_return_if_fail (bridge != NULL);

  pthread_mutex_lock (&bridge->mutex);
  if (bridge->closed)
    {
      pthread_mutex_unlock (&bridge->mutex);
      return;
    }
  bridge->closed = TRUE;
  source = g_steal_pointer (&bridge->source);
  /* nothing is pushed any more: the records can go */
  ring_clear_locked (bridge);
  pthread_mutex_unlock (&bridge->mutex);

  if (source != NULL)
    {
      /* by pointer: g_source_remove () only searches the default context */
      g_source_destroy (source);
      g_source_unref (source);
    }

  if (bridge->notify != NULL)
    bridge->notify (bridge->user_data);
  bridge->notified = TRUE;
}

void
ic_bridge_get_stats (IcBridge      *bridge,
                     IcBridgeStats *stats)
{
  g_return_if_fail (bridge != NULL);
  g_return_if_fail (stats != NULL);

  pthread_mutex_lock (&bridge->mutex);
  stats->pushed = bridge->pushed;
  stats->dropped = bridge->dropped;
  stats->arms = bridge->arms;
  stats->queued = bridge->queue.length;
  stats->queued_peak = bridge->queued_peak;
  stats->delivered = bridge->delivered;
  stats->dispatches = bridge->dispatches;
  stats->batch_size = bridge->batch_size;
  pthread_mutex_unlock (&bridge->mutex);
}
