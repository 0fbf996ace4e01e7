/* inet-session-private.h - one client session and the thread that runs it.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server-private.h"

#include <netinet/in.h>

/* Session flags (atomic, changed under the session mutex). */
enum
{
  SESSION_TERMINATE    = 1u << 0,  /* end the session (close_reason says why) */
  SESSION_ABORT        = 1u << 1,  /* ... with a reset */
  SESSION_CLOSED       = 1u << 2,  /* InetDisconnect returned: I/O calls fail */
  SESSION_CANCEL       = 1u << 3,  /* a blocked call should return WSAEINTR */
  SESSION_CANCEL_EVENT = 1u << 4,  /* raise CANCEL after the current handler */
  SESSION_PAUSED       = 1u << 5,  /* InetSuspendClient */
  SESSION_WANT_WRITE   = 1u << 6,  /* raise WRITE when the socket is writable */
  SESSION_EOF          = 1u << 7,  /* the peer sent FIN */
  SESSION_NONBLOCKING  = 1u << 8,
  SESSION_READ_ARMED   = 1u << 9,  /* READ may be raised */
  SESSION_LINGER_WAIT  = 1u << 10, /* a thread waits for a lingering close */
  SESSION_FD_CLOSED    = 1u << 11, /* the socket is closed */
  SESSION_SHUT_WRITE   = 1u << 12, /* InetShutdown(WRITE) */
  SESSION_SHUT_READ    = 1u << 13, /* InetShutdown(READ): no more reading */
};

/* The read-ahead buffer lives on the session thread's stack next to its
 * other hot locals, so an idle session touches as few stack pages as
 * possible (10,000 idle clients are a benchmark). It is small: when a read
 * fills it, InetRead tops up from the socket directly into the caller's
 * buffer, so large messages still arrive in large reads. */
#define SESSION_READ_BUFFER 2048
/* A session whose reads fill the small buffer moves to a heap buffer of
 * this size (once, while the buffer is empty): large messages then come in
 * one read again. Idle sessions never pay for it. */
#define SESSION_READ_BUFFER_LARGE 16384

struct InetSession
{
  InetObject object;
  InetServer *server;               /* (owned) */
  InetSession *prev, *next;         /* (lock: server->mutex) */
  InetWorker *worker;               /* (nullable) the thread running it */

  DWORD id;
  int fd;                           /* (lock: mutex) -1 once closed */
  int wake_fd;                      /* (lock: mutex) eventfd: wakes the session loop */
  int call_wake_fd;                 /* (lock: mutex) eventfd: wakes blocked calls */
  atomic_int tid;

  pthread_mutex_t mutex;
  pthread_cond_t cond;
  atomic_uint flags;
  DWORD close_reason;               /* (lock: mutex) INET_CLOSE_* */
  DWORD close_error;                /* (lock: mutex) WSA code for DISCONNECT */
  unsigned io_users;                /* (lock: mutex) calls using fd right now */
  unsigned blocked_calls;           /* (lock: mutex) calls waiting right now */
  int linger_seconds;               /* (lock: mutex) -1 = none */
  int linger_result;                /* (lock: mutex) 1 = closed, -1 = reset */
  atomic_int state;                 /* INET_CLIENT_* */

  /* The thread running the session */
  pthread_t thread;                 /* (lock: mutex) valid while thread_running */
  bool thread_running;              /* (lock: mutex) */
  atomic_bool in_fast_recv;         /* blocked in the hot-path recv() */
  atomic_uint fast_exits;           /* times it came out of it */
  unsigned foreign_readers;         /* (lock: mutex) other threads waiting in InetRead */
  atomic_uint_fast64_t write_retry_us; /* WRITE after a rate-limited write, monotonic */

  /* Read-ahead: the session thread reads into this buffer (on its stack),
   * handlers consume from it. (lock: mutex) */
  BYTE *rbuf;
  size_t rbuf_start, rbuf_end;
  size_t rbuf_size;                 /* SESSION_READ_BUFFER or _LARGE */
  BYTE *rbuf_heap;                  /* (owned) (nullable) the large buffer */
  bool rbuf_more;                   /* the last read filled it: more may wait */
  bool rbuf_grow;                   /* (session thread) move to the large buffer */
  uint64_t consumed;                /* bytes handlers took out, ever */

  /* Write side (lock: write_mutex) */
  pthread_mutex_t write_mutex;

  /* TLS */
  InetTlsSession *tls;              /* (nullable) calls serialised by tls_mutex */
  pthread_mutex_t tls_mutex;
  INETSECURITYINFO *tls_info;       /* (owned) (nullable) */

  /* Settings, read lock-free */
  atomic_uint priority;
  atomic_uint read_limit;           /* INET_BANDWIDTH_INHERIT follows the server */
  atomic_uint write_limit;
  atomic_uintptr_t data;
  InetBucket read_bucket;
  InetBucket write_bucket;

  /* Counters */
  atomic_uint_fast64_t bytes_in;
  atomic_uint_fast64_t bytes_out;
  atomic_uint_fast64_t last_activity_us;  /* wall clock */
  uint64_t connect_time_us;

  /* Peer */
  struct sockaddr_storage peer;
  socklen_t peer_length;
  char peer_text[INET6_ADDRSTRLEN + 8];
  UINT peer_port;
  int family;
};

/* A TLS session (fixed for its life; the InetTlsSession itself is read and
 * changed only under tls_mutex). */
static inline bool
inet__session_secure (const InetSession *session)
{
  return session->server->tls != NULL;
}

/* inet-session.c */
InetSession *inet__session_new (InetServer *server, int fd, const struct sockaddr_storage *peer,
                                socklen_t peer_length);
/* Runs the session to its end in the calling thread. *thread_priority is
 * the thread's priority before and after (INET_PRIORITY_INVALID: unknown). */
void inet__session_run (InetSession *session, UINT *thread_priority);
/* Prepares a thread that will run sessions (signal mask). */
void inet__session_thread_init (void);
/* Ends a session from any thread: reason INET_CLOSE_*, abort = reset. */
void inet__session_terminate (InetSession *session, DWORD reason, bool abort);
/* Wakes every wait of the session, also a blocking recv(). */
void inet__session_notify (InetSession *session);
/* Wakes every wait but the hot-path recv() (session->mutex held); terminal
 * also shuts the socket's read side, which ends that recv() too. */
void inet__session_wake_locked (InetSession *session, bool terminal);
/* The session whose handler runs in this thread, or NULL. */
InetSession *inet__session_current (void);
/* Looks a client handle up (the current session without the table). The
 * reference must be dropped with inet__session_release. */
InetSession *inet__session_lookup (SOCKET handle);
void inet__session_release (InetSession *session);
/* Raises a client event in the session thread. */
void inet__session_raise (InetSession *session, UINT event, DWORD error, const char *detail);
/* Bytes in the read-ahead buffer. */
size_t inet__session_buffered (InetSession *session);
/* Effective bandwidth limits. */
uint32_t inet__session_read_limit (InetSession *session);
uint32_t inet__session_write_limit (InetSession *session);
/* How much may be read (written) now under the bandwidth limits (0: try
 * again after *wait_us); tokens not used go back with the refund. */
size_t inet__session_read_allowance (InetSession *session, size_t want, uint64_t *wait_us);
void inet__session_read_refund (InetSession *session, size_t unused);
size_t inet__session_write_allowance (InetSession *session, size_t want, uint64_t *wait_us);
void inet__session_write_refund (InetSession *session, size_t unused);
/* Marks traffic. */
void inet__session_count_in (InetSession *session, size_t bytes);
void inet__session_count_out (InetSession *session, size_t bytes);

/* inet-close.c */
/* Closes the socket of an ending session (session thread). */
void inet__close_session_socket (InetSession *session);
