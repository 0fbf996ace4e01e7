/* ic-client.h - one client session of a server, as a row of the server's
 * client list.
 *
 * Made by the server model when the engine's CONNECT arrives through the
 * bridge; it leaves the list when the DISCONNECT arrives (state CLOSED; the
 * object stays valid for whoever still holds it). Counters, rates, idle
 * time, priority and the paused flag are refreshed by the server's sampler
 * a few times a second, with notify only for values that changed.
 * Main context only. Actions on a session that has already ended fail
 * cleanly (the engine handle is generation-tagged).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-model-types.h"
#include "ic-stats-history.h"
#include "ic-transcript.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define IC_TYPE_CLIENT (ic_client_get_type ())
G_DECLARE_FINAL_TYPE (IcClient, ic_client, IC, CLIENT, GObject)

/* Properties (read-only unless marked rw; all notify on change):
 *   server        (IcServer)     the server it belongs to (weak: NULL once
 *                                the server is finalized)
 *   id            (guint)        engine client id, unique per server
 *   address       (string)       peer address, numeric ("::1", "127.0.0.1")
 *   port          (guint)        peer port
 *   peer          (string)       "127.0.0.1:5000" / "[::1]:5000"
 *   family        (gint)         AF_INET or AF_INET6 (v4-mapped = AF_INET)
 *   state         (IcClientState)
 *   connect-time  (gint64)       microseconds since the epoch
 *   age           (gint64)       whole seconds since connect (ticks once a second)
 *   idle          (gint64)       whole seconds since the last byte in or out
 *   bytes-in      (guint64)      application bytes from the client
 *   bytes-out     (guint64)      application bytes to the client
 *   rate-in       (double)       bytes/s over the last second
 *   rate-out      (double)
 *   priority      (guint, rw)    INET_PRIORITY_*; setting it calls
 *                                InetSetClientPriority; the value read back is
 *                                the effective one (normal when a raise was
 *                                not allowed; a WARNING goes to the log)
 *   paused        (gboolean, rw) reading paused (InetSuspendClient/ResumeClient);
 *                                also TRUE while the whole server pauses I/O
 *   close-reason  (guint)        INET_CLOSE_* once CLOSED
 *   secure        (gboolean)     a TLS session
 *   tls-version   (string)       "TLSv1.3", nullable
 *   tls-cipher    (string)       nullable
 *   tls-group     (string)       key exchange group, nullable
 *   tls-sni       (string)       server name the client asked for, nullable
 *   tls-alpn      (string)       nullable
 *   tls-resumed   (gboolean)
 *   tls-handshake-time (guint)   microseconds
 *   tls-peer-subject (string)    client certificate subject, nullable
 *   tls-peer-issuer  (string)    nullable
 *   transcript    (IcTranscript) the session's traffic (never NULL)
 *   history       (IcStatsHistory) bytes/s per second, last 5 minutes
 */

IcServer       *ic_client_get_server       (IcClient *self);
guint           ic_client_get_id           (IcClient *self);
const char     *ic_client_get_address      (IcClient *self);
guint           ic_client_get_port         (IcClient *self);
const char     *ic_client_get_peer         (IcClient *self);
int             ic_client_get_family       (IcClient *self);
IcClientState   ic_client_get_state        (IcClient *self);
gint64          ic_client_get_connect_time (IcClient *self);
gint64          ic_client_get_idle         (IcClient *self);
guint64         ic_client_get_bytes_in     (IcClient *self);
guint64         ic_client_get_bytes_out    (IcClient *self);
double          ic_client_get_rate_in      (IcClient *self);
double          ic_client_get_rate_out     (IcClient *self);
guint           ic_client_get_priority     (IcClient *self);
gboolean        ic_client_get_paused       (IcClient *self);
gboolean        ic_client_get_secure       (IcClient *self);
guint           ic_client_get_close_reason (IcClient *self);
IcTranscript   *ic_client_get_transcript   (IcClient *self);
IcStatsHistory *ic_client_get_history      (IcClient *self);

/* InetSetClientPriority. FALSE + error when the session is gone or the
 * value is invalid; a degraded raise succeeds (see the property). */
gboolean ic_client_set_priority (IcClient  *self,
                                 guint      priority,
                                 GError   **error);
/* InetSuspendClient (TRUE) / InetResumeClient (FALSE). */
gboolean ic_client_set_paused   (IcClient  *self,
                                 gboolean   paused,
                                 GError   **error);

/* Close the session: gracefully (InetDisconnect, honouring the server's
 * linger) or with a reset (InetDisconnectEx ABORT). Returns at once; the
 * row leaves when the DISCONNECT arrives (state CLOSING until then). A
 * linger that would block runs in a worker thread. */
void     ic_client_disconnect   (IcClient  *self);
void     ic_client_abort        (IcClient  *self);

/* Send bytes to the client through the server's service (ic_service_send,
 * so the transcript shows them). Runs in a worker thread: a blocking write
 * never stalls the main loop. The finish returns the bytes written, -1 on
 * error. */
void     ic_client_send_async   (IcClient            *self,
                                 GBytes              *data,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
/* text is sent as UTF-8, or parsed with ic_hex_parse when is_hex (a parse
 * error is reported by the finish). */
void     ic_client_send_text_async (IcClient            *self,
                                    const char          *text,
                                    gboolean             is_hex,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gssize   ic_client_send_finish  (IcClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error);

G_END_DECLS
