/* ic-event-log-view.h - the live event log: search, kinds, this server or
 * all, pause, clear, export as JSON Lines.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_EVENT_LOG_VIEW (ic_event_log_view_get_type ())
G_DECLARE_FINAL_TYPE (IcEventLogView, ic_event_log_view, IC, EVENT_LOG_VIEW, GtkWidget)

GtkWidget *ic_event_log_view_new (void);

void        ic_event_log_view_set_log    (IcEventLogView *self, IcEventLog *log);
IcEventLog *ic_event_log_view_get_log    (IcEventLogView *self);
/* The server whose events "This Server" shows (by name); NULL = all. */
void        ic_event_log_view_set_server (IcEventLogView *self, const char *name);
/* Rows shown now (after every filter). */
guint       ic_event_log_view_get_n_shown (IcEventLogView *self);
void        ic_event_log_view_focus_search (IcEventLogView *self);

G_END_DECLS
