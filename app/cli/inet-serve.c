/* inet-serve.c - the headless CLI: one test server, its events on stdout.
 *
 * The engine calls on_event in its threads: the service does its I/O there
 * and the event is written from there (the writer serialises lines). The
 * main thread runs a GMainLoop that only handles signals (g_unix_signal_add:
 * nothing runs in the signal handler itself) and ends when the server has
 * stopped.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-address.h"
#include "ic-engine-error.h"
#include "ic-service.h"
#include "ic-serve-events.h"
#include "ic-serve-options.h"
#include "ic-serve-start.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <unistd.h>

typedef struct
{
  IcServeConfig config;
  IcService *service;
  IcEventWriter *writer;
  GMainLoop *loop;
  SOCKET server;
  int exit_status;            /* (atomic) */
  const char *stop_cause;     /* (atomic) the signal that stopped us; read by STOP's thread */
} App;

/* ---------------------------------------------------------- event fields */

static void
set_client (JsonObject *event,
            SOCKET      client)
{
  g_autofree char *peer = ic_format_peer (client);

  json_object_set_int_member (event, "client", InetGetClientId (client));
  if (peer != NULL)
    json_object_set_string_member (event, "peer", peer);
}

static void
set_tls (JsonObject *event,
         SOCKET      client)
{
  INETSECURITYINFO info = { .dwSize = sizeof info };
  JsonObject *tls;

  if (!InetGetSecurityInfo (client, &info) || !info.bSecure)
    return;
  tls = json_object_new ();
  json_object_set_string_member (tls, "version", info.szProtocol);
  json_object_set_string_member (tls, "cipher", info.szCipher);
  if (info.szGroup[0] != '\0')
    json_object_set_string_member (tls, "group", info.szGroup);
  if (info.szServerName[0] != '\0')
    json_object_set_string_member (tls, "sni", info.szServerName);
  if (info.szAlpn[0] != '\0')
    json_object_set_string_member (tls, "alpn", info.szAlpn);
  json_object_set_boolean_member (tls, "resumed", info.bResumed != 0);
  json_object_set_int_member (tls, "handshake_us", info.dwHandshakeMicros);
  if (info.szPeerSubject[0] != '\0')
    json_object_set_string_member (tls, "client_subject", info.szPeerSubject);
  json_object_set_object_member (event, "tls", tls);
}

static const char *
close_reason (DWORD reason)
{
  switch (reason)
    {
    case INET_CLOSE_PEER: return "peer";
    case INET_CLOSE_LOCAL: return "server";
    case INET_CLOSE_ABORT: return "abort";
    case INET_CLOSE_RESET: return "reset";
    case INET_CLOSE_STOP: return "stop";
    case INET_CLOSE_RESTART: return "restart";
    case INET_CLOSE_ERROR: return "error";
    case INET_CLOSE_SUSPEND: return "suspend";
    default: return "unknown";
    }
}

static const char *
reject_reason (DWORD reason)
{
  switch (reason)
    {
    case INET_REJECT_MAX_CLIENTS: return "max-clients";
    case INET_REJECT_MAX_PER_ADDRESS: return "max-per-address";
    case INET_REJECT_APPLICATION: return "application";
    case INET_REJECT_RESOURCES: return "resources";
    default: return "unknown";
    }
}

/* `member`: the text of the code; `detail`: what the engine said about
 * this event (the OpenSSL reason, what the client sent), if anything. */
static void
set_error_text (JsonObject *event,
                const char *member,
                SOCKET      socket,
                DWORD       code)
{
  g_autofree char *text = ic_engine_error_string (code);
  char detail[512] = "";

  json_object_set_string_member (event, member, text);
  if (InetGetEventDetail (socket, detail, sizeof detail) > 0 && detail[0] != '\0')
    json_object_set_string_member (event, "detail", detail);
}

static void
set_listening (JsonObject *event,
               SOCKET      server)
{
  char address[64] = "";
  UINT port = 0;

  InetGetLocalAddress (server, address, sizeof address, &port);
  json_object_set_string_member (event, "address", address);
  json_object_set_int_member (event, "port", port);
}

static void
set_server_totals (JsonObject *event,
                   SOCKET      server)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };

  if (!InetGetServerStats (server, &stats))
    return;
  json_object_set_int_member (event, "accepted", (gint64) stats.nAccepted);
  json_object_set_int_member (event, "rejected", (gint64) stats.nRejected);
  json_object_set_int_member (event, "bytes_in", (gint64) stats.nBytesIn);
  json_object_set_int_member (event, "bytes_out", (gint64) stats.nBytesOut);
}

/* ------------------------------------------------------------ the events */

static void
client_event (App    *app,
              SOCKET  client,
              UINT    event_id,
              DWORD   error)
{
  JsonObject *event = NULL;

  switch (event_id)
    {
    case INET_EVENT_CONNECT:
      event = ic_event_new ("connect");
      set_client (event, client);
      set_tls (event, client);
      ic_event_writer_emit (app->writer, event);
      ic_service_handle_event (app->service, client, event_id, error);
      return;

    case INET_EVENT_DISCONNECT:
      {
        INETCLIENTSTATS stats = { .dwSize = sizeof stats };

        ic_service_handle_event (app->service, client, event_id, error);
        event = ic_event_new ("disconnect");
        set_client (event, client);
        if (InetGetClientStats (client, &stats))
          {
            json_object_set_int_member (event, "bytes_in", (gint64) stats.nBytesIn);
            json_object_set_int_member (event, "bytes_out", (gint64) stats.nBytesOut);
            json_object_set_string_member (event, "reason", close_reason (stats.dwCloseReason));
          }
        if (error != 0)
          set_error_text (event, "error", client, error);
        ic_event_writer_emit (app->writer, event);
        return;
      }

    case INET_EVENT_TIMEOUT:
      event = ic_event_new ("timeout");
      set_client (event, client);
      json_object_set_int_member (event, "idle_s", app->config.profile->timeout);
      ic_event_writer_emit (app->writer, event);
      break;

    case INET_EVENT_ERROR:
      /* a session error (a failed TLS handshake): no CONNECT came first */
      event = ic_event_new ("error");
      set_client (event, client);
      json_object_set_int_member (event, "code", error);
      set_error_text (event, "reason", client, error);
      ic_event_writer_emit (app->writer, event);
      return;

    default:
      break;
    }
  ic_service_handle_event (app->service, client, event_id, error);
}

static void
server_event (App    *app,
              SOCKET  server,
              UINT    event_id,
              DWORD   error)
{
  JsonObject *event = NULL;

  switch (event_id)
    {
    case INET_EVENT_REJECT:
      {
        g_autofree char *peer = ic_format_peer (server);

        event = ic_event_new ("reject");
        if (peer != NULL)
          json_object_set_string_member (event, "peer", peer);
        json_object_set_string_member (event, "reason", reject_reason (error));
        break;
      }

    case INET_EVENT_ERROR:
      event = ic_event_new ("error");
      json_object_set_int_member (event, "code", error);
      set_error_text (event, "reason", server, error);
      break;

    case INET_EVENT_SUSPEND:
      event = ic_event_new ("suspend");
      break;

    case INET_EVENT_RESUME:
      event = ic_event_new ("resume");
      break;

    case INET_EVENT_RESTART:
      event = ic_event_new ("restart");
      if (error == 0)
        set_listening (event, server);
      else
        {
          g_atomic_int_set (&app->exit_status, IC_SERVE_EXIT_START);
          set_error_text (event, "error", server, error);
        }
      break;

    case INET_EVENT_STOP:
      event = ic_event_new ("stop");
      {
        const char *cause = g_atomic_pointer_get (&app->stop_cause);

        if (cause != NULL)
          json_object_set_string_member (event, "signal", cause);
      }
      set_server_totals (event, server);
      ic_event_writer_emit (app->writer, event);
      g_main_loop_quit (app->loop);
      return;

    default:
      /* START (listening is written by main), ACCEPT, IDLE */
      return;
    }
  ic_event_writer_emit (app->writer, event);
}

static VOID CALLBACK
on_event (SOCKET     socket,
          UINT       event_id,
          DWORD      error,
          DWORD_PTR  param)
{
  App *app = (App *) param;

  /* ERROR comes with a client handle for session errors */
  if (event_id < INET_EVENT_START
      || (event_id == INET_EVENT_ERROR && InetGetClientId (socket) != 0))
    client_event (app, socket, event_id, error);
  else
    server_event (app, socket, event_id, error);
}

/* --------------------------------------------------------------- signals */

static gboolean
on_stop_signal (gpointer user_data)
{
  App *app = user_data;

  /* blocks until every client had its disconnect event and STOP came */
  if (app->server != INVALID_SOCKET)
    InetServerStop (app->server);
  app->server = INVALID_SOCKET;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  g_atomic_pointer_set (&((App *) user_data)->stop_cause, "SIGINT");
  return on_stop_signal (user_data);
}

static gboolean
on_sigterm (gpointer user_data)
{
  g_atomic_pointer_set (&((App *) user_data)->stop_cause, "SIGTERM");
  return on_stop_signal (user_data);
}

static gboolean
on_sigusr1 (gpointer user_data)
{
  App *app = user_data;

  InetServerSuspend (app->server);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigusr2 (gpointer user_data)
{
  App *app = user_data;

  InetServerResume (app->server);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sighup (gpointer user_data)
{
  App *app = user_data;

  /* a failed restart stops the server: STOP ends the loop */
  InetServerRestart (app->server);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ main */

static void
write_listening (App                       *app,
                 const INETCERTIFICATEINFO *certificate)
{
  JsonObject *event = ic_event_new ("listening");
  char warning[512] = "";

  set_listening (event, app->server);
  json_object_set_string_member (event, "service",
                                 ic_service_kind_to_string (app->config.profile->service));
  json_object_set_boolean_member (event, "secure", app->config.profile->tls);
  json_object_set_int_member (event, "pid", getpid ());
  if (app->config.profile->tls && certificate->dwSize != 0)
    {
      JsonObject *tls = json_object_new ();

      json_object_set_string_member (tls, "subject", certificate->szSubject);
      json_object_set_string_member (tls, "names", certificate->szAltNames);
      json_object_set_string_member (tls, "key", certificate->szKeyType);
      json_object_set_string_member (tls, "not_after", certificate->szNotAfter);
      json_object_set_string_member (tls, "fingerprint", certificate->szFingerprint);
      json_object_set_boolean_member (tls, "self_signed",
                                      (certificate->dwFlags & INET_CERT_INFO_SELF_SIGNED) != 0);
      json_object_set_object_member (event, "tls", tls);
    }
  /* e.g. an expired certificate: the server started anyway */
  if (InetGetServerWarning (app->server, warning, sizeof warning) != 0)
    json_object_set_string_member (event, "warning", warning);
  ic_event_writer_emit_held (app->writer, event);
}

int
main (int    argc,
      char **argv)
{
  App app = { .server = INVALID_SOCKET, .exit_status = IC_SERVE_EXIT_OK };
  INETCERTIFICATEINFO certificate = { 0 };
  g_autoptr (GError) error = NULL;
  guint sources[5];
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  signal (SIGPIPE, SIG_IGN);
  g_set_prgname ("inet-serve");

  if (!ic_serve_config_parse (&app.config, &argc, &argv, &error))
    {
      g_printerr ("inet-serve: %s\n", error->message);
      g_printerr (_("Try \"inet-serve --help\" for more information.\n"));
      return IC_SERVE_EXIT_USAGE;
    }
  app.service = ic_service_new (app.config.profile, &error);
  if (app.service == NULL)
    {
      g_printerr ("inet-serve: %s\n", error->message);
      ic_serve_config_clear (&app.config);
      return IC_SERVE_EXIT_USAGE;
    }

  /* signals are handled in the main loop; engine threads block them all */
  app.loop = g_main_loop_new (NULL, FALSE);
  sources[0] = g_unix_signal_add (SIGINT, on_sigint, &app);
  sources[1] = g_unix_signal_add (SIGTERM, on_sigterm, &app);
  sources[2] = g_unix_signal_add (SIGUSR1, on_sigusr1, &app);
  sources[3] = g_unix_signal_add (SIGUSR2, on_sigusr2, &app);
  sources[4] = g_unix_signal_add (SIGHUP, on_sighup, &app);

  /* held until `listening` is out, so it is the first event */
  app.writer = ic_event_writer_new (app.config.events, stdout);
  app.server = ic_serve_start (&app.config, on_event, (DWORD_PTR) &app, &certificate, &error);
  if (app.server == INVALID_SOCKET)
    {
      g_printerr ("inet-serve: %s\n", error->message);
      status = IC_SERVE_EXIT_START;
    }
  else
    {
      write_listening (&app, &certificate);
      ic_event_writer_release (app.writer);
      g_main_loop_run (app.loop);
      status = g_atomic_int_get (&app.exit_status);
      if (app.server != INVALID_SOCKET)
        InetServerStop (app.server); /* the server ended by itself (failed restart) */
    }

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);
  ic_event_writer_free (app.writer);
  g_main_loop_unref (app.loop);
  ic_service_unref (app.service);
  ic_serve_config_clear (&app.config);
  return status;
}
