/* inet-test-proc.h - what the process holds (descriptors, threads, thread
 * scheduling from /proc) and a bounded way to run a call in a thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <pthread.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* g_test_init plus what every engine test program needs (descriptor limit,
 * SIGPIPE ignored). */
void inet_test_init (int *argc, char ***argv);

guint inet_test_count_fds (void);
guint inet_test_count_threads (void);
/* Waits until the counts are at most the given values (threads joined by
 * pthread_join can linger in /proc for a moment); returns the last counts. */
void inet_test_wait_counts (guint fds, guint threads, guint timeout_ms, guint *fds_out,
                            guint *threads_out);

/* nice (field 19) and policy (field 41) of /proc/self/task/TID/stat. */
gboolean inet_test_thread_sched (pid_t tid, int *nice_value, int *policy);

/* A condition variable on the monotonic clock (g_get_monotonic_time), for
 * pthread_cond_timedwait with deadlines from it. */
void inet_test_cond_init (pthread_cond_t *cond);
/* One wait on it (mutex held) until deadline (monotonic us); FALSE when
 * the deadline had passed. */
gboolean inet_test_cond_wait_until (pthread_cond_t *cond, pthread_mutex_t *mutex,
                                    gint64 deadline);

/* Runs func (data) in a new thread. */
typedef struct
{
  pthread_t thread;
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  gboolean done;
  gpointer (*func) (gpointer data);
  gpointer data;
  gpointer result;
} InetTestThread;

InetTestThread *inet_test_thread_start (gpointer (*func) (gpointer data), gpointer data);
/* TRUE when the function returned within timeout_ms. */
gboolean inet_test_thread_wait (InetTestThread *thread, guint timeout_ms);
/* Joins (the function must have returned or be about to) and frees;
 * returns the function's result. */
gpointer inet_test_thread_join (InetTestThread *thread);

/* Milliseconds since a monotonic start (g_get_monotonic_time). */
static inline gint64
inet_test_ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000;
}

/* Sleeps ms milliseconds. */
void inet_test_sleep_ms (guint ms);

G_END_DECLS
