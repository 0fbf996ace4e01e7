/* ic-service.h - the built-in test services (echo, discard, chargen,
 * daytime, banner, http, manual) and reply rules.
 *
 * A service is the behaviour of one server. The owner of the server (the
 * console's server model, or inet-serve) calls ic_service_handle_event from
 * its engine callback, in the engine's threads; the service does its I/O
 * there with InetRead/InetWrite. It is thread-safe, keeps per-client state
 * in InetSetClientData, and never touches a GMainContext. What it reads and
 * writes is reported to an optional observer (traffic transcripts).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-profile.h"

#include <inet-server.h>

G_BEGIN_DECLS

typedef struct _IcService IcService;

typedef enum
{
  IC_TRAFFIC_IN,
  IC_TRAFFIC_OUT,
} IcTrafficDirection;

/* Called in engine threads with data a service read or wrote. */
typedef void (*IcTrafficFunc) (SOCKET client, IcTrafficDirection direction, const guint8 *data,
                               gsize length, gpointer user_data);

/* Copies what it needs from the profile. Fails (GError) on a bad rule
 * pattern or an unreadable http body file. */
IcService *ic_service_new (const IcProfile *profile, GError **error);
IcService *ic_service_ref (IcService *service);
void ic_service_unref (IcService *service);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcService, ic_service_unref)

IcServiceKind ic_service_get_kind (IcService *service);

/* Set before the server starts; called from any engine thread. */
void ic_service_set_observer (IcService *service, IcTrafficFunc func, gpointer user_data);

/* The service's reaction to an engine event (any engine thread). */
void ic_service_handle_event (IcService *service, SOCKET socket, UINT event, DWORD error);

/* Manual sending (console send box, any thread): writes the bytes to the
 * client and reports them to the observer. Returns bytes written or -1. */
gssize ic_service_send (IcService *service, SOCKET client, const guint8 *data, gsize length);

/* Parses "de ad be ef" / "deadbeef" (spaces and 0x optional). */
GBytes *ic_hex_parse (const char *text, GError **error);

G_END_DECLS
