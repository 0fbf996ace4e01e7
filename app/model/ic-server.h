/* ic-server.h - one server of the console: a profile, the engine server it
 * runs, its service, its clients, counters, limits, log and history.
 *
 * Engine threads never see this object. The engine callback gets a small
 * private link (the service and a bridge, see ic-bridge.h); it passes every
 * event to the service (ic_service_handle_event) and copies what the model
 * needs into event records; the bridge applies them here, on the context
 * the server was made on, in batches. Counters and rates are sampled from
 * the engine four times a second (not sent per read); the statistics
 * history gets a sample every second.
 *
 * Stop is a hard line: when ic_server_stop returns (or the stop's async
 * callback runs), every session's DISCONNECT has been applied (the client
 * list is empty), the log has the STOP entry, and no callback of that run
 * will ever run again.
 * Main context only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-client.h"
#include "ic-event-log.h"
#include "ic-handshake-failure.h"
#include "ic-model-types.h"
#include "ic-stats-history.h"

#include <gio/gio.h>
#include <ic-profile.h>

G_BEGIN_DECLS

#define IC_TYPE_SERVER (ic_server_get_type ())
G_DECLARE_FINAL_TYPE (IcServer, ic_server, IC, SERVER, GObject)

/* Properties (read-only unless marked; all notify on change):
 *   context       (GMainContext, construct-only) NULL = thread-default at construction
 *   log           (IcEventLog, construct-only)   NULL = a log of its own
 *   profile       (IcProfile boxed, rw)  a copy; see ic_server_set_profile
 *   name          (string)       the profile name
 *   service       (string)       ic_service_kind_to_string of the profile's service
 *   tls           (gboolean)     the profile serves TLS
 *   status        (IcServerStatus)
 *   running       (gboolean)     status is LISTENING or SUSPENDED (or in between)
 *   address       (string)       "127.0.0.1:7000" / "[::]:7000" while running
 *                                (the real port), else the profile's, nullable
 *   port          (guint)        the real port while running, else the profile's
 *   error         (string)       why the last start/restart failed, nullable
 *   warning       (string)       a start warning (expiring certificate), nullable
 *   clients       (GListModel of IcClient) the sessions, in id order
 *   n-clients     (guint)        sessions in the client list (connected)
 *   peak-clients  (guint)
 *   accepted      (guint64)      connections that became sessions (this run)
 *   rejected      (guint64)      refused by a limit
 *   handshake-failures (guint64)
 *   bytes-in, bytes-out (guint64)  all sessions of this run
 *   rate-in, rate-out   (double)   bytes/s over the last second
 *   start-time    (gint64)       microseconds since the epoch, 0 when stopped
 *   max-clients      (guint, rw) 0 = unlimited    } live when running
 *   max-per-address  (guint, rw) 0 = unlimited    } (InetServerThrottle,
 *   accept-interval  (guint, rw) ms, 0 = none     }  InetSetServerBandwidth,
 *   rate-limit       (guint, rw) bytes/s per client } InetSetServerPriority),
 *   priority         (guint, rw) INET_PRIORITY_*  } always stored in the profile
 *   capture-traffic  (gboolean, rw) keep transcripts (default TRUE)
 *   history       (IcStatsHistory) clients and bytes/s, last 10 minutes
 * Setting a limit property that the engine refuses logs a WARNING and keeps
 * the old value; use the functions below for a GError.
 *
 * Signals:
 *   clients-changed (guint added, guint removed)  after a batch was applied
 *                                                 to the client list
 */

IcServer        *ic_server_new          (const IcProfile *profile);
IcServer        *ic_server_new_full     (const IcProfile *profile,
                                         GMainContext    *context,
                                         IcEventLog      *log);

/* Borrowed; valid until the next set_profile. */
const IcProfile *ic_server_get_profile  (IcServer        *self);
IcProfile       *ic_server_dup_profile  (IcServer        *self);
/* Takes a copy. Limits and priority apply at once when running; the rest
 * (address, port, service, TLS, timeout, options) at the next start
 * (InetServerRestart keeps the parameters of the start). */
void             ic_server_set_profile  (IcServer        *self,
                                         const IcProfile *profile);

const char      *ic_server_get_name     (IcServer        *self);
IcServerStatus   ic_server_get_status   (IcServer        *self);
gboolean         ic_server_get_running  (IcServer        *self);
const char      *ic_server_get_address  (IcServer        *self);
guint            ic_server_get_port     (IcServer        *self);
const char      *ic_server_get_error    (IcServer        *self);
GListModel      *ic_server_get_clients  (IcServer        *self);
guint            ic_server_get_n_clients (IcServer       *self);
IcEventLog      *ic_server_get_log      (IcServer        *self);
IcStatsHistory  *ic_server_get_history  (IcServer        *self);
/* The failed TLS handshakes of the current (or last) run, oldest first
 * (GListModel of IcHandshakeFailure); at most
 * IC_SERVER_MAX_HANDSHAKE_FAILURES, emptied when the server starts. */
#define IC_SERVER_MAX_HANDSHAKE_FAILURES 500
GListModel      *ic_server_get_handshake_failures (IcServer  *self);
/* The session with that engine id, NULL if not (or no longer) listed. */
IcClient        *ic_server_lookup_client (IcServer       *self,
                                          guint           id);

/* The engine server handle while running, INVALID_SOCKET otherwise (for
 * tests and diagnostics; the UI never needs it). */
SOCKET           ic_server_get_handle   (IcServer        *self);

/* Validate the profile, make the service, InetServerStart, apply limits.
 * FALSE + error (IC_PROFILE_ERROR, IC_ENGINE_ERROR, the service's,
 * G_FILE_ERROR for a password file) with status FAILED and the error
 * property set. TRUE at once when already running or starting.
 * This reads files (TLS certificate, key, CA and password files, an HTTP
 * body file) in the calling thread: the console uses the async form. */
gboolean ic_server_start        (IcServer   *self,
                                 GError    **error);
/* The same, with the part that reads files and InetServerStart in a worker
 * thread. Status STARTING meanwhile (events of the new server may already
 * arrive: clients appear); limits and priority set meanwhile are applied
 * when the start is. The callback runs on the server's context. A stop
 * meanwhile (sync or async) stops what the start made; the start then
 * finishes with its own error or G_IO_ERROR_CANCELLED. The cancellable
 * only gives up waiting for the result (the server starts anyway). */
void     ic_server_start_async  (IcServer            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean ic_server_start_finish (IcServer      *self,
                                 GAsyncResult  *result,
                                 GError       **error);
/* Blocks until every session ended (see the header comment). No-op when
 * not running. */
void     ic_server_stop         (IcServer   *self);
/* The same, with the engine's blocking part in a worker thread; events keep
 * flowing meanwhile. The callback runs on the server's context once the
 * hard line is reached. */
void     ic_server_stop_async   (IcServer            *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean ic_server_stop_finish  (IcServer      *self,
                                 GAsyncResult  *result,
                                 GError       **error);
gboolean ic_server_suspend      (IcServer   *self,
                                 GError    **error);
gboolean ic_server_resume       (IcServer   *self,
                                 GError    **error);
/* InetServerRestart: every client gets its DISCONNECT, the listener is
 * re-opened. Blocking; if the listener cannot be re-opened the server stops
 * (status FAILED). */
gboolean ic_server_restart      (IcServer   *self,
                                 GError    **error);
void     ic_server_restart_async  (IcServer            *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean ic_server_restart_finish (IcServer      *self,
                                   GAsyncResult  *result,
                                   GError       **error);

/* Live limits (also stored in the profile). (guint) -1 leaves a value. */
gboolean ic_server_throttle     (IcServer   *self,
                                 guint       max_clients,
                                 guint       max_per_address,
                                 guint       accept_interval,
                                 GError    **error);
gboolean ic_server_set_priority (IcServer   *self,
                                 guint       priority,
                                 GError    **error);
/* Per-client bandwidth cap in bytes/s, both directions; 0 = unlimited. */
gboolean ic_server_set_bandwidth (IcServer  *self,
                                  guint      rate_limit,
                                  GError   **error);

/* Sample the engine counters of the server and of every client now (on
 * its own the server samples its counters 4 times a second and each
 * client once a second; tests call it to avoid waiting). */
void     ic_server_sample       (IcServer   *self);

G_END_DECLS
