/* inet-worker-private.h - the threads that run client sessions.
 *
 * Each server keeps its own pool: a session is handed to a parked thread
 * when there is one, else a new thread is made. A thread that finishes a
 * session parks for a while and then ends; InetServerStop joins every one,
 * so no thread outlives its server.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server-private.h"

/* Runs the session on a pooled or new thread. Returns false (nothing
 * started) when no thread could be made. Server thread. */
bool inet__worker_dispatch (InetServer *server, InetSession *session);
/* Joins threads that ended on their own. Server thread. */
void inet__worker_reap (InetServer *server);
/* Ends and joins every worker (no session may be running). Server thread. */
void inet__worker_join_all (InetServer *server);
/* Attributes for engine threads (stack size). */
void inet__thread_attr_init (pthread_attr_t *attr);
