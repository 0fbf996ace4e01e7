/* inet-lock-private.h - InetServerLock: one process-wide recursive lock.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server-private.h"

/* Waits while another thread holds the lock of `server` (a network call or
 * an event of that server). `session` (nullable) is the session the caller
 * works for: the wait ends with WSA_OPERATION_ABORTED when the session or
 * the server is ending, and with INET_ERROR_DEADLOCK when the owner waits
 * for that session. The server thread (session NULL) also goes on when a
 * command waits for it (a lock owner's own Suspend, Restart or Stop).
 * Returns 0 when the caller may go on. */
DWORD inet__lock_wait (InetServer *server, InetSession *session);
/* Waiters re-check their conditions (a session or server is ending). */
void inet__lock_kick (void);
/* The lock owner is about to wait for `session`'s thread (NULL: done). */
void inet__lock_owner_waits_for (InetSession *session);
/* A server that stops drops its lock. */
void inet__lock_forget_server (InetServer *server);
