/* inet-clock-private.h - the two clocks the engine reads.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <time.h>

/* Monotonic microseconds: deadlines, idle times, rate limits. */
static inline uint64_t
inet__mono_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* Wall-clock microseconds since the epoch, coarse (a few ms): counters
 * shown to people, read on every I/O so it must be cheap. */
static inline uint64_t
inet__real_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME_COARSE, &ts);
  return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* Milliseconds from now until deadline (monotonic us) for poll(): -1 when
 * there is no deadline, 0 when it passed. */
static inline int
inet__poll_timeout (uint64_t deadline_us)
{
  uint64_t now;

  if (deadline_us == 0)
    return -1;
  now = inet__mono_us ();
  if (now >= deadline_us)
    return 0;
  return (int) ((deadline_us - now + 999) / 1000);
}

#include <pthread.h>

/* Condition variables the engine times out on use the monotonic clock. */
static inline void
inet__cond_init (pthread_cond_t *cond)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (cond, &attr);
  pthread_condattr_destroy (&attr);
}

/* Waits on cond until deadline_us (monotonic; 0 = no deadline). */
static inline void
inet__cond_wait_until (pthread_cond_t *cond, pthread_mutex_t *mutex, uint64_t deadline_us)
{
  struct timespec ts;

  if (deadline_us == 0)
    {
      pthread_cond_wait (cond, mutex);
      return;
    }
  ts.tv_sec = (time_t) (deadline_us / 1000000u);
  ts.tv_nsec = (long) (deadline_us % 1000000u) * 1000;
  pthread_cond_timedwait (cond, mutex, &ts);
}
