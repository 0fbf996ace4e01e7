/* ic-client.c - one client session as a row model.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"

#include <glib/gi18n-lib.h>

struct _IcClient
{
  GObject parent_instance;

  /* Owned */
  IcServerAnchor *anchor;      /* the server, or NULL once it is disposed */

  IcService *service;          /* for sending */
  IcTranscript *transcript;
  IcStatsHistory *history;
  char *address;
  char *peer;
  INETSECURITYINFO *tls;       /* (nullable) */

  SOCKET handle;
  gboolean linger_blocks;      /* a graceful close may wait: do it off-thread */
  guint id;
  guint port;
  int family;
  IcClientState state;
  gint64 connect_time;
  gint64 age;
  gint64 idle;
  guint64 bytes_in;
  guint64 bytes_out;
  double rate_in;
  double rate_out;
  guint priority;
  gboolean paused;
  guint close_reason;
  IcRateMeter meter;
};

G_DEFINE_FINAL_TYPE (IcClient, ic_client, G_TYPE_OBJECT)

#define SERVER(self) ((self)->anchor != NULL ? (self)->anchor->server : NULL)

enum {
  PROP_0,
  PROP_SERVER,
  PROP_ID,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_PEER,
  PROP_FAMILY,
  PROP_STATE,
  PROP_CONNECT_TIME,
  PROP_AGE,
  PROP_IDLE,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  PROP_RATE_IN,
  PROP_RATE_OUT,
  PROP_PRIORITY,
  PROP_PAUSED,
  PROP_CLOSE_REASON,
  PROP_SECURE,
  PROP_TLS_VERSION,
  PROP_TLS_CIPHER,
  PROP_TLS_GROUP,
  PROP_TLS_SNI,
  PROP_TLS_ALPN,
  PROP_TLS_RESUMED,
  PROP_TLS_HANDSHAKE_TIME,
  PROP_TLS_PEER_SUBJECT,
  PROP_TLS_PEER_ISSUER,
  PROP_TRANSCRIPT,
  PROP_HISTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ic_client_dispose (GObject *object)
{
  IcClient *self = IC_CLIENT (object);

  g_clear_pointer (&self->anchor, ic__server_anchor_unref);

  G_OBJECT_CLASS (ic_client_parent_class)->dispose (object);
}

static void
ic_client_finalize (GObject *object)
{
  IcClient *self = IC_CLIENT (object);

  g_clear_pointer (&self->service, ic_service_unref);
  g_clear_object (&self->transcript);
  g_clear_object (&self->history);
  g_free (self->address);
  g_free (self->peer);
  g_free (self->tls);

  G_OBJECT_CLASS (ic_client_parent_class)->finalize (object);
}

/* NULL for "" so that unset TLS fields read as absent */
static const char *
tls_string (IcClient   *self,
            const char *field)
{
  if (self->tls == NULL || !self->tls->bSecure || field[0] == '\0')
    return NULL;
  return field;
}

static void
ic_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  IcClient *self = IC_CLIENT (object);
  INETSECURITYINFO *tls = self->tls;

  switch (prop_id)
    {
    case PROP_SERVER:
      g_value_set_object (value, SERVER (self));
      break;
    case PROP_ID:
      g_value_set_uint (value, self->id);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_FAMILY:
      g_value_set_int (value, self->family);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_CONNECT_TIME:
      g_value_set_int64 (value, self->connect_time);
      break;
    case PROP_AGE:
      g_value_set_int64 (value, self->age);
      break;
    case PROP_IDLE:
      g_value_set_int64 (value, self->idle);
      break;
    case PROP_BYTES_IN:
      g_value_set_uint64 (value, self->bytes_in);
      break;
    case PROP_BYTES_OUT:
      g_value_set_uint64 (value, self->bytes_out);
      break;
    case PROP_RATE_IN:
      g_value_set_double (value, self->rate_in);
      break;
    case PROP_RATE_OUT:
      g_value_set_double (value, self->rate_out);
      break;
    case PROP_PRIORITY:
      g_value_set_uint (value, self->priority);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_CLOSE_REASON:
      g_value_set_uint (value, self->close_reason);
      break;
    case PROP_SECURE:
      g_value_set_boolean (value, tls != NULL && tls->bSecure);
      break;
    case PROP_TLS_VERSION:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szProtocol) : NULL);
      break;
    case PROP_TLS_CIPHER:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szCipher) : NULL);
      break;
    case PROP_TLS_GROUP:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szGroup) : NULL);
      break;
    case PROP_TLS_SNI:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szServerName) : NULL);
      break;
    case PROP_TLS_ALPN:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szAlpn) : NULL);
      break;
    case PROP_TLS_RESUMED:
      g_value_set_boolean (value, tls != NULL && tls->bResumed);
      break;
    case PROP_TLS_HANDSHAKE_TIME:
      g_value_set_uint (value, tls != NULL ? tls->dwHandshakeMicros : 0);
      break;
    case PROP_TLS_PEER_SUBJECT:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szPeerSubject) : NULL);
      break;
    case PROP_TLS_PEER_ISSUER:
      g_value_set_string (value, tls != NULL ? tls_string (self, tls->szPeerIssuer) : NULL);
      break;
    case PROP_TRANSCRIPT:
      g_value_set_object (value, self->transcript);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_client_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  IcClient *self = IC_CLIENT (object);
  g_autoptr(GError) error = NULL;

  switch (prop_id)
    {
    case PROP_PRIORITY:
      if (!ic_client_set_priority (self, g_value_get_uint (value), &error) && SERVER (self))
        ic__server_log (SERVER (self), IC_EVENT_WARNING, self->id, "%s", error->message);
      break;
    case PROP_PAUSED:
      if (!ic_client_set_paused (self, g_value_get_boolean (value), &error) && SERVER (self))
        ic__server_log (SERVER (self), IC_EVENT_WARNING, self->id, "%s", error->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_client_class_init (IcClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = ic_client_dispose;
  object_class->finalize = ic_client_finalize;
  object_class->get_property = ic_client_get_property;
  object_class->set_property = ic_client_set_property;

  properties[PROP_SERVER] = g_param_spec_object ("server", NULL, NULL, IC_TYPE_SERVER, ro);
  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, ro);
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, ro);
  properties[PROP_FAMILY] = g_param_spec_int ("family", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, IC_TYPE_CLIENT_STATE,
                                              IC_CLIENT_CONNECTED, ro);
  properties[PROP_CONNECT_TIME] = g_param_spec_int64 ("connect-time", NULL, NULL,
                                                      0, G_MAXINT64, 0, ro);
  properties[PROP_AGE] = g_param_spec_int64 ("age", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_IDLE] = g_param_spec_int64 ("idle", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_BYTES_IN] = g_param_spec_uint64 ("bytes-in", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_OUT] = g_param_spec_uint64 ("bytes-out", NULL, NULL,
                                                    0, G_MAXUINT64, 0, ro);
  properties[PROP_RATE_IN] = g_param_spec_double ("rate-in", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_RATE_OUT] = g_param_spec_double ("rate-out", NULL, NULL,
                                                   0, G_MAXDOUBLE, 0, ro);
  properties[PROP_PRIORITY] = g_param_spec_uint ("priority", NULL, NULL,
                                                 INET_PRIORITY_BACKGROUND, INET_PRIORITY_CRITICAL,
                                                 INET_PRIORITY_NORMAL, rw);
  properties[PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, rw);
  properties[PROP_CLOSE_REASON] = g_param_spec_uint ("close-reason", NULL, NULL,
                                                     0, G_MAXUINT, 0, ro);
  properties[PROP_SECURE] = g_param_spec_boolean ("secure", NULL, NULL, FALSE, ro);
  properties[PROP_TLS_VERSION] = g_param_spec_string ("tls-version", NULL, NULL, NULL, ro);
  properties[PROP_TLS_CIPHER] = g_param_spec_string ("tls-cipher", NULL, NULL, NULL, ro);
  properties[PROP_TLS_GROUP] = g_param_spec_string ("tls-group", NULL, NULL, NULL, ro);
  properties[PROP_TLS_SNI] = g_param_spec_string ("tls-sni", NULL, NULL, NULL, ro);
  properties[PROP_TLS_ALPN] = g_param_spec_string ("tls-alpn", NULL, NULL, NULL, ro);
  properties[PROP_TLS_RESUMED] = g_param_spec_boolean ("tls-resumed", NULL, NULL, FALSE, ro);
  properties[PROP_TLS_HANDSHAKE_TIME] = g_param_spec_uint ("tls-handshake-time", NULL, NULL,
                                                           0, G_MAXUINT, 0, ro);
  properties[PROP_TLS_PEER_SUBJECT] = g_param_spec_string ("tls-peer-subject", NULL, NULL,
                                                           NULL, ro);
  properties[PROP_TLS_PEER_ISSUER] = g_param_spec_string ("tls-peer-issuer", NULL, NULL,
                                                          NULL, ro);
  properties[PROP_TRANSCRIPT] = g_param_spec_object ("transcript", NULL, NULL,
                                                     IC_TYPE_TRANSCRIPT, ro);
  properties[PROP_HISTORY] = g_param_spec_object ("history", NULL, NULL,
                                                  IC_TYPE_STATS_HISTORY, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ic_client_init (IcClient *self)
{
  self->handle = INVALID_SOCKET;
  self->priority = INET_PRIORITY_NORMAL;
  self->history = ic_stats_history_new (IC_STATS_HISTORY_CLIENT_CAPACITY);
}

/* ------------------------------------------------------------ internal */

IcClient *
ic__client_new (IcServer      *server,
                const IcEvent *connect,
                IcService     *service,
                gboolean       linger_blocks)
{
  IcClient *self = g_object_new (IC_TYPE_CLIENT, NULL);

  /* not a weak pointer: GObject keeps those in an array it scans on
   * removal, which costs O(clients) per session */
  self->anchor = ic__server_anchor_ref (ic__server_get_anchor (server));
  self->service = service != NULL ? ic_service_ref (service) : NULL;
  self->linger_blocks = linger_blocks;
  self->handle = connect->socket;
  self->id = connect->client_id;
  self->address = g_strdup (connect->address);
  self->port = connect->port;
  self->peer = ic__format_peer (connect->address, connect->port);
  self->family = connect->family;
  self->connect_time = connect->connect_time != 0 ? connect->connect_time : connect->time;
  self->priority = connect->priority;
  if (connect->tls != NULL)
    self->tls = g_memdup2 (connect->tls, sizeof *connect->tls);
  self->transcript = ic__transcript_new (connect->traffic);
  return self;
}

static void
set_state (IcClient      *self,
           IcClientState  state)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
set_paused (IcClient *self,
            gboolean  paused)
{
  paused = !!paused;
  if (self->paused != paused)
    {
      self->paused = paused;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
    }
}

void
ic__client_closed (IcClient      *self,
                   const IcEvent *disconnect)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  ic__set_uint64 (self, &self->bytes_in, MAX (self->bytes_in, disconnect->bytes_in),
                  properties[PROP_BYTES_IN]);
  ic__set_uint64 (self, &self->bytes_out, MAX (self->bytes_out, disconnect->bytes_out),
                  properties[PROP_BYTES_OUT]);
  ic__set_double (self, &self->rate_in, 0, properties[PROP_RATE_IN]);
  ic__set_double (self, &self->rate_out, 0, properties[PROP_RATE_OUT]);
  ic__set_uint (self, &self->close_reason, disconnect->error, properties[PROP_CLOSE_REASON]);
  set_state (self, IC_CLIENT_CLOSED);
  g_object_thaw_notify (object);
  ic_transcript_update (self->transcript);
}

void
ic__client_sample (IcClient *self,
                   gint64    monotonic,
                   gint64    real_time,
                   gboolean  step)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  GObject *object = G_OBJECT (self);
  double rate_in, rate_out;

  if (self->state == IC_CLIENT_CLOSED || !InetGetClientStats (self->handle, &stats))
    return; /* the session ended: its DISCONNECT is on the way */

  g_object_freeze_notify (object);
  ic__set_uint64 (self, &self->bytes_in, stats.nBytesIn, properties[PROP_BYTES_IN]);
  ic__set_uint64 (self, &self->bytes_out, stats.nBytesOut, properties[PROP_BYTES_OUT]);
  ic__rate_meter_add (&self->meter, monotonic, stats.nBytesIn, stats.nBytesOut,
                      &rate_in, &rate_out);
  ic__set_double (self, &self->rate_in, rate_in, properties[PROP_RATE_IN]);
  ic__set_double (self, &self->rate_out, rate_out, properties[PROP_RATE_OUT]);
  ic__set_int64 (self, &self->age, MAX (0, real_time - self->connect_time) / G_USEC_PER_SEC,
                 properties[PROP_AGE]);
  if (stats.nLastActivity != 0)
    ic__set_int64 (self, &self->idle,
                   MAX (0, real_time - (gint64) stats.nLastActivity) / G_USEC_PER_SEC,
                   properties[PROP_IDLE]);
  else
    ic__set_int64 (self, &self->idle, self->age, properties[PROP_IDLE]);
  ic__set_uint (self, &self->priority, stats.nPriority, properties[PROP_PRIORITY]);
  set_paused (self, (stats.dwFlags & INET_CLIENT_FLAG_PAUSED) != 0);
  g_object_thaw_notify (object);

  ic_transcript_update (self->transcript);
  if (step)
    {
      IcStatsSample sample = {
        .time = real_time,
        .clients = 1,
        .bytes_in = rate_in,
        .bytes_out = rate_out,
      };

      ic_stats_history_append (self->history, &sample);
    }
}

/* ------------------------------------------------------------- getters */

IcServer *
ic_client_get_server (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), NULL);
  return SERVER (self);
}

guint
ic_client_get_id (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->id;
}

const char *
ic_client_get_address (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), NULL);
  return self->address;
}

guint
ic_client_get_port (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->port;
}

const char *
ic_client_get_peer (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), NULL);
  return self->peer;
}

int
ic_client_get_family (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->family;
}

IcClientState
ic_client_get_state (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), IC_CLIENT_CLOSED);
  return self->state;
}

gint64
ic_client_get_connect_time (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->connect_time;
}

gint64
ic_client_get_idle (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->idle;
}

guint64
ic_client_get_bytes_in (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->bytes_in;
}

guint64
ic_client_get_bytes_out (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->bytes_out;
}

double
ic_client_get_rate_in (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->rate_in;
}

double
ic_client_get_rate_out (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->rate_out;
}

guint
ic_client_get_priority (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), INET_PRIORITY_NORMAL);
  return self->priority;
}

gboolean
ic_client_get_paused (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), FALSE);
  return self->paused;
}

gboolean
ic_client_get_secure (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), FALSE);
  return self->tls != NULL && self->tls->bSecure;
}

guint
ic_client_get_close_reason (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), 0);
  return self->close_reason;
}

IcTranscript *
ic_client_get_transcript (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), NULL);
  return self->transcript;
}

IcStatsHistory *
ic_client_get_history (IcClient *self)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), NULL);
  return self->history;
}

/* ------------------------------------------------------------- actions */

static const char *
priority_name (guint priority)
{
  static const char *const names[] = { N_("background"), N_("low"), N_("normal"),
                                       N_("high"), N_("critical") };

  return priority < G_N_ELEMENTS (names) ? _(names[priority]) : "?";
}

gboolean
ic_client_set_priority (IcClient  *self,
                        guint      priority,
                        GError   **error)
{
  DWORD code;
  INT effective;

  g_return_val_if_fail (IC_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (InetSetClientPriority (self->handle, priority) == INET_ERROR)
    {
      ic_engine_set_error (error, _("Cannot change the client's priority"));
      return FALSE;
    }
  code = InetGetLastError ();
  effective = InetGetClientPriority (self->handle);
  if (effective == (INT) INET_PRIORITY_INVALID)
    effective = (INT) priority;
  ic__set_uint (self, &self->priority, (guint) effective, properties[PROP_PRIORITY]);
  if (SERVER (self) != NULL)
    {
      if (code == INET_ERROR_PRIORITY_DEGRADED)
        ic__server_log (SERVER (self), IC_EVENT_WARNING, self->id,
                        _("Priority %s needs the CAP_SYS_NICE capability; %s is used"),
                        priority_name (priority), priority_name ((guint) effective));
      else
        ic__server_log (SERVER (self), IC_EVENT_INFO, self->id, _("Priority set to %s"),
                        priority_name ((guint) effective));
    }
  return TRUE;
}

gboolean
ic_client_set_paused (IcClient  *self,
                      gboolean   paused,
                      GError   **error)
{
  BOOL ok;

  g_return_val_if_fail (IC_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = paused ? InetSuspendClient (self->handle) : InetResumeClient (self->handle);
  if (!ok)
    {
      ic_engine_set_error (error, paused ? _("Cannot pause reading from the client")
                                         : _("Cannot resume reading from the client"));
      return FALSE;
    }
  set_paused (self, paused);
  if (SERVER (self) != NULL)
    ic__server_log (SERVER (self), IC_EVENT_INFO, self->id,
                    paused ? _("Reading paused") : _("Reading resumed"));
  return TRUE;
}

static void
disconnect_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  SOCKET handle = *(SOCKET *) task_data;

  InetDisconnect (handle);
  g_task_return_boolean (task, TRUE);
}

static void
close_session (IcClient *self,
               gboolean  abort)
{
  g_return_if_fail (IC_IS_CLIENT (self));

  if (self->state != IC_CLIENT_CONNECTED)
    return;
  if (SERVER (self) != NULL)
    ic__server_log (SERVER (self), IC_EVENT_INFO, self->id,
                    abort ? _("Aborting the connection (reset)") : _("Disconnecting"));
  set_state (self, IC_CLIENT_CLOSING);
  if (abort)
    InetDisconnectEx (self->handle, INET_DISCONNECT_ABORT);
  else if (!self->linger_blocks)
    InetDisconnect (self->handle); /* graceful in the background: returns at once */
  else
    {
      /* linger > 0 waits for the client's acknowledgement: not here */
      g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);

      g_task_set_source_tag (task, close_session);
      g_task_set_task_data (task, g_memdup2 (&self->handle, sizeof self->handle), g_free);
      g_task_run_in_thread (task, disconnect_thread);
    }
}

void
ic_client_disconnect (IcClient *self)
{
  close_session (self, FALSE);
}

void
ic_client_abort (IcClient *self)
{
  close_session (self, TRUE);
}

typedef struct
{
  IcService *service;
  SOCKET handle;
  GBytes *data;
} SendJob;

static void
send_job_free (SendJob *job)
{
  g_clear_pointer (&job->service, ic_service_unref);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendJob *job = task_data;
  const guint8 *data;
  gsize length;
  gssize written;

  data = g_bytes_get_data (job->data, &length);
  written = ic_service_send (job->service, job->handle, data, length);
  if (written < 0)
    {
      GError *error = NULL;

      ic_engine_set_error (&error, _("Sending failed"));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, written);
}

void
ic_client_send_async (IcClient            *self,
                      GBytes              *data,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendJob *job;

  g_return_if_fail (IC_IS_CLIENT (self));
  g_return_if_fail (data != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ic_client_send_async);
  if (self->service == NULL || self->state != IC_CLIENT_CONNECTED)
    {
      g_task_return_new_error (task, IC_ENGINE_ERROR, WSAENOTSOCK,
                               _("The client is no longer connected"));
      return;
    }
  job = g_new0 (SendJob, 1);
  job->service = ic_service_ref (self->service);
  job->handle = self->handle;
  job->data = g_bytes_ref (data);
  g_task_set_task_data (task, job, (GDestroyNotify) send_job_free);
  g_task_run_in_thread (task, send_thread);
}

void
ic_client_send_text_async (IcClient            *self,
                           const char          *text,
                           gboolean             is_hex,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GBytes) data = NULL;
  GError *error = NULL;

  g_return_if_fail (IC_IS_CLIENT (self));
  g_return_if_fail (text != NULL);

  if (is_hex)
    data = ic_hex_parse (text, &error);
  else
    data = g_bytes_new (text, strlen (text));
  if (data == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, ic_client_send_async);
      g_task_return_error (task, error);
      return;
    }
  ic_client_send_async (self, data, cancellable, callback, user_data);
}

gssize
ic_client_send_finish (IcClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (IC_IS_CLIENT (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
