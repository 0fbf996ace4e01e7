/* ic-model-types.c - GTypes and names of the model enums.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-types.h"

G_DEFINE_ENUM_TYPE (IcEventKind, ic_event_kind,
  G_DEFINE_ENUM_VALUE (IC_EVENT_START, "listening"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_STOP, "stop"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_CONNECT, "connect"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_DISCONNECT, "disconnect"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_TIMEOUT, "timeout"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_REJECT, "reject"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_SUSPEND, "suspend"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_RESUME, "resume"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_RESTART, "restart"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_INFO, "info"),
  G_DEFINE_ENUM_VALUE (IC_EVENT_WARNING, "warning"))

G_DEFINE_ENUM_TYPE (IcServerStatus, ic_server_status,
  G_DEFINE_ENUM_VALUE (IC_SERVER_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_LISTENING, "listening"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_SUSPENDED, "suspended"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_STOPPING, "stopping"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_RESTARTING, "restarting"),
  G_DEFINE_ENUM_VALUE (IC_SERVER_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (IcClientState, ic_client_state,
  G_DEFINE_ENUM_VALUE (IC_CLIENT_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (IC_CLIENT_CLOSING, "closing"),
  G_DEFINE_ENUM_VALUE (IC_CLIENT_CLOSED, "closed"))

static const char *
enum_nick (GType type,
           int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);
  const char *nick = found != NULL ? found->value_nick : NULL;

  /* enum classes are never finalized: the nick stays valid */
  g_type_class_unref (klass);
  return nick;
}

const char *
ic_event_kind_to_string (IcEventKind kind)
{
  const char *nick = enum_nick (IC_TYPE_EVENT_KIND, kind);

  return nick != NULL ? nick : "unknown";
}
