/* ic-service.c - a service: the per-client state and the event dispatch.
 * The behaviour of each service lives in its own file (ic-service-*.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

#include <gio/gio.h>

#define DEFAULT_BANNER    "inet-serve {peer}: you are client {client}; what you send comes back\\r\\n"
#define DEFAULT_HTTP_BODY "Hello from inet-serve.\n"
#define MAX_HTTP_BODY     (64 * 1024 * 1024)

static const IcServiceOps *
ops_for (IcServiceKind kind)
{
  switch (kind)
    {
    case IC_SERVICE_ECHO:
    case IC_SERVICE_BANNER: /* echo; ic_service_new gives it a default greeting */
      return &ic__echo_ops;
    case IC_SERVICE_DISCARD:
      return &ic__discard_ops;
    case IC_SERVICE_CHARGEN:
      return &ic__chargen_ops;
    case IC_SERVICE_DAYTIME:
      return &ic__daytime_ops;
    case IC_SERVICE_HTTP:
      return &ic__http_ops;
    case IC_SERVICE_MANUAL:
      return &ic__manual_ops;
    default:
      return NULL;
    }
}

static gboolean
load_http_body (IcService        *service,
                const IcProfile  *profile,
                GError          **error)
{
  if (profile->http_body_file != NULL && *profile->http_body_file != '\0')
    {
      g_autofree char *data = NULL;
      g_autofree char *content_type = NULL;
      gsize length = 0;

      if (!g_file_get_contents (profile->http_body_file, &data, &length, error))
        return FALSE;
      if (length > MAX_HTTP_BODY)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s is larger than %d MiB", profile->http_body_file,
                       MAX_HTTP_BODY / (1024 * 1024));
          return FALSE;
        }
      content_type = g_content_type_guess (profile->http_body_file, (const guchar *) data,
                                           length, NULL);
      service->http_content_type = g_content_type_get_mime_type (content_type);
      if (service->http_content_type == NULL)
        service->http_content_type = g_strdup ("application/octet-stream");
      else if (g_str_has_prefix (service->http_content_type, "text/"))
        {
          char *with_charset = g_strconcat (service->http_content_type, "; charset=utf-8", NULL);

          g_free (service->http_content_type);
          service->http_content_type = with_charset;
        }
      service->http_body = g_bytes_new_take (g_steal_pointer (&data), length);
      return TRUE;
    }
  if (profile->http_body != NULL)
    service->http_body = g_bytes_new (profile->http_body, strlen (profile->http_body));
  else
    service->http_body = g_bytes_new_static (DEFAULT_HTTP_BODY, strlen (DEFAULT_HTTP_BODY));
  service->http_content_type = g_strdup ("text/plain; charset=utf-8");
  return TRUE;
}

IcService *
ic_service_new (const IcProfile  *profile,
                GError          **error)
{
  g_autoptr (IcService) service = NULL;

  g_return_val_if_fail (profile != NULL, NULL);

  if (ops_for (profile->service) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%d is not a service",
                   (int) profile->service);
      return NULL;
    }
  service = g_new0 (IcService, 1);
  service->ref_count = 1;
  service->kind = profile->service;
  service->ops = ops_for (profile->service);
  if (profile->banner != NULL && *profile->banner != '\0')
    service->banner = g_strdup (profile->banner);
  else if (profile->service == IC_SERVICE_BANNER)
    service->banner = g_strdup (DEFAULT_BANNER);
  if (!load_http_body (service, profile, error))
    return NULL;
  if (profile->rules != NULL && profile->rules->len > 0)
    {
      service->rules = ic__rules_new (profile->rules, error);
      if (service->rules == NULL)
        return NULL;
    }
  return g_steal_pointer (&service);
}

IcService *
ic_service_ref (IcService *service)
{
  g_return_val_if_fail (service != NULL, NULL);

  g_atomic_int_inc (&service->ref_count);
  return service;
}

void
ic_service_unref (IcService *service)
{
  if (service == NULL || !g_atomic_int_dec_and_test (&service->ref_count))
    return;
  g_free (service->banner);
  g_clear_pointer (&service->http_body, g_bytes_unref);
  g_free (service->http_content_type);
  g_clear_pointer (&service->rules, ic__rules_free);
  g_free (service);
}

IcServiceKind
ic_service_get_kind (IcService *service)
{
  g_return_val_if_fail (service != NULL, IC_SERVICE_ECHO);

  return service->kind;
}

void
ic_service_set_observer (IcService     *service,
                         IcTrafficFunc  func,
                         gpointer       user_data)
{
  g_return_if_fail (service != NULL);

  service->observer = func;
  service->observer_data = user_data;
}

/* ---------------------------------------------------------- I/O helpers */

void
ic__service_report (IcService          *service,
                    SOCKET              socket,
                    IcTrafficDirection  direction,
                    const guint8       *data,
                    gsize               length)
{
  if (service->observer != NULL && length > 0)
    service->observer (socket, direction, data, length, service->observer_data);
}

gssize
ic__service_read (IcService *service,
                  IcClient  *client,
                  guint8    *buffer,
                  gsize      size)
{
  INT n = InetRead (client->socket, buffer, (INT) MIN (size, (gsize) G_MAXINT));

  if (n > 0)
    ic__service_report (service, client->socket, IC_TRAFFIC_IN, buffer, (gsize) n);
  return n;
}

/* Blocking handles wait up to the server timeout per call; a timeout only
 * means the client reads slowly, so the rest is tried again. Any other
 * failure (the client left, the server stops) ends the attempt. */
gboolean
ic__service_write_all (IcService    *service,
                       SOCKET        socket,
                       const guint8 *data,
                       gsize         length)
{
  gsize done = 0;

  while (done < length)
    {
      gsize chunk = MIN (length - done, (gsize) G_MAXINT);
      INT n = InetWrite (socket, data + done, (INT) chunk);

      if (n > 0)
        {
          ic__service_report (service, socket, IC_TRAFFIC_OUT, data + done, (gsize) n);
          done += (gsize) n;
          continue;
        }
      if (n == INET_ERROR && InetGetLastError () == WSAETIMEDOUT)
        continue;
      return FALSE;
    }
  return TRUE;
}

void
ic__service_greet (IcService *service,
                   IcClient  *client)
{
  IcMacroContext context = { client->socket, 0, NULL, 0 };
  g_autoptr (GByteArray) text = NULL;

  if (service->banner == NULL)
    return;
  text = ic__macro_expand (service->banner, &context);
  if (text->len == 0 || text->data[text->len - 1] != '\n')
    g_byte_array_append (text, (const guint8 *) "\r\n", 2);
  ic__service_write_all (service, client->socket, text->data, text->len);
}

gssize
ic_service_send (IcService    *service,
                 SOCKET        client,
                 const guint8 *data,
                 gsize         length)
{
  INT n;

  g_return_val_if_fail (service != NULL, -1);
  g_return_val_if_fail (data != NULL || length == 0, -1);

  n = InetWrite (client, data, (INT) MIN (length, (gsize) G_MAXINT));
  if (n == INET_ERROR)
    return -1;
  ic__service_report (service, client, IC_TRAFFIC_OUT, data, (gsize) n);
  return n;
}

/* ------------------------------------------------------------- dispatch */

static void
client_free (IcClient *client)
{
  if (client->line != NULL)
    g_byte_array_unref (client->line);
  g_free (client);
}

static IcClient *
client_get (IcService *service,
            SOCKET     socket,
            gboolean   create)
{
  IcClient *client = (IcClient *) InetGetClientData (socket);

  if (client == NULL && create)
    {
      client = g_new0 (IcClient, 1);
      client->service = service;
      client->socket = socket;
      InetSetClientData (socket, (DWORD_PTR) client);
    }
  return client;
}

void
ic_service_handle_event (IcService *service,
                         SOCKET     socket,
                         UINT       event,
                         DWORD      error)
{
  IcClient *client;

  g_return_if_fail (service != NULL);

  switch (event)
    {
    case INET_EVENT_CONNECT:
      client = client_get (service, socket, TRUE);
      if (service->ops->connect != NULL)
        service->ops->connect (service, client);
      break;

    case INET_EVENT_READ:
      client = client_get (service, socket, TRUE);
      if (service->ops->read != NULL)
        service->ops->read (service, client);
      break;

    case INET_EVENT_WRITE:
      client = client_get (service, socket, TRUE);
      if (service->ops->write != NULL)
        service->ops->write (service, client);
      break;

    case INET_EVENT_DISCONNECT:
      client = client_get (service, socket, FALSE);
      if (client == NULL)
        break;
      if (service->ops->disconnect != NULL)
        service->ops->disconnect (service, client);
      InetSetClientData (socket, 0);
      client_free (client);
      break;

    default:
      /* TIMEOUT keeps the client (the owner reports it); server events
       * are the owner's */
      break;
    }
}
