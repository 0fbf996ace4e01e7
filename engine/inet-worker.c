/* inet-worker.c - session threads: made on demand, parked and reused.
 *
 * Reuse matters for short sessions (connect, one request, close): a hand-off
 * to a parked thread is a condition-variable signal, a new thread is a
 * clone plus a stack. Stacks are small (256 KiB of address space; only the
 * pages a session touches use memory), which keeps 10,000 idle sessions
 * cheap.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-worker-private.h"
#include "inet-clock-private.h"
#include "inet-priority-private.h"
#include "inet-session-private.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_STACK_KB   256
#define IDLE_SECONDS       20   /* a parked thread ends after this long */
#define MAX_IDLE_WORKERS   256

struct InetWorker
{
  InetServer *server;               /* (unowned) outlives its workers */
  pthread_t thread;
  pthread_cond_t cond;              /* (lock: server->mutex) */
  InetSession *session;             /* (lock: server->mutex) work to do */
  InetWorker *next_idle;            /* (lock: server->mutex) */
  InetWorker *next_all;             /* (lock: server->mutex) */
  bool idle;                        /* (lock: server->mutex) */
  bool quit;                        /* (lock: server->mutex) */
  bool done;                        /* (lock: server->mutex) ready to join */
  bool started;                     /* pthread_create succeeded */
};

static size_t
stack_size (void)
{
  static size_t size;

  if (size == 0)
    {
      const char *env = getenv ("INET_STACK_KB");
      long kb = env != NULL ? strtol (env, NULL, 10) : DEFAULT_STACK_KB;

      if (kb < 64)
        kb = 64;
      size = (size_t) kb * 1024;
    }
  return size;
}

void
inet__thread_attr_init (pthread_attr_t *attr)
{
  pthread_attr_init (attr);
  pthread_attr_setstacksize (attr, stack_size ());
}

static void
unlink_idle (InetServer *server, InetWorker *worker)
{
  for (InetWorker **p = &server->idle_workers; *p != NULL; p = &(*p)->next_idle)
    if (*p == worker)
      {
        *p = worker->next_idle;
        server->n_idle_workers--;
        break;
      }
  worker->idle = false;
}

static void *
worker_main (void *data)
{
  InetWorker *worker = data;
  InetServer *server = worker->server;
  UINT thread_priority = INET_PRIORITY_INVALID; /* unknown until a session sets it */
  bool usable = true;

  pthread_setname_np (pthread_self (), "inet-session");
  inet__session_thread_init ();
  pthread_mutex_lock (&server->mutex);
  for (;;)
    {
      InetSession *session;

      while (worker->session == NULL && !worker->quit)
        {
          uint64_t deadline = inet__mono_us () + IDLE_SECONDS * 1000000u;

          inet__cond_wait_until (&worker->cond, &server->mutex, deadline);
          if (worker->session == NULL && inet__mono_us () >= deadline)
            worker->quit = true;
        }
      if (worker->session == NULL)
        break;
      session = worker->session;
      pthread_mutex_unlock (&server->mutex);

      inet__session_run (session, &thread_priority);

      /* The next session starts at the server's priority. Linux does not
       * let an unprivileged thread raise its priority again, so a thread
       * that cannot be restored ends instead of being reused. */
      if (thread_priority != atomic_load (&server->priority))
        {
          DWORD rc = inet__priority_apply (gettid (), atomic_load (&server->priority),
                                           &thread_priority);

          if (rc != 0 && rc != INET_ERROR_PRIORITY_DEGRADED)
            usable = false;
        }

      pthread_mutex_lock (&server->mutex);
      worker->session = NULL;
      if (!usable || worker->quit || server->stop_requested
          || server->n_idle_workers >= MAX_IDLE_WORKERS)
        break;
      worker->idle = true;
      worker->next_idle = server->idle_workers;
      server->idle_workers = worker;
      server->n_idle_workers++;
    }
  if (worker->idle)
    unlink_idle (server, worker);
  worker->done = true;
  pthread_mutex_unlock (&server->mutex);
  inet__server_wake (server); /* so the server thread joins us */
  return NULL;
}

bool
inet__worker_dispatch (InetServer *server, InetSession *session)
{
  InetWorker *worker;
  pthread_attr_t attr;
  int rc;

  pthread_mutex_lock (&server->mutex);
  worker = server->idle_workers;
  if (worker != NULL)
    {
      unlink_idle (server, worker);
      worker->session = session;
      session->worker = worker;
      pthread_cond_signal (&worker->cond);
      pthread_mutex_unlock (&server->mutex);
      return true;
    }
  worker = calloc (1, sizeof *worker);
  worker->server = server;
  worker->session = session;
  session->worker = worker;
  inet__cond_init (&worker->cond);
  worker->next_all = server->all_workers;
  server->all_workers = worker;
  pthread_mutex_unlock (&server->mutex);

  inet__thread_attr_init (&attr);
  rc = pthread_create (&worker->thread, &attr, worker_main, worker);
  pthread_attr_destroy (&attr);
  if (rc == 0)
    {
      worker->started = true;
      return true;
    }

  pthread_mutex_lock (&server->mutex);
  worker->done = true;
  session->worker = NULL;
  pthread_mutex_unlock (&server->mutex);
  inet__worker_reap (server);
  return false;
}

/* Joins and frees a list of workers taken off all_workers (no lock held). */
static void
join_and_free (InetWorker *list)
{
  while (list != NULL)
    {
      InetWorker *worker = list;

      list = worker->next_all;
      if (worker->started)
        pthread_join (worker->thread, NULL);
      pthread_cond_destroy (&worker->cond);
      free (worker);
    }
}

/* Joins (outside the lock) every worker marked done. */
void
inet__worker_reap (InetServer *server)
{
  InetWorker *finished = NULL;

  pthread_mutex_lock (&server->mutex);
  for (InetWorker **p = &server->all_workers; *p != NULL;)
    {
      InetWorker *worker = *p;

      if (worker->done)
        {
          *p = worker->next_all;
          worker->next_all = finished;
          finished = worker;
        }
      else
        p = &worker->next_all;
    }
  pthread_mutex_unlock (&server->mutex);
  join_and_free (finished);
}

void
inet__worker_join_all (InetServer *server)
{
  InetWorker *all;

  pthread_mutex_lock (&server->mutex);
  for (InetWorker *worker = server->all_workers; worker != NULL; worker = worker->next_all)
    {
      worker->quit = true;
      pthread_cond_signal (&worker->cond);
    }
  all = server->all_workers;
  server->all_workers = NULL;
  pthread_mutex_unlock (&server->mutex);
  join_and_free (all);
}
