/* ic-test-utils.c - see ic-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-test-utils.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void
ic_test_spin_for (GMainContext *context,
                  guint         ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (context, FALSE))
      g_usleep (1000);
}

int
ic_test_try_connect_from (const char *source,
                          const char *host,
                          guint       port)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
  struct addrinfo *info = NULL;
  char service[16];
  int fd, saved;

  g_snprintf (service, sizeof service, "%u", port);
  if (getaddrinfo (host, service, &hints, &info) != 0)
    {
      errno = EINVAL;
      return -1;
    }
  fd = socket (info->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && source != NULL)
    {
      struct addrinfo *local = NULL;
      gboolean bound = getaddrinfo (source, NULL, &hints, &local) == 0
                       && bind (fd, local->ai_addr, local->ai_addrlen) == 0;

      saved = local == NULL ? EINVAL : errno;
      if (local != NULL)
        freeaddrinfo (local);
      if (!bound)
        {
          close (fd);
          fd = -1;
          errno = saved;
        }
    }
  if (fd >= 0 && connect (fd, info->ai_addr, info->ai_addrlen) != 0)
    {
      saved = errno;
      close (fd);
      fd = -1;
      errno = saved;
    }
  saved = errno;
  freeaddrinfo (info);
  errno = saved;
  return fd;
}

int
ic_test_connect (const char *host,
                 guint       port,
                 guint      *local_port)
{
  int fd = ic_test_try_connect_from (NULL, host, port);
  int one = 1;

  if (fd < 0)
    g_error ("connect to %s:%u: %s", host, port, g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (local_port != NULL)
    {
      struct sockaddr_storage local;
      socklen_t local_length = sizeof local;

      g_assert_cmpint (getsockname (fd, (struct sockaddr *) &local, &local_length), ==, 0);
      *local_port = local.ss_family == AF_INET6
                      ? ntohs (((struct sockaddr_in6 *) &local)->sin6_port)
                      : ntohs (((struct sockaddr_in *) &local)->sin_port);
    }
  return fd;
}

void
ic_test_write_all (int         fd,
                   const void *data,
                   gsize       length)
{
  const char *p = data;
  gint64 end = g_get_monotonic_time () + IC_TEST_TIMEOUT_MS * 1000;

  while (length > 0)
    {
      struct pollfd pfd = { fd, POLLOUT, 0 };
      ssize_t n;

      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = send (fd, p, length, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("send: %s", g_strerror (errno));
      p += n;
      length -= (gsize) n;
    }
}

gboolean
ic_test_read_exact (int    fd,
                    void  *buffer,
                    gsize  length,
                    guint  timeout_ms)
{
  char *p = buffer;
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (length > 0)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      ssize_t n;

      if (g_get_monotonic_time () > end)
        return FALSE;
      if (poll (&pfd, 1, 50) <= 0)
        continue;
      n = recv (fd, p, length, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

int
ic_test_wait_closed (int   fd,
                     guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  char buffer[4096];

  while (g_get_monotonic_time () < end)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      ssize_t n;

      if (poll (&pfd, 1, 50) <= 0)
        continue;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n == 0)
        return 0;
      if (n < 0 && errno != EINTR && errno != EAGAIN)
        return errno;
    }
  return -1;
}

char *
ic_test_make_tmp_dir (void)
{
  GError *error = NULL;
  char *path = g_dir_make_tmp ("inet-app-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
ic_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        ic_test_remove_tree (child);
      else
        g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

void
ic_test_make_certificate (const char  *dir,
                          const char  *cert_name,
                          const char  *key_name,
                          char       **cert,
                          char       **key)
{
  g_autoptr(IcCertificateRequest) request = ic_certificate_request_new ();
  g_autoptr(GError) error = NULL;

  *cert = g_build_filename (dir, cert_name, NULL);
  *key = g_build_filename (dir, key_name, NULL);
  request->names = ic_certificate_default_names ("127.0.0.1");
  request->cert_file = g_strdup (*cert);
  request->key_file = g_strdup (*key);
  g_assert_true (ic_certificate_create (request, &error));
  g_assert_no_error (error);
}

void
ic_test_make_engine_certificate (const char *dir,
                                 const char *cert_name,
                                 const char *key_name,
                                 DWORD       key_type,
                                 INT         start_days,
                                 DWORD       valid_days,
                                 const char *names,
                                 const char *key_password)
{
  g_autofree char *cert = g_build_filename (dir, cert_name, NULL);
  g_autofree char *key = key_name ? g_build_filename (dir, key_name, NULL) : NULL;
  INETCERTIFICATEPARAMS params = {
    .dwSize = sizeof params,
    .dwKeyType = key_type,
    .dwValidDays = valid_days,
    .nStartDays = start_days,
    .dwFlags = names ? INET_CERT_FLAG_NO_DEFAULT_NAMES : 0,
    .lpszCommonName = names,
    .lpszAltNames = names,
    .lpszCertFile = cert,
    .lpszKeyFile = key,
    .lpszKeyPassword = key_password,
  };

  g_assert_true (InetCreateSelfSignedCertificate (&params));
}

guint
ic_test_log_count (IcEventLog  *log,
                   IcEventKind  kind,
                   const char  *text)
{
  GListModel *model = G_LIST_MODEL (log);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(IcLogEntry) entry = g_list_model_get_item (model, i);

      if ((kind == IC_EVENT_N_KINDS || ic_log_entry_get_kind (entry) == kind)
          && (text == NULL || strstr (ic_log_entry_get_message (entry), text) != NULL))
        count++;
    }
  return count;
}

gboolean
ic_test_log_has (IcEventLog  *log,
                 IcEventKind  kind,
                 const char  *text)
{
  return ic_test_log_count (log, kind, text) > 0;
}

guint64
ic_test_server_counter (IcServer   *server,
                        const char *name)
{
  guint64 value = 0;

  ic_server_sample (server);
  g_object_get (server, name, &value, NULL);
  return value;
}
