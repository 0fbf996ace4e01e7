/* inet-server-private.h - the server object, shared by the files that run
 * a server (inet-server.c: the API; inet-listener.c: the server thread).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"
#include "inet-bandwidth-private.h"
#include "inet-handle-private.h"
#include "inet-tls-private.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef struct InetSession InetSession;
typedef struct InetWorker InetWorker;
typedef struct InetAddressCount InetAddressCount;

typedef struct InetServer InetServer;

struct InetServer
{
  InetObject object;

  /* Fixed at start */
  INETEVENTPROC proc;
  DWORD_PTR param;
  char *host;                       /* (owned) (nullable) as given */
  UINT backlog;
  UINT timeout;                     /* seconds, 0 = none */
  DWORD options;
  struct sockaddr_storage bind_address;
  socklen_t bind_length;
  bool dual_stack;
  InetTlsContext *tls;              /* (owned) (nullable) */
  DWORD warning;                    /* certificate warning at start */
  char *warning_text;               /* (owned) (nullable) */
  uint64_t start_time_us;

  /* Server thread */
  pthread_t thread;
  atomic_int tid;
  int wake_fd;                      /* eventfd: wakes the server thread */
  int listen_fd;                    /* (lock: mutex) -1 while closed */
  int reserve_fd;                   /* spare descriptor for EMFILE (server thread) */

  pthread_mutex_t mutex;
  pthread_cond_t cond;              /* sessions ended, commands done */

  /* State (lock: mutex; status mirrored in an atomic for cheap reads) */
  atomic_int status;                /* INET_SERVER_* */
  bool stop_requested;
  bool suspend_requested;           /* wanted state, applied by the thread */
  bool suspended;                   /* state the thread applied */
  DWORD suspend_options;
  bool restart_requested;
  unsigned restart_generation;      /* completed restarts */
  DWORD restart_error;              /* result of the last restart */
  bool idle_pending;                /* a session ended and none is left */
  bool joiner_claimed;              /* someone will pthread_join the thread */
  bool finished;                    /* the server thread is done */
  bool joined;
  atomic_bool commands_pending;     /* a stop/suspend/resume/restart waits for the thread */

  /* Sessions (lock: mutex) */
  InetSession *sessions;            /* doubly linked, newest first */
  unsigned n_active;                /* sessions with an open socket (the limits) */
  unsigned n_sessions;              /* sessions on the list, until after DISCONNECT */
  unsigned n_peak;
  DWORD next_client_id;
  InetAddressCount **address_counts; /* (owned) (nullable) hash table: per-address counts */

  /* Worker pool (lock: mutex) */
  InetWorker *idle_workers;
  unsigned n_idle_workers;
  InetWorker *all_workers;          /* every worker thread not yet joined */

  /* Limits and settings, read lock-free */
  atomic_uint max_clients;
  atomic_uint max_per_address;
  atomic_uint accept_interval_ms;
  atomic_uint priority;
  atomic_uintptr_t data;
  atomic_uint client_read_limit;
  atomic_uint client_write_limit;
  atomic_uint total_read_limit;
  atomic_uint total_write_limit;
  atomic_bool pause_io;
  atomic_int linger_seconds;        /* -1 = no linger */
  InetBucket total_read_bucket;
  InetBucket total_write_bucket;

  /* Counters */
  atomic_uint_fast64_t n_accepted;
  atomic_uint_fast64_t n_rejected;
  atomic_uint_fast64_t n_handshake_failures;
  atomic_uint_fast64_t ended_bytes_in;  /* sessions that ended */
  atomic_uint_fast64_t ended_bytes_out;

  /* The connection being accepted (server thread, during ACCEPT/REJECT) */
  struct sockaddr_storage pending_peer;
  socklen_t pending_peer_length;
  bool pending_valid;
  bool pending_rejected;
};

/* inet-server.c */
InetServer *inet__server_lookup (SOCKET handle);
void inet__server_wake (InetServer *server);
/* A command for the server thread was posted: wake it, also out of a wait
 * behind InetServerLock (the caller may own that lock). */
void inet__server_command_posted (InetServer *server);
bool inet__server_in_handler (InetServer *server);
void inet__server_raise (InetServer *server, UINT event, DWORD error, const char *detail);

/* The server thread is done: the handle goes, waiters wake (server thread). */
void inet__server_finish (InetServer *server);

/* inet-listener.c: the server thread */
void *inet__listener_main (void *data);
/* Opens the listener (bind + listen); returns 0 or a WSA code. */
int inet__listener_open (InetServer *server, bool force_reuse);
/* The server whose thread is the calling thread, or NULL. */
InetServer *inet__listener_current (void);

/* Per-address session counts (inet-listener.c; lock: server->mutex).
 * Adds delta and returns the new count. */
unsigned inet__address_count_add (InetServer *server, const char *address, int delta);
void inet__address_counts_free (InetServer *server);
