/* test-app-history.c - the statistics history and the traffic transcript
 * stores: bounds, order, maxima, serials.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-stats-history.h"
#include "ic-traffic-ring-private.h"
#include "ic-model-private.h"

#include <string.h>

static void
test_history_ring (void)
{
  g_autoptr(IcStatsHistory) history = ic_stats_history_new (5);
  guint changed = 0;

  g_test_summary ("The history keeps the newest samples up to its capacity, oldest first, "
                  "and its maxima follow what it holds");

  g_signal_connect_swapped (history, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  g_assert_null (ic_stats_history_get_last (history));
  for (guint i = 1; i <= 8; i++)
    {
      /* a peak at 3 that leaves the window later */
      IcStatsSample sample = { .time = i, .clients = i == 3 ? 100 : i,
                               .bytes_in = i * 10.0, .bytes_out = i == 3 ? 1000.0 : 1.0 };

      ic_stats_history_append (history, &sample);
      if (i == 3)
        {
          g_assert_cmpuint (ic_stats_history_get_max_clients (history), ==, 100);
          g_assert_cmpfloat (ic_stats_history_get_max_rate (history), ==, 1000.0);
        }
    }
  g_assert_cmpuint (changed, ==, 8);
  g_assert_cmpuint (ic_stats_history_get_n_samples (history), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (ic_stats_history_get_sample (history, i)->time, ==, i + 4);
  g_assert_cmpint (ic_stats_history_get_last (history)->time, ==, 8);
  g_assert_cmpuint (ic_stats_history_get_max_clients (history), ==, 8);
  g_assert_cmpfloat (ic_stats_history_get_max_rate (history), ==, 80.0);

  ic_stats_history_clear (history);
  g_assert_cmpuint (ic_stats_history_get_n_samples (history), ==, 0);
  g_assert_cmpuint (ic_stats_history_get_max_clients (history), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&history));
}

static void
append_text (IcTrafficRing      *ring,
             IcTrafficDirection  direction,
             const char         *text)
{
  ic__traffic_ring_append (ring, direction, (const guint8 *) text, strlen (text));
}

static void
test_transcript_bounds (void)
{
  IcTrafficRing *ring = ic__traffic_ring_new (4, 20);
  g_autoptr(IcTranscript) transcript = ic__transcript_new (ring);
  g_autoptr(GPtrArray) chunks = NULL;
  IcTrafficChunk *chunk;
  guint changed = 0;

  g_test_summary ("A transcript is bounded in chunks and bytes, counts what it dropped, "
                  "and hands out what is new since a serial");

  g_signal_connect_swapped (transcript, "changed", G_CALLBACK (g_atomic_int_inc), &changed);
  g_assert_false (ic_transcript_update (transcript));
  append_text (ring, IC_TRAFFIC_IN, "hello");      /* 1 */
  append_text (ring, IC_TRAFFIC_OUT, "hello");     /* 2 */
  append_text (ring, IC_TRAFFIC_IN, "abc");        /* 3 */
  g_assert_true (ic_transcript_update (transcript));
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (ic_transcript_get_serial (transcript), ==, 3);
  g_assert_cmpuint (ic_transcript_get_n_chunks (transcript), ==, 3);

  chunks = ic_transcript_dup_chunks (transcript, 1);
  g_assert_cmpuint (chunks->len, ==, 2);
  chunk = g_ptr_array_index (chunks, 0);
  g_assert_cmpuint (chunk->serial, ==, 2);
  g_assert_cmpint (chunk->direction, ==, IC_TRAFFIC_OUT);
  g_clear_pointer (&chunks, g_ptr_array_unref);

  /* 13 bytes held; 10 more exceed 20: the oldest leaves */
  append_text (ring, IC_TRAFFIC_OUT, "0123456789");  /* 4 */
  ic_transcript_update (transcript);
  g_assert_cmpuint (ic_transcript_get_dropped_bytes (transcript), ==, 5);
  chunks = ic_transcript_dup_chunks (transcript, 0);
  g_assert_cmpuint (chunks->len, ==, 3);
  g_assert_cmpuint (((IcTrafficChunk *) g_ptr_array_index (chunks, 0))->serial, ==, 2);
  g_clear_pointer (&chunks, g_ptr_array_unref);

  /* the chunk bound */
  append_text (ring, IC_TRAFFIC_IN, "x");  /* 5 */
  append_text (ring, IC_TRAFFIC_IN, "y");  /* 6 */
  ic_transcript_update (transcript);
  g_assert_cmpuint (ic_transcript_get_n_chunks (transcript), ==, 4);

  /* one chunk larger than the whole bound keeps its tail */
  append_text (ring, IC_TRAFFIC_IN, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");  /* 7 */
  chunks = ic_transcript_dup_chunks (transcript, 6);
  g_assert_cmpuint (chunks->len, ==, 1);
  chunk = g_ptr_array_index (chunks, 0);
  g_assert_cmpuint (g_bytes_get_size (chunk->bytes), ==, 20);
  g_assert_cmpmem (g_bytes_get_data (chunk->bytes, NULL), 20, "GHIJKLMNOPQRSTUVWXYZ", 20);
  g_clear_pointer (&chunks, g_ptr_array_unref);

  ic_transcript_clear (transcript);
  g_assert_cmpuint (ic_transcript_get_n_chunks (transcript), ==, 0);
  g_assert_cmpuint (ic_transcript_get_serial (transcript), ==, 7);

  ic__traffic_ring_unref (ring);
  g_assert_finalize_object (g_steal_pointer (&transcript));
}

static void
test_format (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new ("Hi\r\n\x01\xff\xc3\xa9\\", 9);
  g_autofree char *hex = ic_traffic_format_hex (bytes);
  g_autofree char *text = ic_traffic_format_text (bytes);

  g_assert_cmpstr (hex, ==, "48 69 0d 0a 01 ff c3 a9 5c");
  g_assert_cmpstr (text, ==, "Hi\\r\\n\\x01\\xff\xc3\xa9\\\\");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/history/ring", test_history_ring);
  g_test_add_func ("/app/transcript/bounds", test_transcript_bounds);
  g_test_add_func ("/app/transcript/format", test_format);

  return g_test_run ();
}
