/* ic-model-types.h - forward typedefs and the enums of the app models.
 *
 * Threading for everything in app/model: every GObject here belongs to the
 * GMainContext it was created on (the console's main context, or a test's
 * private one) and is used from that context's thread only, unless a
 * function says "any thread". Engine threads never touch these objects:
 * they talk to the bridge (ic-bridge.h), which carries copied event records
 * to the main context.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _IcBridge       IcBridge;
typedef struct _IcClient       IcClient;
typedef struct _IcEventLog     IcEventLog;
typedef struct _IcLogEntry     IcLogEntry;
typedef struct _IcServer       IcServer;
typedef struct _IcServerList   IcServerList;
typedef struct _IcStatsHistory IcStatsHistory;
typedef struct _IcTranscript   IcTranscript;
typedef struct _IcTrafficRing  IcTrafficRing;  /* private: a client's captured traffic */

/* What happened. The engine's events (INET_EVENT_*) map one to one where
 * they exist; INFO and WARNING are the app's own notes (an action the user
 * took, a priority that was degraded, events dropped under load). READ and
 * WRITE are never carried: traffic shows up in counters and transcripts. */
typedef enum
{
  IC_EVENT_START,       /* the listener is up; detail = address */
  IC_EVENT_STOP,        /* the server stopped (last event of a run) */
  IC_EVENT_CONNECT,     /* a session began (after TLS) */
  IC_EVENT_DISCONNECT,  /* a session ended; error = INET_CLOSE_* reason */
  IC_EVENT_TIMEOUT,     /* no data from a client for the server timeout */
  IC_EVENT_REJECT,      /* refused by a limit; error = INET_REJECT_* */
  IC_EVENT_ERROR,       /* error = engine code (a failed TLS handshake, ...) */
  IC_EVENT_IDLE,        /* the active client count fell to 0 */
  IC_EVENT_SUSPEND,
  IC_EVENT_RESUME,
  IC_EVENT_RESTART,     /* error != 0: re-opening the listener failed */
  IC_EVENT_INFO,        /* a note from the app (an action, a setting) */
  IC_EVENT_WARNING,     /* a problem the app noticed (degraded priority, drops) */
  IC_EVENT_N_KINDS
} IcEventKind;

/* Filter masks for IcEventLog: IC_EVENT_MASK (IC_EVENT_CONNECT) | ... */
#define IC_EVENT_MASK(kind) (1u << (kind))
#define IC_EVENT_MASK_ALL   ((1u << IC_EVENT_N_KINDS) - 1)

#define IC_TYPE_EVENT_KIND (ic_event_kind_get_type ())
GType ic_event_kind_get_type (void) G_GNUC_CONST;

/* "connect", "disconnect", ...: the event names of inet-serve --events. */
const char *ic_event_kind_to_string (IcEventKind kind);

/* The life of a server model (a superset of INET_SERVER_*). */
typedef enum
{
  IC_SERVER_STOPPED,
  IC_SERVER_STARTING,
  IC_SERVER_LISTENING,
  IC_SERVER_SUSPENDED,
  IC_SERVER_STOPPING,
  IC_SERVER_RESTARTING,
  IC_SERVER_FAILED,     /* a start or restart failed; IcServer:error says why */
} IcServerStatus;

#define IC_TYPE_SERVER_STATUS (ic_server_status_get_type ())
GType ic_server_status_get_type (void) G_GNUC_CONST;

/* The life of a client session model. */
typedef enum
{
  IC_CLIENT_CONNECTED,  /* the session is up */
  IC_CLIENT_CLOSING,    /* a disconnect was requested; DISCONNECT not seen yet */
  IC_CLIENT_CLOSED,     /* DISCONNECT seen; the row has left the server's list */
} IcClientState;

#define IC_TYPE_CLIENT_STATE (ic_client_state_get_type ())
GType ic_client_state_get_type (void) G_GNUC_CONST;

G_END_DECLS
