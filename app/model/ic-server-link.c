/* ic-server-link.c - the engine side of a server model's run.
 *
 * Everything here runs in engine threads (the server's and the sessions'),
 * and touches only the IcLink: the service (every event goes to
 * ic_service_handle_event), the bridge (copied event records for the main
 * context) and the clients' traffic stores (the service's observer). It
 * never touches a GObject or a GMainContext. READ and WRITE are counted,
 * never queued.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-link-private.h"
#include "ic-traffic-ring-private.h"
#include "ic-model-private.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>

struct _IcLink
{
  IcBridge *bridge;              /* (owned) */
  IcService *service;            /* (owned) */
  gboolean secure;
  GRWLock rings_lock;
  GHashTable *rings;             /* (lock: rings_lock) SOCKET -> IcTrafficRing (owned) */
  atomic_int capture;
  atomic_uint_fast64_t callbacks;
};

/* Engine threads: the service read or wrote something. */
static void
traffic_cb (SOCKET              client,
            IcTrafficDirection  direction,
            const guint8       *data,
            gsize               length,
            gpointer            user_data)
{
  IcLink *link = user_data;
  IcTrafficRing *ring;

  if (!atomic_load_explicit (&link->capture, memory_order_relaxed))
    return;
  g_rw_lock_reader_lock (&link->rings_lock);
  ring = g_hash_table_lookup (link->rings, GSIZE_TO_POINTER (client));
  if (ring != NULL)
    ic__traffic_ring_append (ring, direction, data, length);
  g_rw_lock_reader_unlock (&link->rings_lock);
}

void
ic__link_free (IcLink *link)
{
  g_clear_pointer (&link->bridge, ic_bridge_unref);
  g_clear_pointer (&link->service, ic_service_unref);
  g_clear_pointer (&link->rings, g_hash_table_unref);
  g_rw_lock_clear (&link->rings_lock);
  g_free (link);
}

IcLink *
ic__link_new (IcBridge  *bridge,
              IcService *service,
              gboolean   secure,
              gboolean   capture)
{
  IcLink *link = g_new0 (IcLink, 1);

  link->bridge = ic_bridge_ref (bridge);
  link->service = ic_service_ref (service);
  link->secure = secure;
  g_rw_lock_init (&link->rings_lock);
  link->rings = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) ic__traffic_ring_unref);
  atomic_init (&link->capture, capture);
  atomic_init (&link->callbacks, 0);
  ic_service_set_observer (service, traffic_cb, link);
  return link;
}

static void
copy_peer (IcEvent *event,
           SOCKET   socket)
{
  char address[128];
  UINT port = 0;

  if (InetGetPeerAddress (socket, address, sizeof address, &port))
    {
      event->address = g_strdup (address);
      event->port = port;
      event->family = strchr (address, ':') != NULL ? AF_INET6 : AF_INET;
    }
}

static void
copy_detail (IcEvent *event,
             SOCKET   socket)
{
  char detail[512];

  if (InetGetEventDetail (socket, detail, sizeof detail) > 0)
    event->detail = g_strdup (detail);
}

static IcEvent *
connect_event (IcLink *link,
               SOCKET  client)
{
  IcEvent *event = ic_event_new (IC_EVENT_CONNECT, client);
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  IcTrafficRing *ring;

  copy_peer (event, client);
  if (InetGetClientStats (client, &stats))
    {
      event->client_id = stats.dwClientId;
      event->family = stats.nAddressFamily;
      event->connect_time = (gint64) stats.nConnectTime;
      event->priority = stats.nPriority;
    }
  if (link->secure)
    {
      event->tls = g_new0 (INETSECURITYINFO, 1);
      event->tls->dwSize = sizeof *event->tls;
      if (!InetGetSecurityInfo (client, event->tls))
        g_clear_pointer (&event->tls, g_free);
    }
  /* before the service sees CONNECT: a banner is part of the transcript */
  ring = ic__traffic_ring_new (IC_TRANSCRIPT_DEFAULT_MAX_CHUNKS, IC_TRANSCRIPT_DEFAULT_MAX_BYTES);
  event->traffic = ic__traffic_ring_ref (ring);
  g_rw_lock_writer_lock (&link->rings_lock);
  g_hash_table_replace (link->rings, GSIZE_TO_POINTER (client), ring);
  g_rw_lock_writer_unlock (&link->rings_lock);
  return event;
}

static IcEvent *
disconnect_event (IcLink *link,
                  SOCKET  client,
                  DWORD   error)
{
  IcEvent *event = ic_event_new (IC_EVENT_DISCONNECT, client);
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };

  copy_peer (event, client);
  /* information getters work until the DISCONNECT handler returns */
  if (InetGetClientStats (client, &stats))
    {
      event->client_id = stats.dwClientId;
      event->bytes_in = stats.nBytesIn;
      event->bytes_out = stats.nBytesOut;
      event->error = stats.dwCloseReason;
    }
  else
    event->client_id = InetGetClientId (client);
  if (error != 0)
    event->detail = ic_engine_error_string (error);
  g_rw_lock_writer_lock (&link->rings_lock);
  g_hash_table_remove (link->rings, GSIZE_TO_POINTER (client));
  g_rw_lock_writer_unlock (&link->rings_lock);
  return event;
}

/* Engine threads. Never touches the IcServer. */
void CALLBACK
ic__link_event_cb (SOCKET    socket,
                   UINT      id,
                   DWORD     error,
                   DWORD_PTR param)
{
  IcLink *link = (IcLink *) param;
  IcEvent *event = NULL;

  atomic_fetch_add_explicit (&link->callbacks, 1, memory_order_relaxed);

  switch (id)
    {
    case INET_EVENT_READ:
    case INET_EVENT_WRITE:
    case INET_EVENT_CANCEL:
    case INET_EVENT_ACCEPT:
      /* traffic shows in counters (sampled) and transcripts (observer) */
      ic_service_handle_event (link->service, socket, id, error);
      return;

    case INET_EVENT_CONNECT:
      event = connect_event (link, socket);
      ic_bridge_push (link->bridge, event);
      ic_service_handle_event (link->service, socket, id, error);
      return;

    case INET_EVENT_DISCONNECT:
      /* after the service: its last words count */
      ic_service_handle_event (link->service, socket, id, error);
      ic_bridge_push (link->bridge, disconnect_event (link, socket, error));
      return;

    case INET_EVENT_TIMEOUT:
      event = ic_event_new (IC_EVENT_TIMEOUT, socket);
      event->client_id = InetGetClientId (socket);
      copy_peer (event, socket);
      break;

    case INET_EVENT_START:
      {
        char address[128];
        UINT port = 0;

        event = ic_event_new (IC_EVENT_START, socket);
        if (InetGetLocalAddress (socket, address, sizeof address, &port))
          event->detail = ic__format_peer (address, port);
      }
      break;

    case INET_EVENT_STOP:
      event = ic_event_new (IC_EVENT_STOP, socket);
      break;

    case INET_EVENT_REJECT:
      event = ic_event_new (IC_EVENT_REJECT, socket);
      event->error = error;
      copy_peer (event, socket);
      copy_detail (event, socket);
      break;

    case INET_EVENT_ERROR:
      event = ic_event_new (IC_EVENT_ERROR, socket);
      event->error = error;
      event->client_id = InetGetClientId (socket); /* 0 on the server handle */
      if (event->client_id != 0)
        copy_peer (event, socket);
      copy_detail (event, socket);
      break;

    case INET_EVENT_IDLE:
      event = ic_event_new (IC_EVENT_IDLE, socket);
      break;

    case INET_EVENT_SUSPEND:
      event = ic_event_new (IC_EVENT_SUSPEND, socket);
      break;

    case INET_EVENT_RESUME:
      event = ic_event_new (IC_EVENT_RESUME, socket);
      break;

    case INET_EVENT_RESTART:
      event = ic_event_new (IC_EVENT_RESTART, socket);
      event->error = error;
      break;

    default:
      break;
    }

  ic_service_handle_event (link->service, socket, id, error);
  if (event != NULL)
    ic_bridge_push (link->bridge, event);
}

void
ic__link_set_capture (IcLink   *link,
                      gboolean  capture)
{
  atomic_store (&link->capture, capture);
}

guint64
ic__link_get_callbacks (IcLink *link)
{
  return atomic_load (&link->callbacks);
}

IcService *
ic__link_get_service (IcLink *link)
{
  return link->service;
}
