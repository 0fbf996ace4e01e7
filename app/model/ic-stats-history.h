/* ic-stats-history.h - a bounded per-second history for graphs: active
 * clients and bytes per second in and out.
 *
 * A server keeps 600 samples (the last 10 minutes), a client 300. Samples
 * are appended once a second by the owner's counter sampler, on the main
 * context; "changed" follows each append. Plain structs, no GObject per
 * sample.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-model-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 time;          /* microseconds since the epoch (end of the second) */
  guint clients;        /* active sessions (a client's own history: 1) */
  double bytes_in;      /* bytes per second received */
  double bytes_out;     /* bytes per second sent */
} IcStatsSample;

#define IC_STATS_HISTORY_SERVER_CAPACITY 600
#define IC_STATS_HISTORY_CLIENT_CAPACITY 300

#define IC_TYPE_STATS_HISTORY (ic_stats_history_get_type ())
G_DECLARE_FINAL_TYPE (IcStatsHistory, ic_stats_history, IC, STATS_HISTORY, GObject)

/* Properties (read-only, notify):
 *   capacity   (guint)   samples kept
 *   n-samples  (guint)   samples held now (<= capacity)
 *   max-clients (guint)  largest clients value held
 *   max-rate   (double)  largest bytes_in or bytes_out value held (graph scale)
 * Signals:
 *   changed ()           after samples were appended or cleared
 */

IcStatsHistory      *ic_stats_history_new           (guint                capacity);
guint                ic_stats_history_get_capacity  (IcStatsHistory      *self);
guint                ic_stats_history_get_n_samples (IcStatsHistory      *self);
/* index 0 = oldest; borrowed, valid until the next append or clear. */
const IcStatsSample *ic_stats_history_get_sample    (IcStatsHistory      *self,
                                                     guint                index);
/* The newest sample, NULL when empty. */
const IcStatsSample *ic_stats_history_get_last      (IcStatsHistory      *self);
guint                ic_stats_history_get_max_clients (IcStatsHistory    *self);
double               ic_stats_history_get_max_rate  (IcStatsHistory      *self);

void                 ic_stats_history_append        (IcStatsHistory      *self,
                                                     const IcStatsSample *sample);
void                 ic_stats_history_clear         (IcStatsHistory      *self);

G_END_DECLS
