/* ic-traffic-view.h - one client's traffic as text or a hex dump, bounded,
 * with a send box (text or hex, optional line ending). It shows what it is
 * given; the "send" signal hands the parsed bytes to whoever owns the
 * client.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  IC_TRAFFIC_VIEW_TEXT,
  IC_TRAFFIC_VIEW_HEX,
} IcTrafficViewMode;

#define IC_TYPE_TRAFFIC_VIEW (ic_traffic_view_get_type ())
G_DECLARE_FINAL_TYPE (IcTrafficView, ic_traffic_view, IC, TRAFFIC_VIEW, GtkWidget)

GtkWidget *ic_traffic_view_new (void);

/* incoming: from the client. time: microseconds since the epoch. */
void ic_traffic_view_append (IcTrafficView *self,
                             gboolean       incoming,
                             gint64         time,
                             const guint8  *data,
                             gsize          length);
void ic_traffic_view_clear (IcTrafficView *self);

/* Oldest chunks leave once more than this many bytes are shown. */
void ic_traffic_view_set_max_bytes (IcTrafficView *self, gsize max_bytes);
gsize ic_traffic_view_get_shown_bytes (IcTrafficView *self);

void ic_traffic_view_set_mode (IcTrafficView *self, IcTrafficViewMode mode);
IcTrafficViewMode ic_traffic_view_get_mode (IcTrafficView *self);

/* Whether the send box is usable (a connected client is shown). */
void ic_traffic_view_set_can_send (IcTrafficView *self, gboolean can_send);

/* The visible text, for tests. */
char *ic_traffic_view_dup_text (IcTrafficView *self);

/* Formatting helpers (exposed for tests). */
char *ic_traffic_view_format_text (const guint8 *data, gsize length);
char *ic_traffic_view_format_hex (const guint8 *data, gsize length);
/* Parses the send box: text (with the line ending appended) or hex. */
GBytes *ic_traffic_parse_input (const char *text, gboolean hex, const char *line_ending,
                                GError **error);

G_END_DECLS
