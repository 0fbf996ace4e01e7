/* inet-test-recorder.h - records the events of one server and checks the
 * threading contract while it does.
 *
 * Its event procedure (dwEventParam = the recorder) notes every event with
 * the calling thread and what the getters say at that moment, checks the
 * rules of inet-server.h (server events in the server thread, client events
 * in the client's thread, never two at once for one client, CONNECT first,
 * DISCONNECT once and last, STOP last) and then calls the test's own
 * handler, if any. Violations are collected, never asserted in engine
 * threads; inet_test_recorder_assert_clean() reports them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <inet-server.h>
#include <pthread.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct _InetTestRecorder InetTestRecorder;

typedef struct
{
  SOCKET handle;
  UINT event;
  DWORD error;
  pid_t tid;            /* thread that ran the callback */
  gint64 time_us;       /* monotonic, at entry */
  DWORD client_id;      /* client events: InetGetClientId */
  DWORD close_reason;   /* DISCONNECT: dwCloseReason read inside the handler */
  int status;           /* InetGetServerStatus inside the handler (the client's server) */
  char peer[64];        /* ACCEPT/REJECT (pending peer), CONNECT: the peer address */
  UINT peer_port;
  char detail[128];     /* InetGetEventDetail */
  gboolean done;        /* the handler returned */
} InetTestEvent;

/* Runs after the event was recorded, in the engine's thread. */
typedef void (*InetTestHandler) (InetTestRecorder *recorder, SOCKET handle, UINT event,
                                 DWORD error);

struct _InetTestRecorder
{
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  GArray *events;           /* (lock: mutex) InetTestEvent */
  GHashTable *clients;      /* (lock: mutex) handle -> client record */
  GString *problems;        /* (lock: mutex) contract violations */
  SOCKET server;            /* (lock: mutex) from START */
  pid_t server_tid;         /* (lock: mutex) thread of START */
  gboolean stopped;         /* (lock: mutex) STOP seen */

  InetTestHandler handler;  /* set before the server starts */
  gpointer user_data;
};

InetTestRecorder *inet_test_recorder_new (InetTestHandler handler, gpointer user_data);
void inet_test_recorder_free (InetTestRecorder *recorder);

/* The event procedure; pass the recorder as dwEventParam. */
VOID CALLBACK inet_test_recorder_proc (SOCKET hSocket, UINT nEventId, DWORD dwError,
                                       DWORD_PTR dwParam);

/* Starts a server recorded by this recorder (asserts success). */
SOCKET inet_test_recorder_start (InetTestRecorder *recorder, const char *host, UINT max_clients,
                                 UINT timeout, UINT priority, DWORD options);
/* InetServerStop, then asserts: it returned TRUE, STOP was the last event,
 * every CONNECT got exactly one DISCONNECT, the handle is stale, and the
 * recorder saw no violation. */
void inet_test_recorder_stop (InetTestRecorder *recorder);

/* Events matching handle (0 = any) and event (0 = any). */
guint inet_test_recorder_count (InetTestRecorder *recorder, SOCKET handle, UINT event);
/* Waits until count events match (done_only: whose handler returned). */
gboolean inet_test_recorder_wait_full (InetTestRecorder *recorder, SOCKET handle, UINT event,
                                       guint count, gboolean done_only, guint timeout_ms);
gboolean inet_test_recorder_wait (InetTestRecorder *recorder, SOCKET handle, UINT event,
                                  guint count, guint timeout_ms);
/* The n-th (from 0) matching event, copied out; FALSE if there is none. */
gboolean inet_test_recorder_get (InetTestRecorder *recorder, SOCKET handle, UINT event, guint n,
                                 InetTestEvent *out);
/* Handle of the n-th client that got CONNECT, waiting for it (asserts). */
SOCKET inet_test_recorder_client (InetTestRecorder *recorder, guint n);
/* The sequence of event ids for a handle, as a string like "1,4,3,2". */
char *inet_test_recorder_sequence (InetTestRecorder *recorder, SOCKET handle);
/* Asserts no violation was seen. */
void inet_test_recorder_assert_clean (InetTestRecorder *recorder);
/* Notes a violation (from any thread). */
void inet_test_recorder_problem (InetTestRecorder *recorder, const char *format, ...)
  G_GNUC_PRINTF (2, 3);

/* A handler that echoes what it reads, one read per READ event. */
void inet_test_echo_handler (InetTestRecorder *recorder, SOCKET handle, UINT event, DWORD error);

/* A flag a handler can wait on and a test can set, or the other way. */
typedef struct
{
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int value;
} InetTestGate;

void inet_test_gate_init (InetTestGate *gate);
void inet_test_gate_clear (InetTestGate *gate);
void inet_test_gate_set (InetTestGate *gate, int value);
int inet_test_gate_get (InetTestGate *gate);
/* Waits until the value is at least `value`; FALSE on timeout. */
gboolean inet_test_gate_wait (InetTestGate *gate, int value, guint timeout_ms);

G_END_DECLS
