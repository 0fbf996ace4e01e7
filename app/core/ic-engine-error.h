/* ic-engine-error.h - engine failures as GError: the code is the engine's
 * error number (WSAE*, INET_ERROR_*), the message its InetGetErrorString
 * text (with the detail the failure left, e.g. a file name).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <inet-server.h>

G_BEGIN_DECLS

#define IC_ENGINE_ERROR (ic_engine_error_quark ())
GQuark ic_engine_error_quark (void);

/* Call right after the failing engine call, in the same thread: it reads
 * InetGetLastError. prefix (nullable) is put before the engine's text,
 * "prefix: text". */
void   ic_engine_set_error      (GError     **error,
                                 const char  *prefix);
/* The same for a known code (with the thread's detail only if code is the
 * thread's last error). */
void   ic_engine_set_error_code (GError     **error,
                                 DWORD        code,
                                 const char  *prefix);
/* InetGetErrorString (code) as a new string. */
char  *ic_engine_error_string   (DWORD        code);

G_END_DECLS
