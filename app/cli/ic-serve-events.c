/* ic-serve-events.c - text and JSON Lines event output.
 *
 * JSON: one object per line as built (json-glib does the escaping).
 * Text: "HH:MM:SS.mmm EVENT CLIENT ADDRESS key=value ...", the first
 * columns padded so a terminal shows them aligned; the local time of day
 * stands in for `time`, `client` is written #N, `peer` (or the listening
 * address) fills the address column, objects are flattened (tls.version=).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-serve-events.h"

#include <ic-address.h>

#include <pthread.h>
#include <string.h>

struct _IcEventWriter
{
  IcEventsFormat format;
  FILE *out;
  pthread_mutex_t mutex;      /* pthread, not GMutex: ThreadSanitizer understands it */
  gboolean held;
};

gboolean
ic_events_format_from_string (const char     *text,
                              IcEventsFormat *format)
{
  if (g_strcmp0 (text, "text") == 0)
    *format = IC_EVENTS_TEXT;
  else if (g_strcmp0 (text, "json") == 0)
    *format = IC_EVENTS_JSON;
  else if (g_strcmp0 (text, "none") == 0)
    *format = IC_EVENTS_NONE;
  else
    return FALSE;
  return TRUE;
}

IcEventWriter *
ic_event_writer_new (IcEventsFormat  format,
                     FILE           *out)
{
  IcEventWriter *writer = g_new0 (IcEventWriter, 1);

  writer->format = format;
  writer->out = out;
  pthread_mutex_init (&writer->mutex, NULL);
  pthread_mutex_lock (&writer->mutex);
  writer->held = TRUE;
  return writer;
}

void
ic_event_writer_release (IcEventWriter *writer)
{
  if (!writer->held)
    return;
  writer->held = FALSE;
  pthread_mutex_unlock (&writer->mutex);
}

void
ic_event_writer_free (IcEventWriter *writer)
{
  if (writer == NULL)
    return;
  ic_event_writer_release (writer);
  pthread_mutex_destroy (&writer->mutex);
  g_free (writer);
}

JsonObject *
ic_event_new (const char *name)
{
  JsonObject *event = json_object_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  json_object_set_string_member (event, "event", name);
  json_object_set_string_member (event, "time", time);
  return event;
}

/* ----------------------------------------------------------------- text */

static void
append_value (GString    *line,
              JsonNode   *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          if (*text == '\0' || strpbrk (text, " \t\"=") != NULL)
            {
              g_autofree char *escaped = g_strescape (text, NULL);

              g_string_append_printf (line, "\"%s\"", escaped);
            }
          else
            g_string_append (line, text);
        }
      else if (type == G_TYPE_BOOLEAN)
        g_string_append (line, json_node_get_boolean (node) ? "yes" : "no");
      else if (type == G_TYPE_DOUBLE)
        g_string_append_printf (line, "%g", json_node_get_double (node));
      else
        g_string_append_printf (line, "%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  else if (JSON_NODE_HOLDS_NULL (node))
    g_string_append (line, "-");
}

static void
append_fields (GString    *line,
               const char *prefix,
               JsonObject *object)
{
  static const char *const columns[] = { "event", "time", "client", "peer", "address", "port" };
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      gboolean column = FALSE;

      for (guint i = 0; prefix == NULL && i < G_N_ELEMENTS (columns); i++)
        column |= g_str_equal (name, columns[i]);
      if (column)
        continue;
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autofree char *nested = prefix ? g_strconcat (prefix, name, ".", NULL)
                                           : g_strconcat (name, ".", NULL);

          append_fields (line, nested, json_node_get_object (node));
          continue;
        }
      g_string_append_printf (line, " %s%s=", prefix ? prefix : "", name);
      append_value (line, node);
    }
}

static char *
format_text (JsonObject *event)
{
  GString *line = g_string_new (NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *client = NULL;
  g_autofree char *address = NULL;

  if (json_object_has_member (event, "client"))
    client = g_strdup_printf ("#%" G_GINT64_FORMAT, json_object_get_int_member (event, "client"));
  if (json_object_has_member (event, "peer"))
    address = g_strdup (json_object_get_string_member (event, "peer"));
  else if (json_object_has_member (event, "address") && json_object_has_member (event, "port"))
    address = ic_format_address (json_object_get_string_member (event, "address"),
                                 (guint) json_object_get_int_member (event, "port"));

  g_string_append_printf (line, "%s.%03d %-10s %-6s %-21s", clock,
                          g_date_time_get_microsecond (now) / 1000,
                          json_object_get_string_member (event, "event"), client ? client : "",
                          address ? address : "");
  append_fields (line, NULL, event);
  /* trailing blanks of the padding are noise */
  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);
  g_string_append_c (line, '\n');
  return g_string_free (line, FALSE);
}

/* ----------------------------------------------------------------- JSON */

static char *
format_json (JsonObject *event)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  char *text;
  char *line;

  json_node_set_object (root, event);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  line = g_strconcat (text, "\n", NULL);
  g_free (text);
  return line;
}

static void
write_event (IcEventWriter *writer,
             JsonObject    *event)
{
  g_autofree char *line = NULL;

  if (writer->format == IC_EVENTS_NONE)
    return;
  line = writer->format == IC_EVENTS_JSON ? format_json (event) : format_text (event);
  fputs (line, writer->out);
  fflush (writer->out);
}

void
ic_event_writer_emit (IcEventWriter *writer,
                      JsonObject    *event)
{
  pthread_mutex_lock (&writer->mutex);
  write_event (writer, event);
  pthread_mutex_unlock (&writer->mutex);
  json_object_unref (event);
}

void
ic_event_writer_emit_held (IcEventWriter *writer,
                           JsonObject    *event)
{
  g_assert (writer->held);
  write_event (writer, event);
  json_object_unref (event);
}
