/* ic-log-entry.h - one line of the event log: immutable after creation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-event.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define IC_TYPE_LOG_ENTRY (ic_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (IcLogEntry, ic_log_entry, IC, LOG_ENTRY, GObject)

/* Properties (read-only, construct-only):
 *   time       (gint64)       microseconds since the epoch
 *   kind       (IcEventKind)
 *   event      (string)       ic_event_kind_to_string (kind)
 *   server     (string)       the server (profile) name, nullable
 *   client-id  (guint)        0 = a server event
 *   peer       (string)       "addr:port" ("[v6]:port"), nullable
 *   error      (guint)        the event's code (close/reject reason, error)
 *   message    (string)       one translated line for people
 *   detail     (string)       the engine's reason text, nullable
 *   bytes-in, bytes-out (guint64)  DISCONNECT: the session's totals
 *   time-text  (string)       local time "HH:MM:SS.mmm" for a column
 */

/* Builds the entry (and its message) from an engine event. */
IcLogEntry *ic_log_entry_new_from_event (const IcEvent *event,
                                         const char    *server);
/* An app note (IC_EVENT_INFO or IC_EVENT_WARNING, or any kind). */
IcLogEntry *ic_log_entry_new            (IcEventKind    kind,
                                         const char    *server,
                                         guint          client_id,
                                         const char    *message);

gint64       ic_log_entry_get_time      (IcLogEntry *self);
IcEventKind  ic_log_entry_get_kind      (IcLogEntry *self);
const char  *ic_log_entry_get_server    (IcLogEntry *self);
guint        ic_log_entry_get_client_id (IcLogEntry *self);
const char  *ic_log_entry_get_peer      (IcLogEntry *self);
guint        ic_log_entry_get_error     (IcLogEntry *self);
const char  *ic_log_entry_get_message   (IcLogEntry *self);
const char  *ic_log_entry_get_detail    (IcLogEntry *self);
guint64      ic_log_entry_get_bytes_in  (IcLogEntry *self);
guint64      ic_log_entry_get_bytes_out (IcLogEntry *self);

/* Case-insensitive search in message, detail, peer, server and event name;
 * text NULL or "" matches everything. */
gboolean     ic_log_entry_matches       (IcLogEntry *self,
                                         guint       kinds_mask,
                                         const char *text);

/* The inet-serve --events=json shape: event, time (RFC 3339), server,
 * client, peer, bytes_in, bytes_out, reason, message. */
JsonNode    *ic_log_entry_to_json       (IcLogEntry *self);

G_END_DECLS
