/* test-engine-priority.c - priorities as real per-thread scheduling, read
 * back from /proc/self/task/TID/stat (nice: field 19, policy: field 41):
 * BACKGROUND = SCHED_IDLE, LOW = nice 10, NORMAL = nice 0 (SCHED_BATCH),
 * HIGH = nice -5, CRITICAL = nice -10. Without CAP_SYS_NICE a raise above
 * normal degrades to normal with INET_ERROR_PRIORITY_DEGRADED and never
 * fails the session; that runs in a subprocess that drops the capability.
 * InetSetPriorityOffset moves the nice values up (in a subprocess too).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

static gboolean
have_cap_sys_nice (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[2] = { 0 };

  if (syscall (SYS_capget, &header, caps) != 0)
    return FALSE;
  return (caps[CAP_TO_INDEX (CAP_SYS_NICE)].effective & CAP_TO_MASK (CAP_SYS_NICE)) != 0;
}

/* Drops CAP_SYS_NICE from this thread (threads made later inherit that)
 * and the nice rlimit, so raising a priority needs what we no longer have. */
static gboolean
drop_cap_sys_nice (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct caps[2] = { 0 };
  struct rlimit none = { 0, 0 };
  int index = CAP_TO_INDEX (CAP_SYS_NICE);
  __u32 mask = CAP_TO_MASK (CAP_SYS_NICE);

  if (syscall (SYS_capget, &header, caps) != 0)
    return FALSE;
  caps[index].effective &= ~mask;
  caps[index].permitted &= ~mask;
  caps[index].inheritable &= ~mask;
  if (syscall (SYS_capset, &header, caps) != 0)
    return FALSE;
  setrlimit (RLIMIT_NICE, &none);
  return !have_cap_sys_nice ();
}

/* Asserts the scheduling of a thread for a priority. */
static void
assert_sched (pid_t tid, UINT priority)
{
  int nice_value = 99, policy = -1;

  g_assert_true (inet_test_thread_sched (tid, &nice_value, &policy));
  g_test_message ("thread %d: nice %d policy %d (priority %u)", tid, nice_value, policy,
                  priority);
  switch (priority)
    {
    case INET_PRIORITY_BACKGROUND:
      g_assert_cmpint (policy, ==, SCHED_IDLE);
      break;
    case INET_PRIORITY_LOW:
      g_assert_cmpint (nice_value, ==, 10);
      g_assert_true (policy == SCHED_OTHER || policy == SCHED_BATCH);
      break;
    case INET_PRIORITY_NORMAL:
      g_assert_cmpint (nice_value, ==, 0);
      g_assert_cmpint (policy, ==, SCHED_BATCH);
      break;
    case INET_PRIORITY_HIGH:
      g_assert_cmpint (nice_value, ==, -5);
      g_assert_true (policy == SCHED_OTHER || policy == SCHED_BATCH);
      break;
    case INET_PRIORITY_CRITICAL:
      g_assert_cmpint (nice_value, ==, -10);
      g_assert_true (policy == SCHED_OTHER || policy == SCHED_BATCH);
      break;
    default:
      g_assert_not_reached ();
    }
}

static pid_t
client_tid (SOCKET client)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };

  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwThreadId, !=, 0);
  return (pid_t) stats.dwThreadId;
}

static UINT
client_priority (SOCKET client)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };

  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpint (InetGetClientPriority (client), ==, (INT) stats.nPriority);
  return stats.nPriority;
}

/* Lowering works for anyone: LOW, BACKGROUND, back and forth where the
 * kernel lets us. */
static void
test_lower (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, a, b;
  int fa, fb;

  f->rec->handler = inet_test_echo_handler;
  f->server = server = inet_test_recorder_start (f->rec, "127.0.0.1", 0, 0,
                                                 INET_PRIORITY_LOW, INET_OPTION_NONE);
  g_assert_cmpint (InetGetServerPriority (server), ==, INET_PRIORITY_LOW);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_LOW);

  /* clients start at the server's priority */
  fa = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  a = inet_test_recorder_client (f->rec, 0);
  g_assert_cmpuint (client_priority (a), ==, INET_PRIORITY_LOW);
  assert_sched (client_tid (a), INET_PRIORITY_LOW);

  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_BACKGROUND), ==, INET_PRIORITY_LOW);
  g_assert_cmpuint (client_priority (a), ==, INET_PRIORITY_BACKGROUND);
  assert_sched (client_tid (a), INET_PRIORITY_BACKGROUND);
  inet_test_assert_echo (fa, "in the background");

  g_assert_cmpint (InetSetClientPriority (a, 9), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  g_assert_cmpint (InetSetServerPriority (server, 9), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  g_assert_cmpint (InetGetServerPriority (server), ==, INET_PRIORITY_LOW);
  g_assert_cmpuint (InetServerStart ("127.0.0.1", 0, 0, 0, 0, 9, 0, inet_test_recorder_proc,
                                     (DWORD_PTR) f->rec, NULL),
                    ==, INVALID_SOCKET);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);

  /* the server's priority: its thread and clients accepted later */
  g_assert_cmpint (InetSetServerPriority (server, INET_PRIORITY_BACKGROUND), ==,
                   INET_PRIORITY_LOW);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_BACKGROUND);
  g_assert_cmpuint (client_priority (a), ==, INET_PRIORITY_BACKGROUND);
  fb = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  b = inet_test_recorder_client (f->rec, 1);
  g_assert_cmpuint (client_priority (b), ==, INET_PRIORITY_BACKGROUND);
  assert_sched (client_tid (b), INET_PRIORITY_BACKGROUND);
  inet_test_assert_echo (fb, "b");
  close (fa);
  close (fb);
  inet_test_recorder_stop (f->rec);
}

/* With CAP_SYS_NICE: every level, up and down, and a reused session
 * thread starts at the server's priority again. */
static void
test_all_levels (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, a, b;
  pid_t tid;
  int fa, fb;

  if (!have_cap_sys_nice ())
    {
      g_test_skip ("needs CAP_SYS_NICE (run as root) to raise priorities");
      return;
    }
  f->rec->handler = inet_test_echo_handler;
  f->server = server = inet_test_recorder_start (f->rec, "127.0.0.1", 0, 0,
                                                 INET_PRIORITY_HIGH, INET_OPTION_NONE);
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_HIGH);
  fa = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  a = inet_test_recorder_client (f->rec, 0);
  tid = client_tid (a);
  assert_sched (tid, INET_PRIORITY_HIGH);

  for (UINT p = INET_PRIORITY_BACKGROUND; p <= INET_PRIORITY_CRITICAL; p++)
    {
      UINT previous = client_priority (a);

      g_assert_cmpint (InetSetClientPriority (a, p), ==, (INT) previous);
      g_assert_cmpuint (InetGetLastError (), ==, 0);
      g_assert_cmpuint (client_priority (a), ==, p);
      assert_sched (tid, p);
      inet_test_assert_echo (fa, "level");
    }
  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_NORMAL), ==, INET_PRIORITY_CRITICAL);
  assert_sched (tid, INET_PRIORITY_NORMAL);
  g_assert_cmpint (InetSetServerPriority (server, INET_PRIORITY_CRITICAL), ==, INET_PRIORITY_HIGH);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_CRITICAL);
  g_assert_cmpint (InetSetServerPriority (server, INET_PRIORITY_NORMAL), ==,
                   INET_PRIORITY_CRITICAL);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_NORMAL);

  /* a's thread at CRITICAL ends its session; the next session (maybe on
   * the same parked thread) starts at the server's NORMAL */
  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_CRITICAL), ==, INET_PRIORITY_NORMAL);
  close (fa);
  g_assert_true (inet_test_recorder_wait_full (f->rec, a, INET_EVENT_DISCONNECT, 1, TRUE, WAIT));
  g_usleep (50000);
  fb = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  b = inet_test_recorder_client (f->rec, 1);
  g_test_message ("first session thread %d, second %d", tid, client_tid (b));
  g_assert_cmpuint (client_priority (b), ==, INET_PRIORITY_NORMAL);
  assert_sched (client_tid (b), INET_PRIORITY_NORMAL);
  inet_test_assert_echo (fb, "fresh");
  close (fb);
  inet_test_recorder_stop (f->rec);
}

/* Without CAP_SYS_NICE: raises degrade to NORMAL and say so; sessions go
 * on; a thread left at LOW is not handed to the next session. */
static void
degraded_body (InetTestFixture *f)
{
  SOCKET server, a, b;
  pid_t tid;
  int fa, fb;

  f->rec->handler = inet_test_echo_handler;
  f->server = server = inet_test_recorder_start (f->rec, "127.0.0.1", 0, 0,
                                                 INET_PRIORITY_NORMAL, INET_OPTION_NONE);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_NORMAL);

  g_assert_cmpint (InetSetServerPriority (server, INET_PRIORITY_HIGH), ==, INET_PRIORITY_NORMAL);
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_PRIORITY_DEGRADED);
  assert_sched ((pid_t) InetGetServerThreadId (server), INET_PRIORITY_NORMAL);

  /* a client accepted now still connects and is served, at NORMAL */
  fa = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  a = inet_test_recorder_client (f->rec, 0);
  tid = client_tid (a);
  assert_sched (tid, INET_PRIORITY_NORMAL);
  inet_test_assert_echo (fa, "served");

  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_CRITICAL), !=, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_PRIORITY_DEGRADED);
  g_assert_cmpuint (client_priority (a), ==, INET_PRIORITY_NORMAL);
  assert_sched (tid, INET_PRIORITY_NORMAL);
  inet_test_assert_echo (fa, "still served");

  /* lowering is allowed; the thread cannot come back up by itself... */
  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_LOW), ==, INET_PRIORITY_NORMAL);
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  assert_sched (tid, INET_PRIORITY_LOW);
  close (fa);
  g_assert_true (inet_test_recorder_wait_full (f->rec, a, INET_EVENT_DISCONNECT, 1, TRUE, WAIT));
  g_usleep (50000);
  /* ...so the next session must not run on it at LOW */
  g_assert_cmpint (InetSetServerPriority (server, INET_PRIORITY_NORMAL), !=, INET_ERROR);
  fb = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  b = inet_test_recorder_client (f->rec, 1);
  g_assert_cmpuint (client_priority (b), ==, INET_PRIORITY_NORMAL);
  assert_sched (client_tid (b), INET_PRIORITY_NORMAL);
  inet_test_assert_echo (fb, "fresh");
  close (fb);
  inet_test_recorder_stop (f->rec);
}

static void
test_degraded (InetTestFixture *f, gconstpointer data)
{
  if (!have_cap_sys_nice ())
    {
      /* already unprivileged */
      degraded_body (f);
      return;
    }
  if (g_test_subprocess ())
    {
      if (!drop_cap_sys_nice ())
        {
          printf ("CANNOT-DROP\n");
          return;
        }
      degraded_body (f);
      printf ("DEGRADED-CHECKED\n");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  /* the subprocess said what it did on stdout */
  if (g_test_trap_has_passed () && !g_test_trap_reached_timeout ())
    g_test_trap_assert_stdout ("*DEGRADED-CHECKED*");
}

static void
assert_nice (pid_t tid, int expected_nice, int expected_policy)
{
  int nice_value = 99, policy = -1;

  g_assert_true (inet_test_thread_sched (tid, &nice_value, &policy));
  g_assert_cmpint (nice_value, ==, expected_nice);
  g_assert_cmpint (policy, ==, expected_policy);
}

/* InetSetPriorityOffset: every nice value moves up by the offset for
 * priorities applied later (clamped at 19); BACKGROUND stays SCHED_IDLE.
 * In a subprocess: the offset is process-wide and pooled threads keep it. */
static void
test_offset (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, a;
  pid_t tid;
  int fa;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  g_assert_cmpint (InetSetPriorityOffset (20), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  g_assert_cmpint (InetSetPriorityOffset (-1), ==, INET_ERROR);
  g_assert_cmpint (InetSetPriorityOffset (5), ==, 0);
  g_assert_cmpuint (InetGetLastError (), ==, 0);

  f->rec->handler = inet_test_echo_handler;
  f->server = server = inet_test_recorder_start (f->rec, "127.0.0.1", 0, 0,
                                                 INET_PRIORITY_NORMAL, INET_OPTION_NONE);
  assert_nice ((pid_t) InetGetServerThreadId (server), 5, SCHED_BATCH);
  fa = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  a = inet_test_recorder_client (f->rec, 0);
  tid = client_tid (a);
  assert_nice (tid, 5, SCHED_BATCH);
  /* the priority the API reports is still NORMAL */
  g_assert_cmpuint (client_priority (a), ==, INET_PRIORITY_NORMAL);
  inet_test_assert_echo (fa, "offset");

  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_LOW), ==, INET_PRIORITY_NORMAL);
  assert_nice (tid, 15, SCHED_BATCH);
  g_assert_cmpint (InetSetPriorityOffset (12), ==, 5);
  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_LOW), ==, INET_PRIORITY_LOW);
  assert_nice (tid, 19, SCHED_BATCH);
  g_assert_cmpint (InetSetClientPriority (a, INET_PRIORITY_BACKGROUND), ==, INET_PRIORITY_LOW);
  assert_sched (tid, INET_PRIORITY_BACKGROUND);
  inet_test_assert_echo (fa, "still served");
  close (fa);
  inet_test_recorder_stop (f->rec);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/priority/lower", test_lower);
  INET_TEST_ADD ("/engine/priority/all-levels", test_all_levels);
  INET_TEST_ADD ("/engine/priority/degraded", test_degraded);
  INET_TEST_ADD ("/engine/priority/offset", test_offset);
  return g_test_run ();
}
