/* ic-bridge.h - engine threads to the main loop: a queue of copied event
 * records and one coalescing idle source.
 *
 * Producers (any thread) push IcEvent records. At most one idle GSource is
 * pending on the bridge's GMainContext at any time: it is attached only
 * when the queue goes from empty to non-empty (under the bridge's mutex),
 * never once per event. Its dispatch runs on that context, takes a bounded
 * batch (a count that adapts to a time budget), hands it to the
 * IcBridgeFunc as one array, and stays armed while work remains, so a flood
 * is absorbed in slices and the main loop keeps running its timeouts,
 * input and frames in between (the source has G_PRIORITY_DEFAULT_IDLE).
 *
 * The queue is bounded: once it holds the queue limit, droppable events
 * (ic_event_is_droppable) are counted and dropped; lifecycle events are
 * always kept, so the models stay consistent.
 *
 * After ic_bridge_close returns, the function is never called again and
 * the GDestroyNotify has run. This is what gives "no callback after a
 * server's stop returns": the server model stops the engine server (which
 * guarantees no engine callback after InetServerStop returns), flushes,
 * then closes its bridge.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-event.h"

G_BEGIN_DECLS

/* Called on the bridge's context with a batch, oldest first. The events
 * are owned by the bridge and freed when the function returns (steal them
 * with g_ptr_array_steal_index if needed). May call ic_bridge_flush or
 * ic_bridge_close on its own bridge. */
typedef void (*IcBridgeFunc) (IcBridge  *bridge,
                              GPtrArray *events,
                              gpointer   user_data);

#define IC_BRIDGE_DEFAULT_MAX_EVENTS  1024   /* per dispatch, upper bound */
#define IC_BRIDGE_DEFAULT_BUDGET_USEC 4000   /* per dispatch, target */
#define IC_BRIDGE_DEFAULT_QUEUE_LIMIT 65536  /* events held before drops */

#define IC_TYPE_BRIDGE (ic_bridge_get_type ())
GType ic_bridge_get_type (void) G_GNUC_CONST;

/* Main thread (the owner of context). context NULL = the thread-default
 * context now. The bridge keeps a reference to the context. */
IcBridge *ic_bridge_new   (GMainContext   *context,
                           IcBridgeFunc    func,
                           gpointer        user_data,
                           GDestroyNotify  notify);
/* Any thread. */
IcBridge *ic_bridge_ref   (IcBridge       *bridge);
void      ic_bridge_unref (IcBridge       *bridge);

/* Any thread. Takes ownership of event. Returns FALSE when the event was
 * dropped (queue full and droppable, or the bridge is closed). */
gboolean  ic_bridge_push  (IcBridge       *bridge,
                           IcEvent        *event);

/* Owner thread. At most max_events per dispatch; the batch size adapts so
 * one dispatch takes about budget_usec (halved when a batch overran,
 * doubled when a full batch took under a quarter). 0 = unchanged. */
void      ic_bridge_set_budget      (IcBridge *bridge,
                                     guint     max_events,
                                     gint64    budget_usec);
/* Any thread. 0 = unbounded (tests only). */
void      ic_bridge_set_queue_limit (IcBridge *bridge,
                                     guint     limit);

/* Owner thread: hand everything queued to the function now, in batches,
 * synchronously (used after the engine server stopped). */
void      ic_bridge_flush (IcBridge       *bridge);

/* Owner thread: destroy the pending source (g_source_destroy on the kept
 * GSource), free queued events, call the destroy notify. Idempotent. After
 * it returns the function never runs again and pushes are dropped. */
void      ic_bridge_close (IcBridge       *bridge);

GMainContext *ic_bridge_get_context (IcBridge *bridge);

/* Counters (any thread): for tests, benchmarks and the log. */
typedef struct
{
  guint64 pushed;       /* events accepted on the queue */
  guint64 dropped;      /* events dropped (queue full or closed) */
  guint64 delivered;    /* events handed to the function */
  guint64 dispatches;   /* idle-source dispatches that delivered a batch */
  guint64 arms;         /* idle sources attached */
  guint queued;         /* events waiting now */
  guint queued_peak;
  guint batch_size;     /* current adaptive batch size */
} IcBridgeStats;

void      ic_bridge_get_stats (IcBridge      *bridge,
                               IcBridgeStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcBridge, ic_bridge_unref)

G_END_DECLS
