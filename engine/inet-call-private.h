/* inet-call-private.h - what every I/O call on a client handle does first
 * and last, and how it waits.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-session-private.h"

typedef struct
{
  InetSession *session;
  bool own_thread;                  /* called from the session's own thread */
} InetCall;

/* Looks the handle up, waits out an InetServerLock held by another thread
 * and refuses closed handles (WSAENOTSOCK) and sessions still in their TLS
 * handshake (WSAENOTCONN). On FALSE the last error is set. */
bool inet__call_begin (SOCKET handle, InetCall *call);
void inet__call_end (InetCall *call);
/* Waits until fd is ready for events (0 = none: just sleep), deadline_us
 * passes (monotonic, 0 = none), the call is cancelled or the session ends.
 * Returns 0 when ready, else WSAETIMEDOUT, WSAEINTR (cancelled) or
 * WSA_OPERATION_ABORTED. */
DWORD inet__call_wait (InetCall *call, short events, uint64_t deadline_us);
/* The deadline for a blocking call from now (0 = none). */
uint64_t inet__call_deadline (InetCall *call);
