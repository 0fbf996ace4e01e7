/* tls-test-util.c - see tls-test-util.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------- files */

char *
tls_test_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("inet-tls-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
tls_test_rmdir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        tls_test_rmdir (path);
      else
        g_unlink (path);
      g_free (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

char *
tls_test_path (const char *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

void
tls_test_make (const INETCERTIFICATEPARAMS *params)
{
  if (!InetCreateSelfSignedCertificate (params))
    {
      char text[1024];

      InetGetErrorString (InetGetLastError (), text, sizeof text);
      g_error ("InetCreateSelfSignedCertificate: %s", text);
    }
}

void
tls_test_make_cert (const char *cert, const char *key, DWORD key_type, INT start_days,
                    DWORD valid_days, const char *common_name, const char *password)
{
  INETCERTIFICATEPARAMS params = {
    .dwSize = sizeof params,
    .dwKeyType = key_type,
    .nStartDays = start_days,
    .dwValidDays = valid_days,
    .lpszCommonName = common_name,
    .lpszCertFile = cert,
    .lpszKeyFile = key,
    .lpszKeyPassword = password,
  };

  tls_test_make (&params);
}

gboolean
tls_test_have_program (const char *name)
{
  char *path = g_find_program_in_path (name);
  gboolean found = path != NULL;

  g_free (path);
  return found;
}

int
tls_test_run (const char *const *argv, const char *input, char **out)
{
  GPtrArray *args = g_ptr_array_new ();
  GSubprocess *process;
  GError *error = NULL;
  char *stdout_text = NULL;
  int status = -1;

  /* every child is bounded, whatever it waits for */
  g_ptr_array_add (args, (gpointer) "timeout");
  g_ptr_array_add (args, (gpointer) "60");
  for (int i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  process = g_subprocess_newv ((const char *const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                 | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_ptr_array_free (args, TRUE);
  if (process == NULL)
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      g_error_free (error);
      return -1;
    }
  if (g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &stdout_text,
                                     NULL, &error))
    {
      if (g_subprocess_get_if_exited (process))
        status = g_subprocess_get_exit_status (process);
    }
  else
    {
      g_test_message ("%s: %s", argv[0], error->message);
      g_error_free (error);
    }
  g_object_unref (process);
  if (out != NULL)
    *out = stdout_text != NULL ? stdout_text : g_strdup ("");
  else
    g_free (stdout_text);
  return status;
}

/* ------------------------------------------------------------ server */

static void
record_error (TlsServer *server, SOCKET client, DWORD code)
{
  INETSECURITYINFO info = { .dwSize = sizeof info };
  char detail[512] = "";

  InetGetEventDetail (client, detail, sizeof detail);
  if (!InetGetSecurityInfo (client, &info))
    {
      memset (&info, 0, sizeof info);
      info.dwSize = sizeof info;
    }
  g_mutex_lock (&server->mutex);
  g_array_append_val (server->error_codes, code);
  g_ptr_array_add (server->error_details, g_strdup (detail));
  g_array_append_val (server->error_infos, info);
  server->errors++;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->mutex);
}

static VOID CALLBACK
server_events (SOCKET socket, UINT event, DWORD error, DWORD_PTR param)
{
  TlsServer *server = (TlsServer *) param;

  switch (event)
    {
    case INET_EVENT_CONNECT:
      {
        INETSECURITYINFO info = { .dwSize = sizeof info };

        g_assert_true (InetGetSecurityInfo (socket, &info));
        g_mutex_lock (&server->mutex);
        g_array_append_val (server->infos, info);
        g_array_append_val (server->clients, socket);
        server->connects++;
        g_cond_broadcast (&server->cond);
        g_mutex_unlock (&server->mutex);
        if (server->on_connect != NULL)
          server->on_connect (server, socket, event);
        break;
      }
    case INET_EVENT_READ:
      g_mutex_lock (&server->mutex);
      server->reads++;
      g_mutex_unlock (&server->mutex);
      if (server->on_read != NULL)
        server->on_read (server, socket, event);
      else
        {
          BYTE buffer[16384];
          INT n = InetRead (socket, buffer, sizeof buffer);

          if (n > 0 && InetWrite (socket, buffer, n) != n)
            InetDisconnect (socket);
        }
      break;
    case INET_EVENT_WRITE:
      if (server->on_write != NULL)
        server->on_write (server, socket, event);
      break;
    case INET_EVENT_ERROR:
      if (InetGetClientId (socket) != 0)
        record_error (server, socket, error);
      break;
    case INET_EVENT_DISCONNECT:
      g_mutex_lock (&server->mutex);
      g_array_append_val (server->disconnect_codes, error);
      server->disconnects++;
      g_cond_broadcast (&server->cond);
      g_mutex_unlock (&server->mutex);
      break;
    default:
      break;
    }
}

TlsServer *
tls_server_try_start (const SECURITYCREDENTIALS *credentials, UINT timeout, DWORD options)
{
  TlsServer *server = g_new0 (TlsServer, 1);
  char address[64];
  UINT port = 0;
  DWORD last;

  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->infos = g_array_new (FALSE, TRUE, sizeof (INETSECURITYINFO));
  server->clients = g_array_new (FALSE, TRUE, sizeof (SOCKET));
  server->error_codes = g_array_new (FALSE, TRUE, sizeof (DWORD));
  server->error_details = g_ptr_array_new_with_free_func (g_free);
  server->error_infos = g_array_new (FALSE, TRUE, sizeof (INETSECURITYINFO));
  server->disconnect_codes = g_array_new (FALSE, TRUE, sizeof (DWORD));
  server->received = g_byte_array_new ();

  server->handle = InetServerStart ("127.0.0.1", 0, 0, 0, timeout, INET_PRIORITY_NORMAL,
                                    INET_OPTION_SECURE | options, server_events,
                                    (DWORD_PTR) server, (LPSECURITYCREDENTIALS) credentials);
  if (server->handle == INVALID_SOCKET)
    {
      last = InetGetLastError ();
      tls_server_stop (server);
      InetSetLastError (last);
      return NULL;
    }
  last = InetGetLastError (); /* a certificate warning survives the getter below */
  g_assert_true (InetGetLocalAddress (server->handle, address, sizeof address, &port));
  server->port = port;
  InetSetLastError (last);
  return server;
}

TlsServer *
tls_server_start (const SECURITYCREDENTIALS *credentials, UINT timeout)
{
  /* no Nagle: echoes of several records would wait for delayed ACKs */
  TlsServer *server = tls_server_try_start (credentials, timeout, INET_OPTION_NODELAY);

  if (server == NULL)
    {
      char text[1024];

      InetGetErrorString (InetGetLastError (), text, sizeof text);
      g_error ("InetServerStart: %s", text);
    }
  return server;
}

void
tls_server_stop (TlsServer *server)
{
  if (server->handle != INVALID_SOCKET && server->handle != 0)
    g_assert_true (InetServerStop (server->handle));
  g_array_free (server->infos, TRUE);
  g_array_free (server->clients, TRUE);
  g_array_free (server->error_codes, TRUE);
  g_ptr_array_free (server->error_details, TRUE);
  g_array_free (server->error_infos, TRUE);
  g_array_free (server->disconnect_codes, TRUE);
  g_byte_array_free (server->received, TRUE);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}

gboolean
tls_server_wait (TlsServer *server, const guint *counter, guint target)
{
  gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;
  gboolean reached;

  g_mutex_lock (&server->mutex);
  while (*counter < target)
    if (!g_cond_wait_until (&server->cond, &server->mutex, deadline))
      break;
  reached = *counter >= target;
  g_mutex_unlock (&server->mutex);
  return reached;
}

guint
tls_server_get (TlsServer *server, const guint *counter)
{
  guint value;

  g_mutex_lock (&server->mutex);
  value = *counter;
  g_mutex_unlock (&server->mutex);
  return value;
}

DWORD
tls_server_error_code (TlsServer *server, guint i)
{
  DWORD code;

  g_assert_true (tls_server_wait (server, &server->errors, i + 1));
  g_mutex_lock (&server->mutex);
  code = g_array_index (server->error_codes, DWORD, i);
  g_mutex_unlock (&server->mutex);
  return code;
}

char *
tls_server_error_detail (TlsServer *server, guint i)
{
  char *detail;

  g_assert_true (tls_server_wait (server, &server->errors, i + 1));
  g_mutex_lock (&server->mutex);
  detail = g_strdup (g_ptr_array_index (server->error_details, i));
  g_mutex_unlock (&server->mutex);
  return detail;
}

INETSECURITYINFO
tls_server_info (TlsServer *server, guint i)
{
  INETSECURITYINFO info;

  g_assert_true (tls_server_wait (server, &server->connects, i + 1));
  g_mutex_lock (&server->mutex);
  info = g_array_index (server->infos, INETSECURITYINFO, i);
  g_mutex_unlock (&server->mutex);
  return info;
}

void
tls_hook_sink (TlsServer *server, SOCKET client, UINT event)
{
  BYTE buffer[4096];
  INT n = InetRead (client, buffer, sizeof buffer);

  (void) event;
  if (n > 0)
    {
      g_mutex_lock (&server->mutex);
      g_byte_array_append (server->received, buffer, (guint) n);
      g_cond_broadcast (&server->cond);
      g_mutex_unlock (&server->mutex);
    }
}

SECURITYCREDENTIALS
tls_test_credentials (const char *cert, const char *key)
{
  SECURITYCREDENTIALS credentials = {
    .dwSize = sizeof credentials,
    .lpszCertStore = cert,
    .lpszKeyFile = key,
  };

  return credentials;
}

/* ------------------------------------------------------------ clients */

int
tls_tcp_connect (guint port)
{
  return tls_tcp_connect_small (port, 0);
}

int
tls_tcp_connect_small (guint port, int receive_buffer)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  struct timeval timeout = { 10, 0 };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (receive_buffer > 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("connect to port %u: %s", port, g_strerror (errno));
  return fd;
}

SSL_CTX *
tls_client_ctx (int min_version, int max_version)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());

  g_assert_nonnull (ctx);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  if (min_version != 0)
    SSL_CTX_set_min_proto_version (ctx, min_version);
  if (max_version != 0)
    SSL_CTX_set_max_proto_version (ctx, max_version);
  return ctx;
}

SSL *
tls_client_handshake (SSL_CTX *ctx, int fd, const char *server_name)
{
  SSL *ssl = SSL_new (ctx);

  SSL_set_fd (ssl, fd);
  if (server_name != NULL)
    SSL_set_tlsext_host_name (ssl, server_name);
  ERR_clear_error ();
  if (SSL_connect (ssl) != 1)
    {
      ERR_clear_error ();
      SSL_free (ssl);
      return NULL;
    }
  return ssl;
}

gboolean
tls_client_write (SSL *ssl, const void *data, size_t len)
{
  size_t done = 0;

  while (done < len)
    {
      size_t n = 0;

      if (SSL_write_ex (ssl, (const char *) data + done, len - done, &n) != 1)
        {
          ERR_clear_error ();
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

gboolean
tls_client_read (SSL *ssl, void *data, size_t len)
{
  size_t done = 0;

  while (done < len)
    {
      size_t n = 0;

      if (SSL_read_ex (ssl, (char *) data + done, len - done, &n) != 1)
        {
          ERR_clear_error ();
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

void
tls_client_close (SSL *ssl, int fd, gboolean notify)
{
  if (ssl != NULL)
    {
      if (notify)
        SSL_shutdown (ssl);
      SSL_free (ssl);
    }
  ERR_clear_error ();
  close (fd);
}

TlsClient
tls_client_open (SSL_CTX *ctx, guint port, const char *server_name)
{
  TlsClient client;

  client.fd = tls_tcp_connect (port);
  client.ssl = tls_client_handshake (ctx, client.fd, server_name);
  g_assert_nonnull (client.ssl);
  return client;
}

void
tls_client_echo_check (TlsClient *client, const char *text)
{
  size_t len = strlen (text);
  char *back = g_malloc0 (len + 1);

  g_assert_true (tls_client_write (client->ssl, text, len));
  g_assert_true (tls_client_read (client->ssl, back, len));
  g_assert_cmpstr (back, ==, text);
  g_free (back);
}
