/* echo-server.c - the reference's InetServerStart example, on Linux.
 *
 * Accepts clients on port 7000 with the default backlog and at most 100
 * clients, and echoes what they send. Stop it with Ctrl+C.
 *
 *   inet-echo-example [PORT]     (PORT 0: any free port, printed at start)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inet-server.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define SERVER_PORT    7000
#define SERVER_CLIENTS 100

static VOID CALLBACK
MyEventHandler (SOCKET hSocket, UINT nEventId, DWORD dwError, DWORD_PTR dwParam)
{
  BYTE buffer[4096];
  INT n;

  (void) dwError;
  (void) dwParam;
  switch (nEventId)
    {
    case INET_EVENT_READ:
      /* one read per event: it will not block, and READ comes again while
       * data is left */
      n = InetRead (hSocket, buffer, sizeof buffer);
      if (n > 0)
        InetWrite (hSocket, buffer, n);
      break;
    case INET_EVENT_TIMEOUT:
      InetDisconnect (hSocket); /* idle for INET_TIMEOUT seconds */
      break;
    default:
      break;
    }
}

int
main (int argc, char **argv)
{
  SOCKET hServer = INVALID_SOCKET;
  UINT nPort = argc > 1 ? (UINT) strtoul (argv[1], NULL, 10) : SERVER_PORT;
  sigset_t signals;
  int signo;

  /* the handler runs in the server's threads; this thread waits for Ctrl+C */
  sigemptyset (&signals);
  sigaddset (&signals, SIGINT);
  sigaddset (&signals, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &signals, NULL);

  // Accept connections from clients that connect on port 7000 with a standard
  // backlog and a maximum of 100 client connections.
  hServer = InetServerStart (NULL,
                             nPort,
                             INET_BACKLOG,
                             SERVER_CLIENTS,
                             INET_TIMEOUT,
                             INET_PRIORITY_NORMAL,
                             INET_OPTION_REUSEADDR,
                             MyEventHandler,
                             0,
                             NULL);

  if (hServer == INVALID_SOCKET)
    {
      DWORD dwError;
      CHAR szError[256];

      dwError = InetGetLastError ();
      InetGetErrorString (dwError, szError, 256);
      fprintf (stderr, "inet-echo-example: %s\n", szError);
      return 1;
    }

  InetGetLocalAddress (hServer, NULL, 0, &nPort);
  printf ("listening on port %u\n", nPort);
  fflush (stdout);

  sigwait (&signals, &signo);
  InetServerStop (hServer);
  return 0;
}
