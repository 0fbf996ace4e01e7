/* test-app-bridge.c - the coalescing bridge: one idle source for many
 * events, bounded batches that re-arm, nothing after close.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-bridge.h"
#include "ic-test-utils.h"

typedef struct
{
  GMainContext *context;
  IcBridge *bridge;
  guint calls;              /* function calls */
  GArray *seen;             /* (element-type guint64) socket values, in delivery order */
  GArray *batches;          /* (element-type guint) batch sizes */
  guint notified;           /* destroy notify calls */
  gulong sleep_us;          /* the function takes this long per batch */
  gboolean close_in_func;
} Fixture;

static void
record_cb (IcBridge  *bridge,
           GPtrArray *events,
           gpointer   user_data)
{
  Fixture *f = user_data;

  /* every callback runs on the bridge's context, owned by this thread */
  g_assert_true (g_main_context_is_owner (f->context));
  g_assert_true (bridge == f->bridge);
  f->calls++;
  g_array_append_val (f->batches, events->len);
  for (guint i = 0; i < events->len; i++)
    {
      IcEvent *event = g_ptr_array_index (events, i);
      guint64 value = event->socket;

      g_array_append_val (f->seen, value);
    }
  if (f->sleep_us > 0)
    g_usleep (f->sleep_us);
  if (f->close_in_func)
    ic_bridge_close (bridge);
}

static void
notify_cb (gpointer user_data)
{
  Fixture *f = user_data;

  f->notified++;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->seen = g_array_new (FALSE, FALSE, sizeof (guint64));
  f->batches = g_array_new (FALSE, FALSE, sizeof (guint));
  /* NULL: the thread-default context, the private one */
  f->bridge = ic_bridge_new (NULL, record_cb, f, notify_cb);
  g_assert_true (ic_bridge_get_context (f->bridge) == f->context);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  ic_bridge_close (f->bridge);
  g_assert_cmpuint (f->notified, ==, 1);
  g_clear_pointer (&f->bridge, ic_bridge_unref);
  /* nothing of the bridge is left on the context */
  g_assert_false (g_main_context_pending (f->context));
  g_array_unref (f->seen);
  g_array_unref (f->batches);
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

typedef struct
{
  IcBridge *bridge;
  guint thread;
  guint count;
} Producer;

/* socket = thread << 32 | sequence: order is checked per thread */
static gpointer
produce (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->count; i++)
    {
      IcEvent *event = ic_event_new (IC_EVENT_CONNECT, ((guint64) p->thread << 32) | i);

      g_assert_true (ic_bridge_push (p->bridge, event));
    }
  return NULL;
}

static void
run_producers (Fixture *f,
               guint    threads,
               guint    per_thread)
{
  g_autofree GThread **handles = g_new0 (GThread *, threads);
  g_autofree Producer *producers = g_new0 (Producer, threads);

  for (guint t = 0; t < threads; t++)
    {
      producers[t] = (Producer) { f->bridge, t, per_thread };
      handles[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  for (guint t = 0; t < threads; t++)
    g_thread_join (handles[t]);
}

static void
assert_in_order (Fixture *f,
                 guint    threads,
                 guint    per_thread)
{
  g_autofree guint *next = g_new0 (guint, threads);

  g_assert_cmpuint (f->seen->len, ==, threads * per_thread);
  for (guint i = 0; i < f->seen->len; i++)
    {
      guint64 value = g_array_index (f->seen, guint64, i);
      guint thread = (guint) (value >> 32), sequence = (guint) (value & 0xffffffff);

      g_assert_cmpuint (thread, <, threads);
      g_assert_cmpuint (sequence, ==, next[thread]);
      next[thread]++;
    }
}

static void
test_coalesces (Fixture       *f,
                gconstpointer  data)
{
  const guint threads = 8, per_thread = 500;
  IcBridgeStats stats;

  g_test_summary ("N events pushed from worker threads while the main context is busy "
                  "(not iterating) arm one idle source and arrive in one dispatch, in order");

  ic_bridge_set_budget (f->bridge, threads * per_thread, G_MAXINT64);
  run_producers (f, threads, per_thread);

  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.pushed, ==, threads * per_thread);
  g_assert_cmpuint (stats.queued, ==, threads * per_thread);
  g_assert_cmpuint (stats.arms, ==, 1);
  g_assert_cmpuint (f->calls, ==, 0);

  /* one main-loop iteration delivers everything in one batch */
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpuint (g_array_index (f->batches, guint, 0), ==, threads * per_thread);
  assert_in_order (f, threads, per_thread);

  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.dispatches, ==, 1);
  g_assert_cmpuint (stats.delivered, ==, threads * per_thread);
  g_assert_cmpuint (stats.queued, ==, 0);
  /* the source disarmed itself: nothing pending */
  g_assert_false (g_main_context_pending (f->context));
  g_assert_false (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (f->calls, ==, 1);
}

static void
test_bounded_batch (Fixture       *f,
                    gconstpointer  data)
{
  IcBridgeStats stats;

  g_test_summary ("A backlog larger than the batch bound is delivered in bounded batches "
                  "by the same source, which re-arms until the queue is empty");

  ic_bridge_set_budget (f->bridge, 100, G_MAXINT64);
  run_producers (f, 1, 1000);

  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpuint (g_array_index (f->batches, guint, 0), ==, 100);
  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.queued, ==, 900);
  /* still armed: more work is pending on the context */
  g_assert_true (g_main_context_pending (f->context));

  IC_TEST_SPIN_UNTIL (f->context, f->seen->len == 1000);
  g_assert_cmpuint (f->calls, ==, 10);
  for (guint i = 0; i < f->batches->len; i++)
    g_assert_cmpuint (g_array_index (f->batches, guint, i), ==, 100);
  assert_in_order (f, 1, 1000);

  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.arms, ==, 1);
  g_assert_cmpuint (stats.dispatches, ==, 10);
  g_assert_false (g_main_context_pending (f->context));

  /* empty again: the next push arms a new source */
  g_assert_true (ic_bridge_push (f->bridge, ic_event_new (IC_EVENT_INFO, 7)));
  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.arms, ==, 2);
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (f->calls, ==, 11);
}

static void
test_time_budget (Fixture       *f,
                  gconstpointer  data)
{
  IcBridgeStats stats;

  g_test_summary ("A batch that overruns the time budget halves the next one");

  ic_bridge_set_budget (f->bridge, 256, 1000);
  f->sleep_us = 5000; /* every batch overruns 1 ms */
  run_producers (f, 1, 600);

  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (g_array_index (f->batches, guint, 0), ==, 256);
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (g_array_index (f->batches, guint, 1), ==, 128);
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (g_array_index (f->batches, guint, 2), ==, 64);
  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.batch_size, ==, 32);

  f->sleep_us = 0;
  IC_TEST_SPIN_UNTIL (f->context, f->seen->len == 600);
  assert_in_order (f, 1, 600);
}

static gboolean
timeout_cb (gpointer data)
{
  guint *seen_then = data;

  *seen_then = seen_then[1]; /* [1] is updated by the test before each iteration */
  return G_SOURCE_REMOVE;
}

static void
test_yields_to_timeouts (Fixture       *f,
                         gconstpointer  data)
{
  GSource *timeout;
  guint seen_then[2] = { G_MAXUINT, 0 };

  g_test_summary ("While a backlog drains in slices, a timeout that became ready runs "
                  "before the next slice (the bridge runs at idle priority)");

  ic_bridge_set_budget (f->bridge, 10, G_MAXINT64);
  run_producers (f, 1, 100);
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (f->seen->len, ==, 10);

  timeout = g_timeout_source_new (0);
  g_source_set_callback (timeout, timeout_cb, seen_then, NULL);
  g_source_attach (timeout, f->context);
  g_source_unref (timeout);
  seen_then[1] = f->seen->len;
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  /* the timeout ran in that iteration, not the next slice */
  g_assert_cmpuint (seen_then[0], ==, 10);
  g_assert_cmpuint (f->seen->len, ==, 10);

  IC_TEST_SPIN_UNTIL (f->context, f->seen->len == 100);
  assert_in_order (f, 1, 100);
}

static void
test_close (Fixture       *f,
            gconstpointer  data)
{
  IcBridgeStats stats;

  g_test_summary ("After close nothing is delivered, the source is gone, the destroy notify "
                  "ran once and pushes are dropped");

  run_producers (f, 2, 100);
  g_assert_true (g_main_context_pending (f->context));
  ic_bridge_close (f->bridge);
  g_assert_cmpuint (f->notified, ==, 1);
  g_assert_false (g_main_context_pending (f->context));
  ic_test_spin_for (f->context, 50);
  g_assert_cmpuint (f->calls, ==, 0);

  g_assert_false (ic_bridge_push (f->bridge, ic_event_new (IC_EVENT_STOP, 1)));
  g_assert_false (g_main_context_pending (f->context));
  ic_bridge_flush (f->bridge);
  g_assert_cmpuint (f->calls, ==, 0);
  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.dropped, ==, 1);
  g_assert_cmpuint (stats.queued, ==, 0);
  ic_bridge_close (f->bridge); /* idempotent */
  g_assert_cmpuint (f->notified, ==, 1);
}

static void
test_close_in_callback (Fixture       *f,
                        gconstpointer  data)
{
  g_test_summary ("Closing from inside the function ends deliveries at once");

  ic_bridge_set_budget (f->bridge, 10, G_MAXINT64);
  f->close_in_func = TRUE;
  run_producers (f, 1, 100);
  ic_test_spin_for (f->context, 50);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpuint (f->seen->len, ==, 10);
  g_assert_cmpuint (f->notified, ==, 1);
  g_assert_false (g_main_context_pending (f->context));
}

static void
test_flush (Fixture       *f,
            gconstpointer  data)
{
  g_test_summary ("Flush delivers everything synchronously; the pending source then "
                  "finds nothing and disarms");

  ic_bridge_set_budget (f->bridge, 64, G_MAXINT64);
  run_producers (f, 1, 300);
  ic_bridge_flush (f->bridge);
  assert_in_order (f, 1, 300);
  g_assert_cmpuint (f->calls, ==, 5);
  ic_test_spin_for (f->context, 20);
  g_assert_cmpuint (f->calls, ==, 5);
  g_assert_false (g_main_context_pending (f->context));
}

static void
test_queue_limit (Fixture       *f,
                  gconstpointer  data)
{
  IcBridgeStats stats;

  g_test_summary ("A full queue drops droppable events and keeps lifecycle events");

  ic_bridge_set_queue_limit (f->bridge, 10);
  for (guint i = 0; i < 20; i++)
    ic_bridge_push (f->bridge, ic_event_new (IC_EVENT_ERROR, i));
  for (guint i = 20; i < 25; i++)
    g_assert_true (ic_bridge_push (f->bridge, ic_event_new (IC_EVENT_DISCONNECT, i)));
  ic_bridge_get_stats (f->bridge, &stats);
  g_assert_cmpuint (stats.dropped, ==, 10);
  g_assert_cmpuint (stats.queued, ==, 15);
  g_assert_cmpuint (stats.queued_peak, ==, 15);

  IC_TEST_SPIN_UNTIL (f->context, f->seen->len == 15);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (g_array_index (f->seen, guint64, i), ==, i);
  for (guint i = 10; i < 15; i++)
    g_assert_cmpuint (g_array_index (f->seen, guint64, i), ==, i + 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/bridge/coalesces", Fixture, NULL, setup, test_coalesces, teardown);
  g_test_add ("/app/bridge/bounded-batch", Fixture, NULL, setup, test_bounded_batch, teardown);
  g_test_add ("/app/bridge/time-budget", Fixture, NULL, setup, test_time_budget, teardown);
  g_test_add ("/app/bridge/yields", Fixture, NULL, setup, test_yields_to_timeouts, teardown);
  g_test_add ("/app/bridge/close", Fixture, NULL, setup, test_close, teardown);
  g_test_add ("/app/bridge/close-in-callback", Fixture, NULL, setup, test_close_in_callback,
              teardown);
  g_test_add ("/app/bridge/flush", Fixture, NULL, setup, test_flush, teardown);
  g_test_add ("/app/bridge/queue-limit", Fixture, NULL, setup, test_queue_limit, teardown);

  return g_test_run ();
}
