/* inet-error-private.h - per-thread last error and its detail text.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

/* Sets this thread's last error and clears the detail. */
void inet__set_error (DWORD code);
/* Sets the last error with a detail (printf format), e.g. the file name. */
void inet__set_error_detail (DWORD code, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
/* The detail of this thread's last error ("" if none). */
const char *inet__error_detail (void);
/* Maps an errno value to a Winsock-numbered code. */
DWORD inet__wsa_from_errno (int err);

/* Text of the current event for InetGetEventDetail (per thread, NULL outside). */
void inet__set_event_detail (const char *detail);
