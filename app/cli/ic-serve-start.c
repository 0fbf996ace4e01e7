/* ic-serve-start.c - starting the server of inet-serve.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-serve-start.h"

#include <ic-address.h>
#include <ic-credentials.h>
#include <ic-engine-error.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#define TCP_STATE_TIME_WAIT 0x06
#define TCP_STATE_LISTEN    0x0A

/* Lines of /proc/net/tcp: "sl local_address rem_address st ...", the
 * local address as HEX_ADDRESS:HEX_PORT and the state in hex. */
static void
scan_proc (const char *path,
           guint       port,
           gboolean   *time_wait,
           gboolean   *listening)
{
  g_autofree char *data = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &data, NULL, NULL))
    return;
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      const char *local = NULL;
      const char *state = NULL;
      const char *colon;
      guint n = 0;

      for (guint j = 0; fields[j] != NULL; j++)
        {
          if (*fields[j] == '\0')
            continue;
          if (n == 1)
            local = fields[j];
          else if (n == 3)
            state = fields[j];
          n++;
        }
      if (local == NULL || state == NULL || (colon = strrchr (local, ':')) == NULL)
        continue;
      if (g_ascii_strtoull (colon + 1, NULL, 16) != port)
        continue;
      switch (g_ascii_strtoull (state, NULL, 16))
        {
        case TCP_STATE_TIME_WAIT:
          *time_wait = TRUE;
          break;
        case TCP_STATE_LISTEN:
          *listening = TRUE;
          break;
        default:
          break;
        }
    }
}

/* TRUE if TCP connections on local port `port` are in TIME_WAIT and
 * nothing listens on it. */
static gboolean
port_in_time_wait (guint port)
{
  gboolean time_wait = FALSE;
  gboolean listening = FALSE;

  scan_proc ("/proc/net/tcp", port, &time_wait, &listening);
  scan_proc ("/proc/net/tcp6", port, &time_wait, &listening);
  return time_wait && !listening;
}

static void
set_start_error (GError           **error,
                 const IcProfile   *profile,
                 DWORD              code)
{
  g_autofree char *address = ic_format_address (profile->host, profile->port);
  g_autofree char *text = ic_engine_error_string (code);

  switch (code)
    {
    case WSAEADDRINUSE:
      if (!(profile->options & INET_OPTION_REUSEADDR) && profile->port != 0
          && port_in_time_wait (profile->port))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("cannot listen on %s: the port is in use by connections in TIME_WAIT; "
                       "--reuseaddr listens anyway"), address);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("cannot listen on %s: the address and port are already in use"), address);
      break;
    case WSAEADDRNOTAVAIL:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("cannot listen on %s: %s is not an address of this machine"), address,
                   profile->host ? profile->host : "0.0.0.0");
      break;
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:
    case WSATRY_AGAIN:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot listen on %s: %s"), address,
                   text);
      break;
    case WSAEACCES:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("cannot listen on %s: permission denied (ports below 1024 need "
                     "privileges)"), address);
      break;
    default:
      if (code >= INET_ERROR_CERT_NOT_FOUND && code <= INET_ERROR_CERT_NOT_YET_VALID)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot serve TLS: %s"), text);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("cannot listen on %s: %s"), address,
                     text);
      break;
    }
}

SOCKET
ic_serve_start (const IcServeConfig  *config,
                INETEVENTPROC         proc,
                DWORD_PTR             param,
                INETCERTIFICATEINFO  *certificate,
                GError              **error)
{
  const IcProfile *profile = config->profile;
  IcCredentials credentials = { { 0 } };
  DWORD options = profile->options;
  DWORD code;
  SOCKET server;

  if (profile->tls)
    {
      if (!ic_credentials_init (&credentials, profile, config->password, error))
        return INVALID_SOCKET;
      options |= INET_OPTION_SECURE;
    }
  server = InetServerStart (profile->host, profile->port, profile->backlog, profile->max_clients,
                            profile->timeout, profile->priority, options, proc, param,
                            profile->tls ? &credentials.creds : NULL);
  code = InetGetLastError ();
  if (server != INVALID_SOCKET && profile->tls && certificate != NULL)
    {
      memset (certificate, 0, sizeof *certificate);
      certificate->dwSize = sizeof *certificate;
      if (!InetDescribeCertificate (&credentials.creds, NULL, certificate))
        certificate->dwSize = 0;
    }
  /* the server has read it: nothing of it stays on disk */
  ic_credentials_clear (&credentials);
  if (server == INVALID_SOCKET)
    {
      set_start_error (error, profile, code);
      return INVALID_SOCKET;
    }
  InetServerThrottle (server, (UINT) -1, profile->max_per_address, profile->accept_interval);
  if (profile->rate_limit != 0)
    InetSetServerBandwidth (server, profile->rate_limit, profile->rate_limit, 0, 0);
  if (profile->linger >= 0)
    InetSetLinger (server, TRUE, (UINT) profile->linger);
  return server;
}
