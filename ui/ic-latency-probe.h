/* ic-latency-probe.h - a measurement aid for the console's smoothness,
 * off unless INET_CONSOLE_PROBE is set in the environment.
 *
 * A timeout every 16 ms on the main context records how late it runs
 * (what a person feels as lag: input and frames wait the same way), and
 * the window's frame clock how long each frame's update, layout and paint
 * take. When the application ends it prints p50/p99/max of both on
 * stderr; with INET_CONSOLE_PROBE=FILE it also writes every sample to FILE
 * ("L monotonic_us late_us" and "F monotonic_us frame_us" lines), so a
 * benchmark can take the figures of its load window only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Main thread. Each does nothing without INET_CONSOLE_PROBE. */
void ic_latency_probe_start        (void);
void ic_latency_probe_watch_window (GtkWidget *window);
void ic_latency_probe_stop         (void);

G_END_DECLS
