/* ic-log-entry.c - one line of the event log.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-log-entry.h"
#include "ic-handshake-failure.h"
#include "ic-model-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _IcLogEntry
{
  GObject parent_instance;

  gint64 time;
  IcEventKind kind;
  guint client_id;
  guint error;
  guint64 bytes_in;
  guint64 bytes_out;
  char *server;     /* (owned) (nullable) */
  char *peer;       /* (owned) (nullable) */
  char *message;    /* (owned) */
  char *detail;     /* (owned) (nullable) */
  char *reason;     /* (owned) (nullable) machine word for JSON */
};

G_DEFINE_FINAL_TYPE (IcLogEntry, ic_log_entry, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME,
  PROP_KIND,
  PROP_EVENT,
  PROP_SERVER,
  PROP_CLIENT_ID,
  PROP_PEER,
  PROP_ERROR,
  PROP_MESSAGE,
  PROP_DETAIL,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  PROP_TIME_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ic_log_entry_finalize (GObject *object)
{
  IcLogEntry *self = IC_LOG_ENTRY (object);

  g_free (self->server);
  g_free (self->peer);
  g_free (self->message);
  g_free (self->detail);
  g_free (self->reason);

  G_OBJECT_CLASS (ic_log_entry_parent_class)->finalize (object);
}

static char *
format_time_text (gint64 time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *hms = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  hms = g_date_time_format (local, "%H:%M:%S");
  return g_strdup_printf ("%s.%03d", hms, (int) (time % G_USEC_PER_SEC / 1000));
}

static void
ic_log_entry_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  IcLogEntry *self = IC_LOG_ENTRY (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_EVENT:
      g_value_set_static_string (value, ic_event_kind_to_string (self->kind));
      break;
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_CLIENT_ID:
      g_value_set_uint (value, self->client_id);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_ERROR:
      g_value_set_uint (value, self->error);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    case PROP_BYTES_IN:
      g_value_set_uint64 (value, self->bytes_in);
      break;
    case PROP_BYTES_OUT:
      g_value_set_uint64 (value, self->bytes_out);
      break;
    case PROP_TIME_TEXT:
      g_value_take_string (value, format_time_text (self->time));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_log_entry_class_init (IcLogEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ic_log_entry_finalize;
  object_class->get_property = ic_log_entry_get_property;

  properties[PROP_TIME] = g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, IC_TYPE_EVENT_KIND,
                                             IC_EVENT_INFO, flags);
  properties[PROP_EVENT] = g_param_spec_string ("event", NULL, NULL, NULL, flags);
  properties[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, NULL, flags);
  properties[PROP_CLIENT_ID] = g_param_spec_uint ("client-id", NULL, NULL, 0, G_MAXUINT, 0,
                                                  flags);
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_uint ("error", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, flags);
  properties[PROP_BYTES_IN] = g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0,
                                                   flags);
  properties[PROP_BYTES_OUT] = g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64,
                                                    0, flags);
  properties[PROP_TIME_TEXT] = g_param_spec_string ("time-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ic_log_entry_init (IcLogEntry *self)
{
}

/* ------------------------------------------------------------ messages */

static const char *
close_reason_word (guint reason)
{
  switch (reason)
    {
    case INET_CLOSE_PEER:
      return "peer";
    case INET_CLOSE_LOCAL:
      return "local";
    case INET_CLOSE_ABORT:
      return "abort";
    case INET_CLOSE_RESET:
      return "reset";
    case INET_CLOSE_STOP:
      return "stop";
    case INET_CLOSE_RESTART:
      return "restart";
    case INET_CLOSE_ERROR:
      return "error";
    case INET_CLOSE_SUSPEND:
      return "suspend";
    default:
      return "unknown";
    }
}

static const char *
close_reason_text (guint reason)
{
  switch (reason)
    {
    case INET_CLOSE_PEER:
      return _("closed by the client");
    case INET_CLOSE_LOCAL:
      return _("closed by the server");
    case INET_CLOSE_ABORT:
      return _("aborted (reset sent)");
    case INET_CLOSE_RESET:
      return _("reset by the client");
    case INET_CLOSE_STOP:
      return _("server stopped");
    case INET_CLOSE_RESTART:
      return _("server restarted");
    case INET_CLOSE_ERROR:
      return _("network or TLS error");
    case INET_CLOSE_SUSPEND:
      return _("server suspended");
    default:
      return _("unknown reason");
    }
}

static const char *
reject_word (guint reason)
{
  switch (reason)
    {
    case INET_REJECT_MAX_CLIENTS:
      return "max-clients";
    case INET_REJECT_MAX_PER_ADDRESS:
      return "max-per-address";
    case INET_REJECT_APPLICATION:
      return "application";
    case INET_REJECT_RESOURCES:
      return "resources";
    default:
      return "unknown";
    }
}

static const char *
reject_text (guint reason)
{
  switch (reason)
    {
    case INET_REJECT_MAX_CLIENTS:
      return _("too many clients");
    case INET_REJECT_MAX_PER_ADDRESS:
      return _("too many clients from this address");
    case INET_REJECT_APPLICATION:
      return _("refused by the application");
    case INET_REJECT_RESOURCES:
      return _("out of descriptors or threads");
    default:
      return _("unknown reason");
    }
}

char *
ic__format_peer (const char *address,
                 guint       port)
{
  if (address == NULL || *address == '\0')
    return NULL;
  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", address, port);
  return g_strdup_printf ("%s:%u", address, port);
}

static char *
event_message (const IcEvent *event,
               char         **reason)
{
  g_autofree char *code_text = NULL;

  switch (event->kind)
    {
    case IC_EVENT_START:
      return event->detail != NULL ? g_strdup_printf (_("Listening on %s"), event->detail)
                                   : g_strdup (_("Listening"));
    case IC_EVENT_STOP:
      return g_strdup (_("Stopped"));
    case IC_EVENT_CONNECT:
      if (event->tls != NULL && event->tls->bSecure)
        return g_strdup_printf (_("Connected (%s, %s)"), event->tls->szProtocol,
                                event->tls->szCipher);
      return g_strdup (_("Connected"));
    case IC_EVENT_DISCONNECT:
      {
        g_autofree char *in = g_format_size (event->bytes_in);
        g_autofree char *out = g_format_size (event->bytes_out);

        *reason = g_strdup (close_reason_word (event->error));
        /* Translators: "Disconnected: closed by the client; 1.2 kB in, 3.4 kB out" */
        return g_strdup_printf (_("Disconnected: %s; %s in, %s out"),
                                close_reason_text (event->error), in, out);
      }
    case IC_EVENT_TIMEOUT:
      return g_strdup (_("No data from the client for the server timeout"));
    case IC_EVENT_REJECT:
      *reason = g_strdup (reject_word (event->error));
      return g_strdup_printf (_("Refused: %s"), reject_text (event->error));
    case IC_EVENT_ERROR:
      code_text = event->error != 0 ? ic_engine_error_string (event->error) : NULL;
      *reason = g_strdup (event->detail != NULL && *event->detail != '\0' ? event->detail
                          : code_text);
      if (event->client_id != 0 && ic_handshake_failure_is_handshake_code (event->error))
        /* Translators: "TLS handshake failed (Plain text on a TLS port): the client sent..." */
        return g_strdup_printf (_("TLS handshake failed (%s): %s"),
                                ic_handshake_failure_code_reason (event->error),
                                *reason != NULL ? *reason : _("unknown"));
      return g_strdup_printf (_("Error: %s"), *reason != NULL ? *reason : _("unknown"));
    case IC_EVENT_IDLE:
      return g_strdup (_("No clients left"));
    case IC_EVENT_SUSPEND:
      return g_strdup (_("Suspended: not accepting"));
    case IC_EVENT_RESUME:
      return g_strdup (_("Resumed: accepting again"));
    case IC_EVENT_RESTART:
      if (event->error != 0)
        {
          code_text = ic_engine_error_string (event->error);
          *reason = g_strdup (code_text);
          return g_strdup_printf (_("Restart failed: %s"), code_text);
        }
      return g_strdup (_("Restarted"));
    case IC_EVENT_INFO:
    case IC_EVENT_WARNING:
    case IC_EVENT_N_KINDS:
    default:
      return g_strdup (event->detail != NULL ? event->detail : "");
    }
}

IcLogEntry *
ic_log_entry_new_from_event (const IcEvent *event,
                             const char    *server)
{
  IcLogEntry *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (IC_TYPE_LOG_ENTRY, NULL);
  self->time = event->time;
  self->kind = event->kind;
  self->client_id = event->client_id;
  self->error = event->error;
  self->bytes_in = event->bytes_in;
  self->bytes_out = event->bytes_out;
  self->server = g_strdup (server);
  self->peer = ic__format_peer (event->address, event->port);
  self->detail = g_strdup (event->detail);
  self->message = event_message (event, &self->reason);
  return self;
}

IcLogEntry *
ic_log_entry_new (IcEventKind  kind,
                  const char  *server,
                  guint        client_id,
                  const char  *message)
{
  IcLogEntry *self = g_object_new (IC_TYPE_LOG_ENTRY, NULL);

  self->time = g_get_real_time ();
  self->kind = kind;
  self->server = g_strdup (server);
  self->client_id = client_id;
  self->message = g_strdup (message != NULL ? message : "");
  return self;
}

gint64
ic_log_entry_get_time (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), 0);
  return self->time;
}

IcEventKind
ic_log_entry_get_kind (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), IC_EVENT_INFO);
  return self->kind;
}

const char *
ic_log_entry_get_server (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), NULL);
  return self->server;
}

guint
ic_log_entry_get_client_id (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), 0);
  return self->client_id;
}

const char *
ic_log_entry_get_peer (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), NULL);
  return self->peer;
}

guint
ic_log_entry_get_error (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), 0);
  return self->error;
}

const char *
ic_log_entry_get_message (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), NULL);
  return self->message;
}

const char *
ic_log_entry_get_detail (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), NULL);
  return self->detail;
}

guint64
ic_log_entry_get_bytes_in (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), 0);
  return self->bytes_in;
}

guint64
ic_log_entry_get_bytes_out (IcLogEntry *self)
{
  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), 0);
  return self->bytes_out;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle_folded)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle_folded) != NULL;
}

gboolean
ic_log_entry_matches (IcLogEntry *self,
                      guint       kinds_mask,
                      const char *text)
{
  g_autofree char *needle = NULL;
  char client[16];

  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), FALSE);

  if (!(kinds_mask & IC_EVENT_MASK (self->kind)))
    return FALSE;
  if (text == NULL || *text == '\0')
    return TRUE;
  needle = g_utf8_casefold (text, -1);
  g_snprintf (client, sizeof client, "%u", self->client_id);
  return contains_casefold (self->message, needle)
         || contains_casefold (self->detail, needle)
         || contains_casefold (self->peer, needle)
         || contains_casefold (self->server, needle)
         || contains_casefold (ic_event_kind_to_string (self->kind), needle)
         || (self->client_id != 0 && g_str_equal (client, needle));
}

JsonNode *
ic_log_entry_to_json (IcLogEntry *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (IC_IS_LOG_ENTRY (self), NULL);

  time = g_date_time_new_from_unix_utc (self->time / G_USEC_PER_SEC);
  if (time != NULL)
    {
      g_autoptr(GDateTime) precise = g_date_time_add (time, self->time % G_USEC_PER_SEC);

      stamp = g_date_time_format_iso8601 (precise);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, ic_event_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, stamp != NULL ? stamp : "");
  if (self->server != NULL)
    {
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, self->server);
    }
  if (self->client_id != 0)
    {
      json_builder_set_member_name (builder, "client");
      json_builder_add_int_value (builder, self->client_id);
    }
  if (self->peer != NULL)
    {
      json_builder_set_member_name (builder, "peer");
      json_builder_add_string_value (builder, self->peer);
    }
  if (self->kind == IC_EVENT_DISCONNECT)
    {
      json_builder_set_member_name (builder, "bytes_in");
      json_builder_add_int_value (builder, (gint64) self->bytes_in);
      json_builder_set_member_name (builder, "bytes_out");
      json_builder_add_int_value (builder, (gint64) self->bytes_out);
    }
  if (self->reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, self->reason);
    }
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, self->message);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
