/* ic-handshake-failure.c - a failed TLS handshake, explained.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-handshake-failure.h"

#include <glib/gi18n-lib.h>

#include "ic-model-private.h"

struct _IcHandshakeFailure
{
  GObject parent_instance;

  gint64 time;
  guint client_id;
  guint code;
  char *peer;                   /* (owned) (nullable) */
  char *detail;                 /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (IcHandshakeFailure, ic_handshake_failure, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_TIME,
  PROP_TIME_TEXT,
  PROP_CLIENT_ID,
  PROP_PEER,
  PROP_CODE,
  PROP_REASON,
  PROP_EXPLANATION,
  PROP_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
ic_handshake_failure_is_handshake_code (guint code)
{
  return code >= INET_ERROR_TLS_HANDSHAKE && code <= INET_ERROR_TLS_GARBAGE;
}

const char *
ic_handshake_failure_code_reason (guint code)
{
  switch (code)
    {
    case INET_ERROR_TLS_PLAINTEXT:
      return _("Plain text on a TLS port");
    case INET_ERROR_TLS_GARBAGE:
      return _("Not TLS");
    case INET_ERROR_TLS_VERSION:
      return _("TLS version mismatch");
    case INET_ERROR_TLS_CIPHER:
      return _("No cipher in common");
    case INET_ERROR_TLS_UNKNOWN_CA:
      return _("Certificate not trusted");
    case INET_ERROR_TLS_NO_CLIENT_CERT:
      return _("No client certificate");
    case INET_ERROR_TLS_PEER_CLOSED:
      return _("Client gave up");
    case INET_ERROR_TLS_TIMEOUT:
      return _("Handshake timed out");
    default:
      return _("Handshake failed");
    }
}

const char *
ic_handshake_failure_code_explanation (guint code)
{
  switch (code)
    {
    case INET_ERROR_TLS_PLAINTEXT:
      return _("The client spoke without TLS, for example http:// or nc instead of https:// or "
               "openssl s_client. Connect with TLS, or turn TLS off for this server.");
    case INET_ERROR_TLS_GARBAGE:
      return _("The client sent bytes that are not TLS at all. It speaks another protocol: "
               "connect with a TLS client.");
    case INET_ERROR_TLS_VERSION:
      return _("The client and this server have no TLS version in common. Lower the server’s "
               "minimum TLS version, or let the client use a newer one.");
    case INET_ERROR_TLS_CIPHER:
      return _("The client offers no cipher suite this server accepts. Update the client, or "
               "loosen its cipher settings.");
    case INET_ERROR_TLS_UNKNOWN_CA:
      return _("A certificate was not trusted: the client refused this server’s certificate, "
               "or the server refused the client’s. Give the client the server’s certificate "
               "(“Copy Client Command” does), or check the CA file for client certificates.");
    case INET_ERROR_TLS_NO_CLIENT_CERT:
      return _("This server requires a client certificate and the client sent none. Give the "
               "client its certificate and key, or only ask for one.");
    case INET_ERROR_TLS_PEER_CLOSED:
      return _("The client closed the connection during the handshake, often because it did "
               "not trust the certificate, or because it only checked that the port is open.");
    case INET_ERROR_TLS_TIMEOUT:
      return _("The client did not finish the handshake within the server’s timeout. It may "
               "wait for the server to speak first, or not speak TLS.");
    default:
      return _("The handshake failed; the details say why.");
    }
}

IcHandshakeFailure *
ic_handshake_failure_new_from_event (const IcEvent *event)
{
  IcHandshakeFailure *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (IC_TYPE_HANDSHAKE_FAILURE, NULL);
  self->time = event->time;
  self->client_id = event->client_id;
  self->code = event->error;
  self->peer = ic__format_peer (event->address, event->port);
  self->detail = g_strdup (event->detail);
  return self;
}

gint64
ic_handshake_failure_get_time (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), 0);
  return self->time;
}

guint
ic_handshake_failure_get_client_id (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), 0);
  return self->client_id;
}

const char *
ic_handshake_failure_get_peer (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), NULL);
  return self->peer;
}

guint
ic_handshake_failure_get_code (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), 0);
  return self->code;
}

const char *
ic_handshake_failure_get_reason (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), NULL);
  return ic_handshake_failure_code_reason (self->code);
}

const char *
ic_handshake_failure_get_explanation (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), NULL);
  return ic_handshake_failure_code_explanation (self->code);
}

const char *
ic_handshake_failure_get_detail (IcHandshakeFailure *self)
{
  g_return_val_if_fail (IC_IS_HANDSHAKE_FAILURE (self), NULL);
  return self->detail;
}

static void
ic_handshake_failure_finalize (GObject *object)
{
  IcHandshakeFailure *self = IC_HANDSHAKE_FAILURE (object);

  g_free (self->peer);
  g_free (self->detail);
  G_OBJECT_CLASS (ic_handshake_failure_parent_class)->finalize (object);
}

static void
ic_handshake_failure_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  IcHandshakeFailure *self = IC_HANDSHAKE_FAILURE (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;
    case PROP_TIME_TEXT:
      {
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->time / G_USEC_PER_SEC);
        g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

        g_value_take_string (value, local ? g_date_time_format (local, "%H:%M:%S") : NULL);
      }
      break;
    case PROP_CLIENT_ID:
      g_value_set_uint (value, self->client_id);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_CODE:
      g_value_set_uint (value, self->code);
      break;
    case PROP_REASON:
      g_value_set_string (value, ic_handshake_failure_code_reason (self->code));
      break;
    case PROP_EXPLANATION:
      g_value_set_string (value, ic_handshake_failure_code_explanation (self->code));
      break;
    case PROP_DETAIL:
      g_value_set_string (value, self->detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_handshake_failure_class_init (IcHandshakeFailureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ic_handshake_failure_finalize;
  object_class->get_property = ic_handshake_failure_get_property;

  properties[PROP_TIME] = g_param_spec_int64 ("time", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_TIME_TEXT] = g_param_spec_string ("time-text", NULL, NULL, NULL, ro);
  properties[PROP_CLIENT_ID] = g_param_spec_uint ("client-id", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, ro);
  properties[PROP_CODE] = g_param_spec_uint ("code", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, ro);
  properties[PROP_EXPLANATION] = g_param_spec_string ("explanation", NULL, NULL, NULL, ro);
  properties[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ic_handshake_failure_init (IcHandshakeFailure *self)
{
}
