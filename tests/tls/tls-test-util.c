/* tls-test-util.c - see tls-test-util.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <errno.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

void
tls_test_init_signals (void)
{
  sigset_t pipe_only;

  signal (SIGPIPE, SIG_DFL);
  sigemptyset (&pipe_only);
  sigaddset (&pipe_only, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_only, NULL);
}

void
tls_test_fail (const char *call)
{
  char text[1024];

  InetGetErrorString (InetGetLastError (), text, sizeof text);
  g_error ("%s: %s", call, text);
}

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
    tls_test_fail ("InetCreateSelfSignedCertificate");
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
  GError *error = NULL;
  GString *text = g_string_new (NULL);
  GPid pid;
  int in_fd, out_fd;
  int status = -1;
  int wait_status;
  char buffer[4096];
  ssize_t n;
  gboolean spawned;

  /* every child is bounded, whatever it waits for; plain fork and exec
   * (no GSubprocess threads, which ThreadSanitizer cannot see through) */
  g_ptr_array_add (args, (gpointer) "timeout");
  g_ptr_array_add (args, (gpointer) "60");
  for (int i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  spawned = g_spawn_async_with_pipes (NULL, (char **) args->pdata, NULL,
                                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                        | G_SPAWN_STDERR_TO_DEV_NULL,
                                      NULL, NULL, &pid, &in_fd, &out_fd, NULL, &error);
  g_ptr_array_free (args, TRUE);
  if (!spawned)
    {
      g_test_message ("cannot run %s: %s", argv[0], error->message);
      g_error_free (error);
      g_string_free (text, TRUE);
      if (out != NULL)
        *out = g_strdup ("");
      return -1;
    }
  if (input != NULL && input[0] != '\0')
    {
      size_t len = strlen (input);

      while (len > 0 && (n = write (in_fd, input, len)) > 0)
        {
          input += n;
          len -= (size_t) n;
        }
    }
  close (in_fd);
  while ((n = read (out_fd, buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (text, buffer, n);
  close (out_fd);
  while (waitpid (pid, &wait_status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (wait_status))
    status = WEXITSTATUS (wait_status);
  g_spawn_close_pid (pid);
  if (out != NULL)
    *out = g_string_free (text, FALSE);
  else
    g_string_free (text, TRUE);
  return status;
}

void
tls_test_fill_pattern (guint8 *buffer, size_t len, guint64 offset)
{
  for (size_t i = 0; i < len; i++)
    {
      guint64 x = (offset + i) * 0x9E3779B97F4A7C15ull;

      buffer[i] = (guint8) (x >> 56);
    }
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
  tls_server_lock (server);
  g_array_append_val (server->error_codes, code);
  g_ptr_array_add (server->error_details, g_strdup (detail));
  g_array_append_val (server->error_infos, info);
  server->errors++;
  tls_server_broadcast (server);
  tls_server_unlock (server);
}

static VOID CALLBACK
server_events (SOCKET socket, UINT event, DWORD error, DWORD_PTR param)
{
  TlsServer *server = (TlsServer *) param;
  TlsServerHook on_connect, on_read, on_write;

  tls_server_lock (server);
  on_connect = server->on_connect;
  on_read = server->on_read;
  on_write = server->on_write;
  tls_server_unlock (server);

  switch (event)
    {
    case INET_EVENT_CONNECT:
      {
        INETSECURITYINFO info = { .dwSize = sizeof info };

        g_assert_true (InetGetSecurityInfo (socket, &info));
        tls_server_lock (server);
        g_array_append_val (server->infos, info);
        g_array_append_val (server->clients, socket);
        server->connects++;
        tls_server_broadcast (server);
        tls_server_unlock (server);
        if (on_connect != NULL)
          on_connect (server, socket, event);
        break;
      }
    case INET_EVENT_READ:
      tls_server_lock (server);
      server->reads++;
      tls_server_unlock (server);
      if (on_read != NULL)
        on_read (server, socket, event);
      else
        {
          BYTE buffer[16384];
          INT n = InetRead (socket, buffer, sizeof buffer);

          if (n > 0 && InetWrite (socket, buffer, n) != n)
            InetDisconnect (socket);
        }
      break;
    case INET_EVENT_WRITE:
      if (on_write != NULL)
        on_write (server, socket, event);
      break;
    case INET_EVENT_ERROR:
      if (InetGetClientId (socket) != 0)
        record_error (server, socket, error);
      break;
    case INET_EVENT_DISCONNECT:
      tls_server_lock (server);
      g_array_append_val (server->disconnect_codes, error);
      server->disconnects++;
      tls_server_broadcast (server);
      tls_server_unlock (server);
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

  {
    pthread_condattr_t attr;

    pthread_mutex_init (&server->mutex, NULL);
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_cond_init (&server->cond, &attr);
    pthread_condattr_destroy (&attr);
  }
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
    tls_test_fail ("InetServerStart");
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
  pthread_mutex_destroy (&server->mutex);
  pthread_cond_destroy (&server->cond);
  g_free (server);
}

void
tls_server_lock (TlsServer *server)
{
  pthread_mutex_lock (&server->mutex);
}

void
tls_server_unlock (TlsServer *server)
{
  pthread_mutex_unlock (&server->mutex);
}

void
tls_server_broadcast (TlsServer *server)
{
  pthread_cond_broadcast (&server->cond);
}

gboolean
tls_server_wait_until (TlsServer *server, gint64 deadline)
{
  struct timespec ts = { (time_t) (deadline / G_USEC_PER_SEC),
                         (long) (deadline % G_USEC_PER_SEC) * 1000 };

  /* g_get_monotonic_time () is CLOCK_MONOTONIC in microseconds */
  pthread_cond_timedwait (&server->cond, &server->mutex, &ts);
  return g_get_monotonic_time () < deadline;
}

gboolean
tls_server_wait (TlsServer *server, const guint *counter, guint target)
{
  gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;
  gboolean reached;

  tls_server_lock (server);
  while (*counter < target)
    if (!tls_server_wait_until (server, deadline))
      break;
  reached = *counter >= target;
  tls_server_unlock (server);
  return reached;
}

guint
tls_server_get (TlsServer *server, const guint *counter)
{
  guint value;

  tls_server_lock (server);
  value = *counter;
  tls_server_unlock (server);
  return value;
}

INETSERVERSTATS
tls_server_wait_active (TlsServer *server, UINT active)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };
  gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;

  for (;;)
    {
      g_assert_true (InetGetServerStats (server->handle, &stats));
      if (stats.nActive == active || g_get_monotonic_time () >= deadline)
        return stats;
      g_usleep (1000);
    }
}

DWORD
tls_server_error_code (TlsServer *server, guint i)
{
  DWORD code;

  g_assert_true (tls_server_wait (server, &server->errors, i + 1));
  tls_server_lock (server);
  code = g_array_index (server->error_codes, DWORD, i);
  tls_server_unlock (server);
  return code;
}

char *
tls_server_error_detail (TlsServer *server, guint i)
{
  char *detail;

  g_assert_true (tls_server_wait (server, &server->errors, i + 1));
  tls_server_lock (server);
  detail = g_strdup (g_ptr_array_index (server->error_details, i));
  tls_server_unlock (server);
  return detail;
}

INETSECURITYINFO
tls_server_info (TlsServer *server, guint i)
{
  INETSECURITYINFO info;

  g_assert_true (tls_server_wait (server, &server->connects, i + 1));
  tls_server_lock (server);
  info = g_array_index (server->infos, INETSECURITYINFO, i);
  tls_server_unlock (server);
  return info;
}

void
tls_server_keep (TlsServer *server, const void *data, guint len)
{
  tls_server_lock (server);
  g_byte_array_append (server->received, data, len);
  tls_server_broadcast (server);
  tls_server_unlock (server);
}

gboolean
tls_server_wait_received (TlsServer *server, guint len)
{
  gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;
  gboolean reached;

  tls_server_lock (server);
  while (server->received->len < len)
    if (!tls_server_wait_until (server, deadline))
      break;
  reached = server->received->len >= len;
  tls_server_unlock (server);
  return reached;
}

gboolean
tls_server_wait_flag (TlsServer *server, const gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;
  gboolean set;

  tls_server_lock (server);
  while (!*flag)
    if (!tls_server_wait_until (server, deadline))
      break;
  set = *flag;
  tls_server_unlock (server);
  return set;
}

void
tls_hook_sink (TlsServer *server, SOCKET client, UINT event)
{
  BYTE buffer[4096];
  INT n = InetRead (client, buffer, sizeof buffer);

  (void) event;
  if (n > 0)
    tls_server_keep (server, buffer, (guint) n);
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
  /* generous: sanitizers on a loaded machine are slow */
  struct timeval timeout = { 30, 0 };
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

void
tls_client_reset (SSL *ssl, int fd)
{
  struct linger reset = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  tls_client_close (ssl, fd, FALSE);
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

void
tls_cert_fixture_setup (TlsCertFixture *f, gconstpointer data)
{
  (void) data;
  f->dir = tls_test_tmpdir ();
  f->cert = tls_test_path (f->dir, "server.pem");
  f->key = tls_test_path (f->dir, "server.key");
  tls_test_make_cert (f->cert, f->key, INET_CERT_KEY_ECDSA_P256, 0, 30, "localhost", NULL);
  f->credentials = tls_test_credentials (f->cert, f->key);
}

void
tls_cert_fixture_teardown (TlsCertFixture *f, gconstpointer data)
{
  (void) data;
  tls_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->cert);
  g_free (f->key);
}
