/* inet-test-fixture.h - the fixture of most engine tests: a recorder, the
 * server it records, and the descriptors and threads the process had
 * before, which must all be back after the server stopped.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "inet-test-client.h"
#include "inet-test-proc.h"
#include "inet-test-recorder.h"

G_BEGIN_DECLS

typedef struct
{
  InetTestRecorder *rec;
  SOCKET server;        /* set by the test (inet_test_fixture_start) */
  guint fds_before;
  guint threads_before;
} InetTestFixture;

void inet_test_fixture_setup (InetTestFixture *f, gconstpointer data);
/* Stops the server if it still runs (or waits for an asynchronous stop to
 * end), asserts the recorder is clean and that no descriptor or thread is
 * left behind. */
void inet_test_fixture_teardown (InetTestFixture *f, gconstpointer data);
/* inet_test_recorder_start, remembering the handle. */
SOCKET inet_test_fixture_start (InetTestFixture *f, const char *host, UINT max_clients,
                                UINT timeout, DWORD options);
/* Waits until the handle is stale (an asynchronous stop finished). */
gboolean inet_test_wait_stale (SOCKET server, guint timeout_ms);

#define INET_TEST_ADD(path, func) \
  g_test_add (path, InetTestFixture, NULL, inet_test_fixture_setup, func, \
              inet_test_fixture_teardown)
#define INET_TEST_ADD_DATA(path, data, func) \
  g_test_add (path, InetTestFixture, data, inet_test_fixture_setup, func, \
              inet_test_fixture_teardown)

G_END_DECLS
