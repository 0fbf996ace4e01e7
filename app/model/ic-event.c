/* ic-event.c - the copied event record.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-event.h"
#include "ic-traffic-ring-private.h"

G_DEFINE_BOXED_TYPE (IcEvent, ic_event, ic_event_copy, ic_event_free)

IcEvent *
ic_event_new (IcEventKind kind,
              SOCKET      socket)
{
  IcEvent *event = g_new0 (IcEvent, 1);

  event->kind = kind;
  event->socket = socket;
  event->time = g_get_real_time ();
  return event;
}

IcEvent *
ic_event_copy (const IcEvent *event)
{
  IcEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->address = g_strdup (event->address);
  copy->detail = g_strdup (event->detail);
  if (event->tls != NULL)
    copy->tls = g_memdup2 (event->tls, sizeof *event->tls);
  if (event->traffic != NULL)
    copy->traffic = ic__traffic_ring_ref (event->traffic);
  return copy;
}

void
ic_event_free (IcEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->address);
  g_free (event->detail);
  g_free (event->tls);
  g_clear_pointer (&event->traffic, ic__traffic_ring_unref);
  g_free (event);
}

gboolean
ic_event_is_droppable (const IcEvent *event)
{
  g_return_val_if_fail (event != NULL, TRUE);

  switch (event->kind)
    {
    case IC_EVENT_START:
    case IC_EVENT_STOP:
    case IC_EVENT_CONNECT:
    case IC_EVENT_DISCONNECT:
    case IC_EVENT_SUSPEND:
    case IC_EVENT_RESUME:
    case IC_EVENT_RESTART:
      return FALSE;
    case IC_EVENT_TIMEOUT:
    case IC_EVENT_REJECT:
    case IC_EVENT_ERROR:
    case IC_EVENT_IDLE:
    case IC_EVENT_INFO:
    case IC_EVENT_WARNING:
    case IC_EVENT_N_KINDS:
    default:
      return TRUE;
    }
}
