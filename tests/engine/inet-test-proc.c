/* inet-test-proc.c - descriptors, threads and scheduling from /proc.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-proc.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void *
nothing (void *data)
{
  return data;
}

void
inet_test_init (int *argc, char ***argv)
{
  struct rlimit limit;
  pthread_t thread;

  g_test_init (argc, argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  /* hundreds of clients: two descriptors each plus the engine's eventfds */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max > 65536 ? 65536 : limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  /* ThreadSanitizer starts a helper thread at the first pthread_create:
   * let it exist before any test counts the process's threads */
  if (pthread_create (&thread, NULL, nothing, NULL) == 0)
    pthread_join (thread, NULL);
  g_usleep (10000);
}

static guint
count_entries (const char *path)
{
  DIR *dir = opendir (path);
  struct dirent *entry;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((entry = readdir (dir)) != NULL)
    if (entry->d_name[0] != '.')
      n++;
  closedir (dir);
  return n;
}

guint
inet_test_count_fds (void)
{
  return count_entries ("/proc/self/fd") - 1; /* the directory's own */
}

guint
inet_test_count_threads (void)
{
  return count_entries ("/proc/self/task");
}

void
inet_test_sleep_ms (guint ms)
{
  g_usleep ((gulong) ms * 1000);
}

void
inet_test_wait_counts (guint fds, guint threads, guint timeout_ms, guint *fds_out,
                       guint *threads_out)
{
  gint64 start = g_get_monotonic_time ();

  for (;;)
    {
      *fds_out = inet_test_count_fds ();
      *threads_out = inet_test_count_threads ();
      if ((*fds_out <= fds && *threads_out <= threads) || inet_test_ms_since (start) > timeout_ms)
        return;
      inet_test_sleep_ms (10);
    }
}

gboolean
inet_test_thread_sched (pid_t tid, int *nice_value, int *policy)
{
  char path[64];
  char *contents = NULL;
  char **fields;
  char *after;
  gboolean ok = FALSE;

  snprintf (path, sizeof path, "/proc/self/task/%d/stat", (int) tid);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  /* field 2 (comm) is in parentheses and may hold spaces: start after it */
  after = strrchr (contents, ')');
  if (after != NULL)
    {
      fields = g_strsplit (after + 2, " ", -1);
      /* fields[0] is field 3 (state) */
      if (g_strv_length (fields) >= 39)
        {
          *nice_value = atoi (fields[19 - 3]);
          *policy = atoi (fields[41 - 3]);
          ok = TRUE;
        }
      g_strfreev (fields);
    }
  g_free (contents);
  return ok;
}

/* ---------------------------------------------------------------- threads */

void
inet_test_cond_init (pthread_cond_t *cond)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (cond, &attr);
  pthread_condattr_destroy (&attr);
}

gboolean
inet_test_cond_wait_until (pthread_cond_t *cond, pthread_mutex_t *mutex, gint64 deadline)
{
  struct timespec ts;

  if (g_get_monotonic_time () >= deadline)
    return FALSE;
  ts.tv_sec = deadline / G_USEC_PER_SEC;
  ts.tv_nsec = (deadline % G_USEC_PER_SEC) * 1000;
  pthread_cond_timedwait (cond, mutex, &ts);
  return TRUE;
}

static gpointer
thread_main (gpointer data)
{
  InetTestThread *thread = data;
  gpointer result = thread->func (thread->data);

  pthread_mutex_lock (&thread->mutex);
  thread->result = result;
  thread->done = TRUE;
  pthread_cond_broadcast (&thread->cond);
  pthread_mutex_unlock (&thread->mutex);
  return NULL;
}

InetTestThread *
inet_test_thread_start (gpointer (*func) (gpointer data), gpointer data)
{
  InetTestThread *thread = g_new0 (InetTestThread, 1);

  pthread_mutex_init (&thread->mutex, NULL);
  inet_test_cond_init (&thread->cond);
  thread->func = func;
  thread->data = data;
  g_assert_cmpint (pthread_create (&thread->thread, NULL, thread_main, thread), ==, 0);
  return thread;
}

gboolean
inet_test_thread_wait (InetTestThread *thread, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean done;

  pthread_mutex_lock (&thread->mutex);
  while (!thread->done)
    if (!inet_test_cond_wait_until (&thread->cond, &thread->mutex, deadline))
      break;
  done = thread->done;
  pthread_mutex_unlock (&thread->mutex);
  return done;
}

gpointer
inet_test_thread_join (InetTestThread *thread)
{
  gpointer result;

  pthread_join (thread->thread, NULL);
  result = thread->result;
  pthread_mutex_destroy (&thread->mutex);
  pthread_cond_destroy (&thread->cond);
  g_free (thread);
  return result;
}
