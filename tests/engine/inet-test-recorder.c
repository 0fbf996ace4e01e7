/* inet-test-recorder.c - records the events of one server and checks the
 * threading contract while it does.
 *
 * Plain pthread mutexes and condition variables (GLib's are futex based,
 * which ThreadSanitizer cannot see).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-recorder.h"
#include "inet-test-client.h"
#include "inet-test-proc.h"

#include <stdarg.h>
#include <unistd.h>

typedef struct
{
  SOCKET handle;
  pid_t tid;
  DWORD id;
  guint connects;
  guint disconnects;
  guint in_handler;
} ClientTrack;

InetTestRecorder *
inet_test_recorder_new (InetTestHandler handler, gpointer user_data)
{
  InetTestRecorder *recorder = g_new0 (InetTestRecorder, 1);

  pthread_mutex_init (&recorder->mutex, NULL);
  inet_test_cond_init (&recorder->cond);
  recorder->events = g_array_new (FALSE, TRUE, sizeof (InetTestEvent));
  recorder->clients = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  recorder->problems = g_string_new (NULL);
  recorder->server = INVALID_SOCKET;
  recorder->handler = handler;
  recorder->user_data = user_data;
  return recorder;
}

void
inet_test_recorder_free (InetTestRecorder *recorder)
{
  g_array_unref (recorder->events);
  g_hash_table_unref (recorder->clients);
  g_string_free (recorder->problems, TRUE);
  pthread_mutex_destroy (&recorder->mutex);
  pthread_cond_destroy (&recorder->cond);
  g_free (recorder);
}

static void
problem_locked (InetTestRecorder *recorder, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
problem_locked (InetTestRecorder *recorder, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (recorder->problems, format, args);
  va_end (args);
  g_string_append_c (recorder->problems, '\n');
}

void
inet_test_recorder_problem (InetTestRecorder *recorder, const char *format, ...)
{
  va_list args;

  pthread_mutex_lock (&recorder->mutex);
  va_start (args, format);
  g_string_append_vprintf (recorder->problems, format, args);
  va_end (args);
  g_string_append_c (recorder->problems, '\n');
  pthread_cond_broadcast (&recorder->cond);
  pthread_mutex_unlock (&recorder->mutex);
}

static gboolean
is_client_event (InetTestRecorder *recorder, SOCKET handle, UINT event)
{
  if (event < INET_EVENT_START)
    return TRUE;
  /* ERROR names the client for session errors */
  return event == INET_EVENT_ERROR && handle != recorder->server;
}

static ClientTrack *
track_of (InetTestRecorder *recorder, SOCKET handle)
{
  gint64 key = (gint64) handle;
  ClientTrack *track = g_hash_table_lookup (recorder->clients, &key);

  if (track == NULL)
    {
      track = g_new0 (ClientTrack, 1);
      track->handle = handle;
      g_hash_table_insert (recorder->clients, &track->handle, track);
    }
  return track;
}

static guint count_locked (InetTestRecorder *recorder, SOCKET handle, UINT event,
                           gboolean done_only);

/* Client checks (mutex held). */
static void
check_client (InetTestRecorder *recorder, InetTestEvent *ev, const INETCLIENTSTATS *stats,
              gboolean have_stats)
{
  ClientTrack *track = track_of (recorder, ev->handle);
  guint64 h = ev->handle;

  if (recorder->stopped)
    problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u after STOP", h,
                    ev->event);
  if (track->in_handler > 0)
    problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u while another "
                    "callback for it runs", h, ev->event);
  if (recorder->server_tid != 0 && ev->tid == recorder->server_tid)
    problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u in the server thread",
                    h, ev->event);
  if (!have_stats)
    problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: InetGetClientStats failed in "
                    "event %u (error %u)", h, ev->event, InetGetLastError ());
  else if ((pid_t) stats->dwThreadId != ev->tid)
    problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u in thread %d, the "
                    "client's thread is %u", h, ev->event, ev->tid, stats->dwThreadId);

  if (ev->event == INET_EVENT_CONNECT)
    {
      if (track->connects > 0 || track->disconnects > 0)
        problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: second CONNECT", h);
      /* the server thread raised ACCEPT for it first */
      if (count_locked (recorder, 0, INET_EVENT_ACCEPT, FALSE)
          <= count_locked (recorder, 0, INET_EVENT_CONNECT, FALSE))
        problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: CONNECT without ACCEPT", h);
      track->connects++;
      track->tid = ev->tid;
      track->id = ev->client_id;
    }
  else if (ev->event != INET_EVENT_ERROR)
    {
      if (track->connects == 0)
        problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u before CONNECT", h,
                        ev->event);
      if (track->disconnects > 0)
        problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u after "
                        "DISCONNECT", h, ev->event);
      if (track->tid != 0 && track->tid != ev->tid)
        problem_locked (recorder, "client %#" G_GINT64_MODIFIER "x: event %u in thread %d, "
                        "CONNECT ran in %d", h, ev->event, ev->tid, track->tid);
      if (ev->event == INET_EVENT_DISCONNECT)
        track->disconnects++;
    }
  track->in_handler++;
}

/* Server checks (mutex held). */
static void
check_server (InetTestRecorder *recorder, InetTestEvent *ev)
{
  if (ev->event == INET_EVENT_START)
    {
      if (recorder->events->len != 0)
        problem_locked (recorder, "START is not the first event");
      recorder->server = ev->handle;
      recorder->server_tid = ev->tid;
      return;
    }
  if (recorder->server_tid == 0)
    problem_locked (recorder, "server event %u before START", ev->event);
  else if (ev->tid != recorder->server_tid)
    problem_locked (recorder, "server event %u in thread %d, not the server thread %d",
                    ev->event, ev->tid, recorder->server_tid);
  if (ev->handle != recorder->server)
    problem_locked (recorder, "server event %u names handle %#" G_GINT64_MODIFIER "x",
                    ev->event, (guint64) ev->handle);
  if (recorder->stopped)
    problem_locked (recorder, "server event %u after STOP", ev->event);
  if (ev->event == INET_EVENT_STOP)
    {
      GHashTableIter iter;
      ClientTrack *track;

      recorder->stopped = TRUE;
      g_hash_table_iter_init (&iter, recorder->clients);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &track))
        if (track->connects != track->disconnects || track->in_handler > 0)
          problem_locked (recorder, "STOP while client %#" G_GINT64_MODIFIER "x has %u "
                          "CONNECT, %u DISCONNECT, %u callbacks running",
                          (guint64) track->handle, track->connects, track->disconnects,
                          track->in_handler);
    }
}

VOID CALLBACK
inet_test_recorder_proc (SOCKET hSocket, UINT nEventId, DWORD dwError, DWORD_PTR dwParam)
{
  InetTestRecorder *recorder = (InetTestRecorder *) dwParam;
  InetTestEvent ev = { 0 };
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  gboolean have_stats = FALSE;
  gboolean client;
  guint index;

  ev.handle = hSocket;
  ev.event = nEventId;
  ev.error = dwError;
  ev.tid = gettid ();
  ev.time_us = g_get_monotonic_time ();
  ev.status = -1;

  pthread_mutex_lock (&recorder->mutex);
  client = is_client_event (recorder, hSocket, nEventId);
  pthread_mutex_unlock (&recorder->mutex);

  /* what the getters say now (they take no lock the test could hold) */
  if (client)
    {
      have_stats = InetGetClientStats (hSocket, &stats);
      ev.client_id = InetGetClientId (hSocket);
      ev.close_reason = have_stats ? stats.dwCloseReason : (DWORD) -1;
      ev.status = InetGetServerStatus (InetGetClientServer (hSocket));
      if (nEventId == INET_EVENT_CONNECT)
        InetGetPeerAddress (hSocket, ev.peer, sizeof ev.peer, &ev.peer_port);
    }
  else
    {
      ev.status = InetGetServerStatus (hSocket);
      if (nEventId == INET_EVENT_ACCEPT || nEventId == INET_EVENT_REJECT)
        if (!InetGetPeerAddress (hSocket, ev.peer, sizeof ev.peer, &ev.peer_port))
          inet_test_recorder_problem (recorder, "no peer address in event %u", nEventId);
    }
  InetGetEventDetail (hSocket, ev.detail, sizeof ev.detail);

  pthread_mutex_lock (&recorder->mutex);
  if (client)
    check_client (recorder, &ev, &stats, have_stats);
  else
    check_server (recorder, &ev);
  g_array_append_val (recorder->events, ev);
  index = recorder->events->len - 1;
  pthread_cond_broadcast (&recorder->cond);
  pthread_mutex_unlock (&recorder->mutex);

  if (recorder->handler != NULL)
    recorder->handler (recorder, hSocket, nEventId, dwError);

  pthread_mutex_lock (&recorder->mutex);
  g_array_index (recorder->events, InetTestEvent, index).done = TRUE;
  if (client)
    track_of (recorder, hSocket)->in_handler--;
  pthread_cond_broadcast (&recorder->cond);
  pthread_mutex_unlock (&recorder->mutex);
}

SOCKET
inet_test_recorder_start (InetTestRecorder *recorder, const char *host, UINT max_clients,
                          UINT timeout, UINT priority, DWORD options)
{
  SOCKET server = InetServerStart (host, 0, INET_BACKLOG, max_clients, timeout, priority,
                                   options, inet_test_recorder_proc, (DWORD_PTR) recorder, NULL);

  if (server == INVALID_SOCKET)
    g_error ("InetServerStart (%s) failed: error %u", host ? host : "NULL", InetGetLastError ());
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  /* START is raised in the server thread, maybe after Start returned */
  g_assert_true (inet_test_recorder_wait (recorder, server, INET_EVENT_START, 1,
                                          INET_TEST_TIMEOUT_MS));
  pthread_mutex_lock (&recorder->mutex);
  g_assert_cmpuint (recorder->server, ==, server);
  pthread_mutex_unlock (&recorder->mutex);
  return server;
}

void
inet_test_recorder_stop (InetTestRecorder *recorder)
{
  SOCKET server;
  InetTestEvent last;

  pthread_mutex_lock (&recorder->mutex);
  server = recorder->server;
  pthread_mutex_unlock (&recorder->mutex);
  g_assert_true (InetServerStop (server));
  /* Stop blocks until the end: STOP was raised and nothing follows */
  pthread_mutex_lock (&recorder->mutex);
  g_assert_true (recorder->stopped);
  g_assert_cmpuint (recorder->events->len, >, 0);
  last = g_array_index (recorder->events, InetTestEvent, recorder->events->len - 1);
  pthread_mutex_unlock (&recorder->mutex);
  g_assert_cmpuint (last.event, ==, INET_EVENT_STOP);
  g_assert_true (last.done);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  inet_test_recorder_assert_clean (recorder);
}

static gboolean
matches (const InetTestEvent *ev, SOCKET handle, UINT event)
{
  return (handle == 0 || ev->handle == handle) && (event == 0 || ev->event == event);
}

static guint
count_locked (InetTestRecorder *recorder, SOCKET handle, UINT event, gboolean done_only)
{
  guint n = 0;

  for (guint i = 0; i < recorder->events->len; i++)
    {
      const InetTestEvent *ev = &g_array_index (recorder->events, InetTestEvent, i);

      if (matches (ev, handle, event) && (!done_only || ev->done))
        n++;
    }
  return n;
}

guint
inet_test_recorder_count (InetTestRecorder *recorder, SOCKET handle, UINT event)
{
  guint n;

  if (recorder == NULL)
    return 0;
  pthread_mutex_lock (&recorder->mutex);
  n = count_locked (recorder, handle, event, FALSE);
  pthread_mutex_unlock (&recorder->mutex);
  return n;
}

gboolean
inet_test_recorder_wait_full (InetTestRecorder *recorder, SOCKET handle, UINT event, guint count,
                              gboolean done_only, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean ok;

  pthread_mutex_lock (&recorder->mutex);
  while (!(ok = count_locked (recorder, handle, event, done_only) >= count))
    if (!inet_test_cond_wait_until (&recorder->cond, &recorder->mutex, deadline))
      break;
  pthread_mutex_unlock (&recorder->mutex);
  return ok;
}

gboolean
inet_test_recorder_wait (InetTestRecorder *recorder, SOCKET handle, UINT event, guint count,
                         guint timeout_ms)
{
  return inet_test_recorder_wait_full (recorder, handle, event, count, FALSE, timeout_ms);
}

gboolean
inet_test_recorder_get (InetTestRecorder *recorder, SOCKET handle, UINT event, guint n,
                        InetTestEvent *out)
{
  gboolean found = FALSE;

  pthread_mutex_lock (&recorder->mutex);
  for (guint i = 0; i < recorder->events->len && !found; i++)
    {
      const InetTestEvent *ev = &g_array_index (recorder->events, InetTestEvent, i);

      if (matches (ev, handle, event) && n-- == 0)
        {
          *out = *ev;
          found = TRUE;
        }
    }
  pthread_mutex_unlock (&recorder->mutex);
  return found;
}

SOCKET
inet_test_recorder_client (InetTestRecorder *recorder, guint n)
{
  InetTestEvent ev;

  if (!inet_test_recorder_wait (recorder, 0, INET_EVENT_CONNECT, n + 1, INET_TEST_TIMEOUT_MS))
    g_error ("client %u did not connect", n);
  g_assert_true (inet_test_recorder_get (recorder, 0, INET_EVENT_CONNECT, n, &ev));
  return ev.handle;
}

char *
inet_test_recorder_sequence (InetTestRecorder *recorder, SOCKET handle)
{
  GString *s = g_string_new (NULL);

  pthread_mutex_lock (&recorder->mutex);
  for (guint i = 0; i < recorder->events->len; i++)
    {
      const InetTestEvent *ev = &g_array_index (recorder->events, InetTestEvent, i);

      if (ev->handle == handle)
        g_string_append_printf (s, "%s%u", s->len ? "," : "", ev->event);
    }
  pthread_mutex_unlock (&recorder->mutex);
  return g_string_free (s, FALSE);
}

void
inet_test_recorder_assert_clean (InetTestRecorder *recorder)
{
  char *problems;

  pthread_mutex_lock (&recorder->mutex);
  problems = g_strdup (recorder->problems->str);
  pthread_mutex_unlock (&recorder->mutex);
  if (problems[0] != '\0')
    g_error ("contract violations:\n%s", problems);
  g_free (problems);
}

void
inet_test_echo_handler (InetTestRecorder *recorder, SOCKET handle, UINT event, DWORD error)
{
  BYTE buffer[65536];
  INT n;

  if (event != INET_EVENT_READ)
    return;
  /* a client that left makes the write fail: not the echo's business */
  n = InetRead (handle, buffer, sizeof buffer);
  if (n > 0)
    InetWrite (handle, buffer, n);
}

/* ------------------------------------------------------------------ gate */

void
inet_test_gate_init (InetTestGate *gate)
{
  pthread_mutex_init (&gate->mutex, NULL);
  inet_test_cond_init (&gate->cond);
  gate->value = 0;
}

void
inet_test_gate_clear (InetTestGate *gate)
{
  pthread_mutex_destroy (&gate->mutex);
  pthread_cond_destroy (&gate->cond);
}

void
inet_test_gate_set (InetTestGate *gate, int value)
{
  pthread_mutex_lock (&gate->mutex);
  gate->value = value;
  pthread_cond_broadcast (&gate->cond);
  pthread_mutex_unlock (&gate->mutex);
}

int
inet_test_gate_get (InetTestGate *gate)
{
  int value;

  pthread_mutex_lock (&gate->mutex);
  value = gate->value;
  pthread_mutex_unlock (&gate->mutex);
  return value;
}

gboolean
inet_test_gate_wait (InetTestGate *gate, int value, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean ok;

  pthread_mutex_lock (&gate->mutex);
  while (!(ok = gate->value >= value))
    if (!inet_test_cond_wait_until (&gate->cond, &gate->mutex, deadline))
      break;
  pthread_mutex_unlock (&gate->mutex);
  return ok;
}
