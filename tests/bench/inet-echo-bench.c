/* inet-echo-bench.c - an echo server on libinet-engine for the benchmark
 * harness in ../shared/bench (TARGET_CMD). Serves 127.0.0.1:PORT until
 * SIGTERM/SIGINT, then stops the server (and prints how long the stop took
 * with --report-stop).
 *
 *   inet-echo-bench --port P [--tls-cert F --tls-key F] [--report-stop]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <inet-server.h>

#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static VOID CALLBACK
echo_handler (SOCKET hSocket, UINT nEventId, DWORD dwError, DWORD_PTR dwParam)
{
  BYTE buffer[16384];
  INT n;

  (void) dwError;
  (void) dwParam;
  if (nEventId != INET_EVENT_READ)
    return;
  n = InetRead (hSocket, buffer, sizeof buffer);
  if (n > 0 && InetWrite (hSocket, buffer, n) != n)
    InetDisconnect (hSocket);
}

static void
usage (void)
{
  fprintf (stderr, "usage: inet-echo-bench --port P [--host A] [--tls-cert F --tls-key F]"
                   " [--report-stop]\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  SECURITYCREDENTIALS credentials = { 0 };
  const char *host = "127.0.0.1";
  const char *cert = NULL, *key = NULL;
  bool report_stop = false;
  long port = -1;
  SOCKET server;
  sigset_t signals;
  struct rlimit limit;
  struct timespec t0, t1;
  int signo;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--port") == 0 && i + 1 < argc)
        port = strtol (argv[++i], NULL, 10);
      else if (strcmp (argv[i], "--host") == 0 && i + 1 < argc)
        host = argv[++i];
      else if (strcmp (argv[i], "--tls-cert") == 0 && i + 1 < argc)
        cert = argv[++i];
      else if (strcmp (argv[i], "--tls-key") == 0 && i + 1 < argc)
        key = argv[++i];
      else if (strcmp (argv[i], "--report-stop") == 0)
        report_stop = true;
      else
        usage ();
    }
  if (port < 0 || port > 65535 || (cert != NULL) != (key != NULL))
    usage ();

  /* one descriptor per client: take what the hard limit allows */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }

  sigemptyset (&signals);
  sigaddset (&signals, SIGINT);
  sigaddset (&signals, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &signals, NULL);

  credentials.dwSize = sizeof credentials;
  credentials.lpszCertStore = cert;
  credentials.lpszKeyFile = key;
  server = InetServerStart (host, (UINT) port, 4096, 0, 0, INET_PRIORITY_NORMAL,
                            INET_OPTION_REUSEADDR | INET_OPTION_NODELAY
                              | (cert != NULL ? INET_OPTION_SECURE : 0),
                            echo_handler, 0, cert != NULL ? &credentials : NULL);
  if (server == INVALID_SOCKET)
    {
      char text[512];

      InetGetErrorString (InetGetLastError (), text, sizeof text);
      fprintf (stderr, "inet-echo-bench: %s\n", text);
      return 1;
    }

  sigwait (&signals, &signo);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  if (report_stop)
    {
      INETSERVERSTATS stats = { .dwSize = sizeof stats };

      InetGetServerStats (server, &stats);
      fprintf (stderr, "stopping with %u clients\n", stats.nActive);
    }
  InetServerStop (server);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  if (report_stop)
    fprintf (stderr, "stop took %.3f s\n",
             (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9);
  return 0;
}
