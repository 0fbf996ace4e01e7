/* ic-event.h - the small copied record an engine callback turns into.
 *
 * Made in an engine thread (any thread), moved through the bridge, read and
 * freed on the main context. Everything in it is a copy: no pointer into
 * the engine, no GObject. A client is named by its id (unique per server,
 * never reused) and its handle (generation-tagged: a stale one fails
 * cleanly with WSAENOTSOCK).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-model-types.h"

#include <inet-server.h>

G_BEGIN_DECLS


typedef struct
{
  IcEventKind kind;
  gint64 time;               /* g_get_real_time () when the engine raised it */
  SOCKET socket;             /* the client handle, or the server handle */
  guint32 client_id;         /* 0 for server events */
  guint32 error;             /* the event's dwError (close reason, reject reason, code) */
  int family;                /* AF_INET, AF_INET6, 0 = unknown */
  guint port;                /* peer port (client events, REJECT) */
  char *address;             /* (nullable) peer address, numeric */
  char *detail;              /* (nullable) reason text from the engine */
  guint64 bytes_in;          /* DISCONNECT: the session's totals */
  guint64 bytes_out;
  gint64 connect_time;       /* CONNECT: microseconds since the epoch */
  guint priority;            /* CONNECT: effective INET_PRIORITY_* */
  INETSECURITYINFO *tls;     /* (nullable) CONNECT on a TLS server: the handshake */
  IcTrafficRing *traffic;    /* (nullable) CONNECT: the session's transcript store */
} IcEvent;

#define IC_TYPE_EVENT (ic_event_get_type ())
GType ic_event_get_type (void) G_GNUC_CONST;

/* Any thread. */
IcEvent *ic_event_new  (IcEventKind    kind,
                        SOCKET         socket);
IcEvent *ic_event_copy (const IcEvent *event);
void     ic_event_free (IcEvent       *event);

/* Whether the bridge may drop the event when its queue is full: everything
 * but the lifecycle (START, STOP, CONNECT, DISCONNECT, SUSPEND, RESUME,
 * RESTART), which the models need to stay consistent. */
gboolean ic_event_is_droppable (const IcEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcEvent, ic_event_free)

G_END_DECLS
