/* inet-priority.c - priorities as real per-thread scheduling.
 *
 *   BACKGROUND  SCHED_IDLE (nice 19 shown)      yields after each event
 *   LOW         SCHED_BATCH, nice 10            yields after each event
 *   NORMAL      SCHED_BATCH, nice 0
 *   HIGH        SCHED_OTHER, nice -5            needs CAP_SYS_NICE
 *   CRITICAL    SCHED_OTHER, nice -10           needs CAP_SYS_NICE
 *
 * Up to NORMAL the policy is SCHED_BATCH: the same share of the CPU as
 * SCHED_OTHER at that nice value, but a waking session does not preempt the
 * one running. With hundreds of session threads on a core that halves the
 * wake-up cost (measured with the echo benchmark, see tests/bench/README).
 * HIGH and CRITICAL keep wake-up preemption: responsiveness is what they
 * ask for. Linux lets an unprivileged thread lower its priority but not
 * raise it again; a raise that the kernel refuses falls back to NORMAL.
 * InetSetPriorityOffset moves every nice value up by a process-wide offset,
 * so an embedding GUI's own threads outweigh the sessions it hosts.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-priority-private.h"
#include "inet-error-private.h"

#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct
{
  int policy;
  int nice;
} Mapping;

static Mapping mappings[] = {
  [INET_PRIORITY_BACKGROUND] = { SCHED_IDLE, 19 },
  [INET_PRIORITY_LOW] = { SCHED_BATCH, 10 },
  [INET_PRIORITY_NORMAL] = { SCHED_BATCH, 0 },
  [INET_PRIORITY_HIGH] = { SCHED_OTHER, -5 },
  [INET_PRIORITY_CRITICAL] = { SCHED_OTHER, -10 },
};

static atomic_int nice_offset;

static pthread_once_t policy_once = PTHREAD_ONCE_INIT;

/* INET_SCHED=other keeps SCHED_OTHER for LOW and NORMAL: a knob for the
 * benchmarks, which compare the two policies. */
static void
read_policy (void)
{
  const char *env = getenv ("INET_SCHED");

  if (env != NULL && strcmp (env, "other") == 0)
    {
      mappings[INET_PRIORITY_LOW].policy = SCHED_OTHER;
      mappings[INET_PRIORITY_NORMAL].policy = SCHED_OTHER;
    }
}

bool
inet__priority_valid (UINT priority)
{
  return priority <= INET_PRIORITY_CRITICAL;
}

bool
inet__priority_yields (UINT priority)
{
  return priority <= INET_PRIORITY_LOW;
}

static int
set_mapping (pid_t tid, const Mapping *m)
{
  struct sched_param param = { 0 };
  int nice = m->nice;
  int current_nice;

  if (m->policy != SCHED_IDLE)
    {
      nice += atomic_load (&nice_offset);
      if (nice > 19)
        nice = 19;
    }

  errno = 0;
  current_nice = getpriority (PRIO_PROCESS, (id_t) tid);
  if (current_nice == -1 && errno != 0)
    return errno;
  /* The policy, then the nice value. A refused raise may leave the new
   * policy set; inet__priority_apply then applies NORMAL, which sets both. */
  if (sched_setscheduler (tid, m->policy, &param) != 0)
    return errno;
  if (current_nice != nice && setpriority (PRIO_PROCESS, (id_t) tid, nice) != 0)
    return errno;
  return 0;
}

DWORD
inet__priority_apply (pid_t tid, UINT priority, UINT *effective)
{
  int err;

  if (!inet__priority_valid (priority))
    return WSAEINVAL;
  pthread_once (&policy_once, read_policy);
  err = set_mapping (tid, &mappings[priority]);
  if (err == 0)
    {
      *effective = priority;
      return 0;
    }
  if ((err == EPERM || err == EACCES) && priority > INET_PRIORITY_NORMAL)
    {
      err = set_mapping (tid, &mappings[INET_PRIORITY_NORMAL]);
      if (err == 0)
        {
          *effective = INET_PRIORITY_NORMAL;
          return INET_ERROR_PRIORITY_DEGRADED;
        }
    }
  return (err == EPERM || err == EACCES) ? WSAEACCES : (err == ESRCH ? WSAENOTSOCK : WSAEINVAL);
}

INT WINAPI
InetSetPriorityOffset (INT nOffset)
{
  if (nOffset < 0 || nOffset > 19)
    {
      inet__set_error (WSAEINVAL);
      return INET_ERROR;
    }
  inet__set_error (0);
  return atomic_exchange (&nice_offset, nOffset);
}
