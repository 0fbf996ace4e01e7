/* inet-priority-private.h - INET_PRIORITY_* on Linux threads.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

#include <stdbool.h>
#include <sys/types.h>

bool inet__priority_valid (UINT priority);
/* Applies a priority to thread tid (any thread may call). Returns 0,
 * INET_ERROR_PRIORITY_DEGRADED (normal was used instead), or a WSA code
 * when nothing could be applied. *effective gets what the thread has. */
DWORD inet__priority_apply (pid_t tid, UINT priority, UINT *effective);
/* BACKGROUND and LOW threads yield after each event. */
bool inet__priority_yields (UINT priority);
