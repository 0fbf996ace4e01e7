/* ic-event-log.h - the live event log: a bounded ring of IcLogEntry, as a
 * GListModel, with a dropped count, a filter and JSON Lines export.
 *
 * The model shows the entries that pass the filter (kinds and text), oldest
 * first. When the ring is full the oldest entries leave (items-changed at
 * position 0) and are counted in "dropped". While "paused" the model does
 * not change (entries still enter the ring); unpausing catches up. Entries
 * are appended by the server models in batches: one items-changed for the
 * removals and one for the additions per batch.
 * Main context only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-log-entry.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define IC_EVENT_LOG_DEFAULT_CAPACITY 10000

#define IC_TYPE_EVENT_LOG (ic_event_log_get_type ())
G_DECLARE_FINAL_TYPE (IcEventLog, ic_event_log, IC, EVENT_LOG, GObject)

/* GListModel of IcLogEntry (the filtered view).
 * Properties:
 *   capacity     (guint, rw)    entries kept in the ring (>= 1)
 *   n-entries    (guint, ro)    entries in the ring (unfiltered)
 *   n-items      (guint, ro)    entries in the model (filtered)
 *   dropped      (guint64, ro)  entries that left the ring, plus events the
 *                               bridge dropped under load (add_dropped)
 *   total        (guint64, ro)  entries ever appended
 *   paused       (gboolean, rw)
 *   filter-kinds (guint, rw)    IC_EVENT_MASK bits; IC_EVENT_MASK_ALL default
 *   filter-text  (string, rw)   nullable
 */

IcEventLog *ic_event_log_new          (guint        capacity);

void        ic_event_log_append       (IcEventLog  *self,
                                       IcLogEntry  *entry);
/* (element-type IcLogEntry) appended in order, one items-changed pair. */
void        ic_event_log_append_many  (IcEventLog  *self,
                                       GPtrArray   *entries);
/* Events lost before they became entries (bridge queue full). */
void        ic_event_log_add_dropped  (IcEventLog  *self,
                                       guint64      n);
void        ic_event_log_clear        (IcEventLog  *self);

guint       ic_event_log_get_capacity  (IcEventLog *self);
void        ic_event_log_set_capacity  (IcEventLog *self,
                                        guint       capacity);
guint       ic_event_log_get_n_entries (IcEventLog *self);
guint64     ic_event_log_get_dropped   (IcEventLog *self);
guint64     ic_event_log_get_total     (IcEventLog *self);
gboolean    ic_event_log_get_paused    (IcEventLog *self);
void        ic_event_log_set_paused    (IcEventLog *self,
                                        gboolean    paused);
void        ic_event_log_set_filter    (IcEventLog *self,
                                        guint       kinds_mask,
                                        const char *text);
guint       ic_event_log_get_filter_kinds (IcEventLog *self);
const char *ic_event_log_get_filter_text  (IcEventLog *self);

/* JSON Lines (one ic_log_entry_to_json object per line). filtered: only
 * what the model shows; otherwise the whole ring. */
char       *ic_event_log_to_json_lines (IcEventLog  *self,
                                        gboolean     filtered,
                                        gsize       *length);
gboolean    ic_event_log_export        (IcEventLog    *self,
                                        GFile         *file,
                                        gboolean       filtered,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS
