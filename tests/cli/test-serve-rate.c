/* test-serve-rate.c - the bandwidth limit of inet-serve, measured: a
 * chargen client over 3 s gets the set bytes per second within 10%.
 * Timed, so meson runs it alone (is_parallel: false): a machine busy with
 * other tests would starve the session thread and the client.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"

#include <sys/socket.h>
#include <unistd.h>

static void
test_rate_limit (void)
{
  const double rate = 100000;
  g_autoptr (TuServe) serve =
    tu_serve_start (ARGS ("--service=chargen", "--rate-limit=100000", "127.0.0.1:0"), TRUE);
  guint8 buffer[65536];
  guint64 total = 0;
  gint64 start, elapsed;
  double measured;
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  start = g_get_monotonic_time ();
  while ((elapsed = g_get_monotonic_time () - start) < 3 * G_USEC_PER_SEC)
    {
      ssize_t n = recv (fd, buffer, sizeof buffer, 0);

      g_assert_cmpint (n, >, 0);
      total += (guint64) n;
    }
  measured = (double) total * G_USEC_PER_SEC / (double) elapsed;
  g_test_message ("%" G_GUINT64_FORMAT " bytes in %.3f s: %.0f bytes/s (limit %.0f)", total,
                  elapsed / 1e6, measured, rate);
  g_assert_cmpfloat (measured, >=, rate * 0.9);
  g_assert_cmpfloat (measured, <=, rate * 1.1);
  close (fd);
  tu_serve_stop (serve);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/serve/limit/rate", test_rate_limit);

  return g_test_run ();
}
