/* test-engine-example.c - the worked example (engine/examples/echo-server.c)
 * as a program: it prints its port when given port 0, echoes, and exits 0
 * on SIGTERM after stopping its server.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-client.h"
#include "inet-test-proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

/* Reads the first line the program prints, bounded. */
static char *
read_line (int fd, guint timeout_ms)
{
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline && line->len < 256)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char c;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      if (read (fd, &c, 1) != 1)
        break;
      if (c == '\n')
        return g_string_free (line, FALSE);
      g_string_append_c (line, c);
    }
  g_string_free (line, TRUE);
  return NULL;
}

/* Waits for the child to exit, bounded; returns its wait status or -1. */
static int
wait_exit (GPid pid, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int status;

  while (g_get_monotonic_time () < deadline)
    {
      pid_t done = waitpid (pid, &status, WNOHANG);

      if (done == pid)
        return status;
      if (done < 0 && errno != EINTR)
        return -1;
      g_usleep (10000);
    }
  return -1;
}

static void
test_echo_example (void)
{
  char *argv[] = { (char *) INET_ECHO_EXAMPLE, (char *) "0", NULL };
  GError *error = NULL;
  GPid pid;
  int out_fd;
  char *line;
  UINT port = 0;
  int fds[5];
  int status;

  g_assert_true (g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                           NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  line = read_line (out_fd, WAIT);
  g_assert_nonnull (line);
  g_test_message ("%s", line);
  g_assert_true (g_str_has_prefix (line, "listening on port "));
  port = (UINT) strtoul (line + strlen ("listening on port "), NULL, 10);
  g_assert_cmpuint (port, >, 0);
  g_free (line);

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = inet_test_connect ("127.0.0.1", port);
  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
      {
        char *text = g_strdup_printf ("hello %u from client %u", round, i);

        inet_test_assert_echo (fds[i], text);
        g_free (text);
      }

  /* SIGTERM: it stops the server (the clients see the end) and exits 0 */
  g_assert_cmpint (kill (pid, SIGTERM), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      int end = inet_test_recv_end (fds[i]);

      g_assert_true (end == 0 || end == ECONNRESET);
      close (fds[i]);
    }
  status = wait_exit (pid, WAIT);
  if (status == -1)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      g_error ("the example did not exit after SIGTERM");
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  close (out_fd);
  g_spawn_close_pid (pid);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  g_test_add_func ("/engine/example/echo", test_echo_example);
  return g_test_run ();
}
