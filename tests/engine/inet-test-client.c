/* inet-test-client.c - a small plain-socket client for the engine tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static gboolean
parse_address (const char *text, UINT port, struct sockaddr_storage *address, socklen_t *length)
{
  struct sockaddr_in *sin = (struct sockaddr_in *) address;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) address;

  memset (address, 0, sizeof *address);
  if (inet_pton (AF_INET, text, &sin->sin_addr) == 1)
    {
      sin->sin_family = AF_INET;
      sin->sin_port = htons ((guint16) port);
      *length = sizeof *sin;
      return TRUE;
    }
  if (inet_pton (AF_INET6, text, &sin6->sin6_addr) == 1)
    {
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons ((guint16) port);
      *length = sizeof *sin6;
      return TRUE;
    }
  return FALSE;
}

/* Milliseconds left until deadline (monotonic us), at least 0. */
static int
left_ms (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  return left <= 0 ? 0 : (int) ((left + 999) / 1000);
}

static gboolean
wait_fd (int fd, short events, gint64 deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, events, 0 };
      int rc = poll (&pfd, 1, left_ms (deadline));

      if (rc > 0)
        return TRUE;
      if (rc == 0)
        {
          errno = ETIMEDOUT;
          return FALSE;
        }
      if (errno != EINTR)
        return FALSE;
    }
}

int
inet_test_try_connect (const char *source, const char *address, UINT port)
{
  return inet_test_try_connect_full (source, address, port, 0);
}

int
inet_test_try_connect_full (const char *source, const char *address, UINT port, int rcvbuf)
{
  struct sockaddr_storage to, from;
  socklen_t to_length, from_length;
  gint64 deadline = g_get_monotonic_time () + INET_TEST_TIMEOUT_MS * 1000;
  int fd;
  int err = 0;
  socklen_t len = sizeof err;

  if (!parse_address (address, port, &to, &to_length))
    {
      errno = EINVAL;
      return -1;
    }
  fd = socket (to.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (rcvbuf > 0)
    setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (source != NULL)
    {
      if (!parse_address (source, 0, &from, &from_length)
          || bind (fd, (struct sockaddr *) &from, from_length) != 0)
        {
          err = errno ? errno : EINVAL;
          close (fd);
          errno = err;
          return -1;
        }
    }
  if (connect (fd, (struct sockaddr *) &to, to_length) == 0)
    return fd;
  if (errno != EINPROGRESS)
    goto failed;
  if (!wait_fd (fd, POLLOUT, deadline))
    goto failed;
  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    goto failed;
  if (err != 0)
    {
      errno = err;
      goto failed;
    }
  return fd;

failed:
  err = errno;
  close (fd);
  errno = err;
  return -1;
}

int
inet_test_connect_from (const char *source, const char *address, UINT port)
{
  int fd = inet_test_try_connect (source, address, port);

  if (fd < 0)
    g_error ("connect to %s port %u failed: %s", address, port, g_strerror (errno));
  return fd;
}

int
inet_test_connect (const char *address, UINT port)
{
  return inet_test_connect_from (NULL, address, port);
}

int
inet_test_connect_non_reader (UINT port)
{
  int fd = inet_test_try_connect_full (NULL, "127.0.0.1", port, INET_TEST_SMALL_RCVBUF);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

gboolean
inet_test_send_all (int fd, const void *data, gsize len, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

      if (n > 0)
        {
          p += n;
          len -= (gsize) n;
          continue;
        }
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return FALSE;
      if (!wait_fd (fd, POLLOUT, deadline))
        return FALSE;
    }
  return TRUE;
}

gsize
inet_test_send_some (int fd, const void *data, gsize len)
{
  ssize_t n = send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);

  return n > 0 ? (gsize) n : 0;
}

gssize
inet_test_recv (int fd, void *buffer, gsize len, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      ssize_t n = recv (fd, buffer, len, MSG_DONTWAIT);

      if (n >= 0)
        return n;
      if (errno != EAGAIN && errno != EINTR)
        return -1;
      if (!wait_fd (fd, POLLIN, deadline))
        return -1;
    }
}

gboolean
inet_test_recv_exact (int fd, void *buffer, gsize len, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 *p = buffer;

  while (len > 0)
    {
      gssize n = inet_test_recv (fd, p, len, (guint) left_ms (deadline));

      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gsize
inet_test_recv_until_end (int fd, GByteArray *data, guint timeout_ms, int *end)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint8 buffer[65536];
  gsize total = 0;

  for (;;)
    {
      gssize n = inet_test_recv (fd, buffer, sizeof buffer, (guint) left_ms (deadline));

      if (n > 0)
        {
          if (data != NULL)
            g_byte_array_append (data, buffer, (guint) n);
          total += (gsize) n;
          continue;
        }
      *end = n == 0 ? 0 : errno;
      return total;
    }
}

int
inet_test_recv_end (int fd)
{
  int end = -1;

  inet_test_recv_until_end (fd, NULL, INET_TEST_TIMEOUT_MS, &end);
  return end;
}

gsize
inet_test_recv_for (int fd, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  guint8 buffer[65536];
  gsize total = 0;

  for (;;)
    {
      gssize n;

      if (left_ms (deadline) == 0)
        return total;
      n = inet_test_recv (fd, buffer, sizeof buffer, (guint) left_ms (deadline));
      if (n <= 0)
        return total;
      total += (gsize) n;
    }
}

gboolean
inet_test_quiet_for (int fd, guint ms)
{
  struct pollfd pfd = { fd, POLLIN, 0 };

  return poll (&pfd, 1, (int) ms) == 0;
}

void
inet_test_close_reset (int fd)
{
  struct linger lg = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close (fd);
}

UINT
inet_test_server_port (SOCKET server)
{
  UINT port = 0;

  g_assert_true (InetGetLocalAddress (server, NULL, 0, &port));
  g_assert_cmpuint (port, >, 0);
  return port;
}

void
inet_test_fill_pattern (guint8 *buffer, gsize len, guint64 offset)
{
  for (gsize i = 0; i < len; i++)
    buffer[i] = inet_test_pattern (offset + i);
}

gboolean
inet_test_check_pattern (const guint8 *data, gsize len, guint64 offset)
{
  for (gsize i = 0; i < len; i++)
    if (data[i] != inet_test_pattern (offset + i))
      return FALSE;
  return TRUE;
}

gboolean
inet_test_have_ipv6 (void)
{
  struct sockaddr_in6 sin6 = { 0 };
  int fd = socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  ok = bind (fd, (struct sockaddr *) &sin6, sizeof sin6) == 0;
  close (fd);
  return ok;
}

void
inet_test_assert_echo (int fd, const char *text)
{
  char buffer[256] = "";
  gsize len = strlen (text);

  g_assert_cmpuint (len, <=, sizeof buffer);
  g_assert_true (inet_test_send_all (fd, text, len, INET_TEST_TIMEOUT_MS));
  g_assert_true (inet_test_recv_exact (fd, buffer, len, INET_TEST_TIMEOUT_MS));
  g_assert_cmpmem (buffer, len, text, len);
}

UINT
inet_test_local_port (int fd)
{
  struct sockaddr_in sin;
  socklen_t len = sizeof sin;

  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sin, &len), ==, 0);
  return ntohs (sin.sin_port);
}
