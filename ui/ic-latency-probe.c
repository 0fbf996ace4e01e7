/* ic-latency-probe.c - see ic-latency-probe.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-latency-probe.h"

#include <stdio.h>

#define INTERVAL_MS 16

typedef struct
{
  gint64 time;    /* monotonic, microseconds */
  gint64 value;   /* microseconds */
} Sample;

typedef struct
{
  GSource *timeout;      /* (owned) */
  gint64 expected;       /* when the timeout should run next */
  GArray *late;          /* (element-type Sample) */
  GArray *frames;        /* (element-type Sample) */
  gint64 paint_start;
  char *path;            /* (owned) (nullable) */
} Probe;

static Probe *probe;

static gboolean
tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  Sample sample = { now, MAX (0, now - probe->expected) };

  g_array_append_val (probe->late, sample);
  /* GLib schedules the next run from this one */
  probe->expected = now + INTERVAL_MS * 1000;
  return G_SOURCE_CONTINUE;
}

void
ic_latency_probe_start (void)
{
  const char *setting = g_getenv ("INET_CONSOLE_PROBE");

  if (setting == NULL || *setting == '\0' || probe != NULL)
    return;
  probe = g_new0 (Probe, 1);
  probe->late = g_array_sized_new (FALSE, FALSE, sizeof (Sample), 8192);
  probe->frames = g_array_sized_new (FALSE, FALSE, sizeof (Sample), 8192);
  if (g_strcmp0 (setting, "1") != 0)
    probe->path = g_strdup (setting);
  /* the priority of redraws and input: it waits exactly as they do */
  probe->timeout = g_timeout_source_new (INTERVAL_MS);
  g_source_set_priority (probe->timeout, G_PRIORITY_DEFAULT);
  g_source_set_static_name (probe->timeout, "[inet-console] latency probe");
  g_source_set_callback (probe->timeout, tick_cb, NULL, NULL);
  probe->expected = g_get_monotonic_time () + INTERVAL_MS * 1000;
  g_source_attach (probe->timeout, NULL);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  if (probe != NULL)
    probe->paint_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();
  Sample sample = { now, 0 };

  if (probe == NULL || probe->paint_start == 0)
    return;
  sample.value = now - probe->paint_start;
  g_array_append_val (probe->frames, sample);
  probe->paint_start = 0;
}

static void
realized_cb (GtkWidget *window,
             gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock == NULL)
    return;
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

void
ic_latency_probe_watch_window (GtkWidget *window)
{
  if (probe == NULL)
    return;
  if (gtk_widget_get_realized (window))
    realized_cb (window, NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realized_cb), NULL);
}

static int
compare_values (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_summary (const char *what,
               GArray     *samples)
{
  g_autoptr(GArray) values = g_array_sized_new (FALSE, FALSE, sizeof (gint64), samples->len);
  gint64 p50, p99, max;

  if (samples->len == 0)
    {
      g_printerr ("probe: %s: no samples\n", what);
      return;
    }
  for (guint i = 0; i < samples->len; i++)
    g_array_append_val (values, g_array_index (samples, Sample, i).value);
  g_array_sort (values, compare_values);
  p50 = g_array_index (values, gint64, (values->len - 1) / 2);
  p99 = g_array_index (values, gint64, (values->len - 1) * 99 / 100);
  max = g_array_index (values, gint64, values->len - 1);
  g_printerr ("probe: %s: n=%u p50=%.1f ms p99=%.1f ms max=%.1f ms\n", what, samples->len,
              p50 / 1000.0, p99 / 1000.0, max / 1000.0);
}

static void
write_samples (FILE       *file,
               char        tag,
               GArray     *samples)
{
  for (guint i = 0; i < samples->len; i++)
    {
      const Sample *sample = &g_array_index (samples, Sample, i);

      fprintf (file, "%c %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", tag, sample->time,
               sample->value);
    }
}

void
ic_latency_probe_stop (void)
{
  if (probe == NULL)
    return;
  g_source_destroy (probe->timeout);
  g_source_unref (probe->timeout);
  print_summary ("main-loop lateness (16 ms timeout)", probe->late);
  print_summary ("frame update+layout+paint", probe->frames);
  if (probe->path != NULL)
    {
      FILE *file = fopen (probe->path, "w");

      if (file == NULL)
        g_printerr ("probe: cannot write %s\n", probe->path);
      else
        {
          write_samples (file, 'L', probe->late);
          write_samples (file, 'F', probe->frames);
          fclose (file);
        }
    }
  g_array_unref (probe->late);
  g_array_unref (probe->frames);
  g_free (probe->path);
  g_clear_pointer (&probe, g_free);
}
