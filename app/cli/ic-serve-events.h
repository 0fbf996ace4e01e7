/* ic-serve-events.h - the event stream of inet-serve on stdout: aligned
 * text lines, JSON Lines, or nothing. Thread-safe; every event is written
 * whole and flushed at once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef enum
{
  IC_EVENTS_TEXT,
  IC_EVENTS_JSON,
  IC_EVENTS_NONE,
} IcEventsFormat;

gboolean ic_events_format_from_string (const char *text, IcEventsFormat *format);

typedef struct _IcEventWriter IcEventWriter;

/* The writer starts held: events wait until ic_event_writer_release, so
 * that `listening` is first. Call new and release in the same thread. */
IcEventWriter *ic_event_writer_new (IcEventsFormat format, FILE *out);
void ic_event_writer_release (IcEventWriter *writer);
void ic_event_writer_free (IcEventWriter *writer);

/* A new event object with `event` and `time` (RFC 3339, UTC) set; add
 * fields with json_object_set_*_member, then emit it (takes it). */
JsonObject *ic_event_new (const char *name);
void ic_event_writer_emit (IcEventWriter *writer, JsonObject *event);
/* Emit while held (the `listening` event itself). */
void ic_event_writer_emit_held (IcEventWriter *writer, JsonObject *event);

G_END_DECLS
