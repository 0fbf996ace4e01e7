/* ic-server-link-private.h - the engine side of a server model's run: the
 * event callback given to InetServerStart and what it may touch.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-bridge.h"

#include <ic-service.h>

G_BEGIN_DECLS

typedef struct _IcLink IcLink;

/* Main context: made before InetServerStart (it becomes the service's
 * observer), freed only after InetServerStop returned. */
IcLink    *ic__link_new           (IcBridge  *bridge,
                                   IcService *service,
                                   gboolean   secure,
                                   gboolean   capture);
void       ic__link_free          (IcLink    *link);

/* The INETEVENTPROC; dwParam is the IcLink. Engine threads. */
void CALLBACK ic__link_event_cb   (SOCKET     socket,
                                   UINT       id,
                                   DWORD      error,
                                   DWORD_PTR  param);

/* Any thread. */
void       ic__link_set_capture   (IcLink    *link,
                                   gboolean   capture);
guint64    ic__link_get_callbacks (IcLink    *link);
IcService *ic__link_get_service   (IcLink    *link);

G_END_DECLS
