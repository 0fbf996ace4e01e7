/* ic-handshake-failure.h - a client whose TLS handshake failed: one row of
 * a server's "failed handshakes" list, with the reason in plain words.
 * Immutable after creation. Main context only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-event.h"

G_BEGIN_DECLS

#define IC_TYPE_HANDSHAKE_FAILURE (ic_handshake_failure_get_type ())
G_DECLARE_FINAL_TYPE (IcHandshakeFailure, ic_handshake_failure, IC, HANDSHAKE_FAILURE, GObject)

/* Properties (read-only, construct-only):
 *   time         (gint64)  microseconds since the epoch
 *   time-text    (string)  local "HH:MM:SS"
 *   client-id    (guint)   the engine's id of the failed session
 *   peer         (string)  "127.0.0.1:5000", nullable
 *   code         (guint)   INET_ERROR_TLS_*
 *   reason       (string)  a short translated label: "Plain text on a TLS port"
 *   explanation  (string)  what it means and what to do, translated
 *   detail       (string)  the engine's own text (what was received...), nullable
 */

/* Whether code is a handshake failure (INET_ERROR_TLS_HANDSHAKE ..
 * INET_ERROR_TLS_GARBAGE). */
gboolean            ic_handshake_failure_is_handshake_code (guint code);
/* The translated label and explanation of a handshake failure code. */
const char         *ic_handshake_failure_code_reason      (guint code);
const char         *ic_handshake_failure_code_explanation (guint code);

/* From an IC_EVENT_ERROR on a client handle. */
IcHandshakeFailure *ic_handshake_failure_new_from_event (const IcEvent *event);

gint64      ic_handshake_failure_get_time        (IcHandshakeFailure *self);
guint       ic_handshake_failure_get_client_id   (IcHandshakeFailure *self);
const char *ic_handshake_failure_get_peer        (IcHandshakeFailure *self);
guint       ic_handshake_failure_get_code        (IcHandshakeFailure *self);
const char *ic_handshake_failure_get_reason      (IcHandshakeFailure *self);
const char *ic_handshake_failure_get_explanation (IcHandshakeFailure *self);
const char *ic_handshake_failure_get_detail      (IcHandshakeFailure *self);

G_END_DECLS
