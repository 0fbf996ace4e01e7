/* ic-service-http.c - http: every HTTP/1.x request gets 200 and the body.
 *
 * Requests are parsed with libsoup's soup_headers_parse_request, bounded by
 * our own limits (MAX_HEAD for the request line and headers, MAX_BODY for
 * a request body, which is read and thrown away). Keep-alive follows
 * HTTP/1.1 (HTTP/1.0: only with "Connection: keep-alive"); pipelined
 * requests are answered in order, all the answers to what one read brought
 * in go out in one write. HEAD gets the headers only. A request that cannot
 * be parsed gets 400 (431, 413, 417, 501, 505 where they say more) and the
 * connection is closed after it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

#include <libsoup/soup.h>
#include <string.h>

#define MAX_HEAD        (16 * 1024)
#define MAX_BODY        (16 * 1024 * 1024)
#define MAX_CHUNK_LINE  1024
#define COPY_BODY_MAX   (64 * 1024)  /* larger bodies are written from the GBytes */
#define FLUSH_AT        (64 * 1024)  /* answers queued before they are written */

typedef enum
{
  PHASE_HEAD,
  PHASE_BODY,
  PHASE_CHUNK_SIZE,
  PHASE_CHUNK_DATA,
  PHASE_CHUNK_END,
  PHASE_TRAILERS,
  PHASE_CLOSED,
} Phase;

struct _IcHttpState
{
  GByteArray *in;             /* received, not yet consumed from `start` on */
  gsize start;
  Phase phase;
  guint64 remaining;          /* body or chunk bytes still to skip */
  guint64 body_total;
  gsize trailer_bytes;

  /* the request whose body is being read */
  gboolean head;
  gboolean keep_alive;
  gboolean version_1_0;

  GByteArray *out;            /* answers not yet written */
  IcClient *client;           /* (not owned) the owner of this state */
  gboolean write_failed;      /* the client is gone: stop answering */
};

/* ---------------------------------------------------------------- answers */

static const char *
reason_phrase (guint status)
{
  switch (status)
    {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* "Sun, 06 Nov 1994 08:49:37 GMT", formatted once a second per thread. */
static const char *
http_date (void)
{
  static __thread gint64 cached_second = -1;
  static __thread char cached[64];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (now != cached_second)
    {
      g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (now);
      g_autofree char *text = soup_date_time_to_string (time, SOUP_DATE_HTTP);

      g_strlcpy (cached, text ? text : "", sizeof cached);
      cached_second = now;
    }
  return cached;
}

static gboolean
flush (IcService   *service,
       IcHttpState *state)
{
  if (state->out->len > 0 && !state->write_failed
      && !ic__service_write_all (service, state->client->socket, state->out->data,
                                 state->out->len))
    state->write_failed = TRUE;
  g_byte_array_set_size (state->out, 0);
  return !state->write_failed;
}

static void
append_response (IcService    *service,
                 IcHttpState  *state,
                 guint         status,
                 gboolean      head,
                 gboolean      keep_alive,
                 gboolean      version_1_0)
{
  g_autofree char *error_body = NULL;
  const guint8 *body;
  gsize body_length = 0;
  const char *content_type = service->http_content_type;
  const char *connection = "";
  char header[512];
  int n;

  if (status == 200)
    body = g_bytes_get_data (service->http_body, &body_length);
  else
    {
      error_body = g_strdup_printf ("%u %s\n", status, reason_phrase (status));
      body = (const guint8 *) error_body;
      body_length = strlen (error_body);
      content_type = "text/plain; charset=utf-8";
    }
  if (!keep_alive)
    connection = "Connection: close\r\n";
  else if (version_1_0)
    connection = "Connection: keep-alive\r\n";

  n = g_snprintf (header, sizeof header,
                  "HTTP/1.1 %u %s\r\n"
                  "Server: inet-serve\r\n"
                  "Date: %s\r\n"
                  "Content-Type: %s\r\n"
                  "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                  "%s"
                  "\r\n",
                  status, reason_phrase (status), http_date (), content_type, body_length,
                  connection);
  g_byte_array_append (state->out, (const guint8 *) header, (guint) MIN (n, (int) sizeof header - 1));
  if (head)
    return;
  if (body_length <= COPY_BODY_MAX)
    {
      /* one write for headers and body: a second small segment would wait
       * for the client's delayed ACK (Nagle) */
      g_byte_array_append (state->out, body, (guint) body_length);
      if (state->out->len >= FLUSH_AT)
        flush (service, state);
      return;
    }
  /* a large body goes out from where it is, not copied per request */
  if (flush (service, state)
      && !ic__service_write_all (service, state->client->socket, body, body_length))
    state->write_failed = TRUE;
}

/* An error answer; the connection closes after it. */
static void
fail (IcService   *service,
      IcHttpState *state,
      guint        status)
{
  append_response (service, state, status, FALSE, FALSE, FALSE);
  state->phase = PHASE_CLOSED;
}

static void
request_done (IcService   *service,
              IcHttpState *state)
{
  append_response (service, state, 200, state->head, state->keep_alive, state->version_1_0);
  state->phase = state->keep_alive ? PHASE_HEAD : PHASE_CLOSED;
}

/* ---------------------------------------------------------------- parsing */

static gsize
available (IcHttpState *state)
{
  return state->in->len - state->start;
}

static const guint8 *
cursor (IcHttpState *state)
{
  return state->in->data + state->start;
}

/* Length of the head up to (not including) its blank line, and the size of
 * that blank line; 0 if the head is not complete. */
static gsize
find_head_end (const guint8 *data,
               gsize         length,
               gsize        *blank)
{
  for (gsize i = 0; i + 1 < length; i++)
    {
      if (data[i] != '\n')
        continue;
      if (data[i + 1] == '\n')
        {
          *blank = 1;
          return i + 1;
        }
      if (data[i + 1] == '\r' && i + 2 < length && data[i + 2] == '\n')
        {
          *blank = 2;
          return i + 1;
        }
    }
  return 0;
}

static gboolean
parse_content_length (SoupMessageHeaders *headers,
                      guint64            *length)
{
  const char *value = soup_message_headers_get_one (headers, "Content-Length");
  g_autofree char *text = NULL;

  *length = 0;
  if (value == NULL)
    return TRUE;
  text = g_strstrip (g_strdup (value));
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, length, NULL);
}

/* Parses one request head at the cursor. FALSE: not complete yet. */
static gboolean
handle_head (IcService   *service,
             IcHttpState *state)
{
  g_autoptr (SoupMessageHeaders) headers = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  SoupHTTPVersion version = SOUP_HTTP_1_1;
  SoupEncoding encoding;
  gsize head_length, blank = 0;
  guint64 content_length = 0;
  guint status;

  /* empty lines before a request are allowed (RFC 9112 2.2) */
  while (available (state) > 0 && (cursor (state)[0] == '\r' || cursor (state)[0] == '\n'))
    state->start++;
  if (available (state) == 0)
    return FALSE;

  head_length = find_head_end (cursor (state), MIN (available (state), MAX_HEAD + 3), &blank);
  if (head_length == 0)
    {
      if (available (state) > MAX_HEAD)
        fail (service, state, 431);
      return FALSE;
    }

  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  status = soup_headers_parse_request ((const char *) cursor (state), (int) head_length, headers,
                                       &method, &path, &version);
  state->start += head_length + blank;
  state->version_1_0 = version == SOUP_HTTP_1_0;
  if (status != SOUP_STATUS_OK)
    {
      fail (service, state, status == SOUP_STATUS_HTTP_VERSION_NOT_SUPPORTED ? 505
                            : status == SOUP_STATUS_EXPECTATION_FAILED      ? 417
                                                                            : 400);
      return TRUE;
    }
  /* HTTP/1.1 requires Host (RFC 9112 3.2) */
  if (version == SOUP_HTTP_1_1 && soup_message_headers_get_one (headers, "Host") == NULL)
    {
      fail (service, state, 400);
      return TRUE;
    }

  state->head = g_strcmp0 (method, "HEAD") == 0;
  if (version == SOUP_HTTP_1_1)
    state->keep_alive = !soup_message_headers_header_contains (headers, "Connection", "close");
  else
    state->keep_alive = soup_message_headers_header_contains (headers, "Connection",
                                                              "keep-alive");

  /* a Content-Length that is not a number is malformed, not an unknown coding */
  if (soup_message_headers_get_one (headers, "Transfer-Encoding") == NULL
      && !parse_content_length (headers, &content_length))
    {
      fail (service, state, 400);
      return TRUE;
    }
  encoding = soup_message_headers_get_encoding (headers);
  if (encoding == SOUP_ENCODING_CHUNKED)
    {
      state->phase = PHASE_CHUNK_SIZE;
      state->body_total = 0;
    }
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH || encoding == SOUP_ENCODING_NONE)
    {
      if (!parse_content_length (headers, &content_length))
        {
          fail (service, state, 400);
          return TRUE;
        }
      if (content_length > MAX_BODY)
        {
          fail (service, state, 413);
          return TRUE;
        }
      state->remaining = content_length;
      state->phase = content_length > 0 ? PHASE_BODY : PHASE_HEAD;
    }
  else
    {
      fail (service, state, 501); /* a transfer coding we do not know */
      return TRUE;
    }

  if (state->phase != PHASE_HEAD
      && (soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE))
    {
      static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";

      g_byte_array_append (state->out, (const guint8 *) continue_line, sizeof continue_line - 1);
      flush (service, state);
    }
  if (state->phase == PHASE_HEAD)
    request_done (service, state);
  return TRUE;
}

/* A line at the cursor (without CR LF); FALSE: not complete yet. */
static gboolean
take_line (IcHttpState  *state,
           char        **line)
{
  const guint8 *newline = memchr (cursor (state), '\n', available (state));
  gsize length;

  if (newline == NULL)
    return FALSE;
  length = (gsize) (newline - cursor (state));
  *line = g_strndup ((const char *) cursor (state), length);
  g_strchomp (*line);
  state->start += length + 1;
  return TRUE;
}

/* Skips the body of the current request; TRUE while progress is made. */
static gboolean
handle_body (IcService   *service,
             IcHttpState *state)
{
  g_autofree char *line = NULL;
  gsize take;

  switch (state->phase)
    {
    case PHASE_BODY:
    case PHASE_CHUNK_DATA:
      take = (gsize) MIN ((guint64) available (state), state->remaining);
      if (take == 0)
        return FALSE;
      state->start += take;
      state->remaining -= take;
      if (state->remaining > 0)
        return TRUE;
      if (state->phase == PHASE_BODY)
        request_done (service, state);
      else
        state->phase = PHASE_CHUNK_END;
      return TRUE;

    case PHASE_CHUNK_SIZE:
      if (!take_line (state, &line))
        {
          if (available (state) > MAX_CHUNK_LINE)
            fail (service, state, 400);
          return FALSE;
        }
      {
        char *end = NULL;
        guint64 size;

        line[strcspn (line, ";")] = '\0'; /* chunk extensions */
        g_strstrip (line);
        size = g_ascii_strtoull (line, &end, 16);
        if (*line == '\0' || end == NULL || *end != '\0' || size > MAX_BODY
            || state->body_total + size > MAX_BODY)
          {
            fail (service, state, size > MAX_BODY || state->body_total + size > MAX_BODY ? 413
                                                                                        : 400);
            return FALSE;
          }
        state->body_total += size;
        state->remaining = size;
        state->phase = size > 0 ? PHASE_CHUNK_DATA : PHASE_TRAILERS;
        state->trailer_bytes = 0;
      }
      return TRUE;

    case PHASE_CHUNK_END:
      if (!take_line (state, &line))
        return FALSE;
      if (*line != '\0')
        {
          fail (service, state, 400);
          return FALSE;
        }
      state->phase = PHASE_CHUNK_SIZE;
      return TRUE;

    case PHASE_TRAILERS:
      if (!take_line (state, &line))
        {
          if (state->trailer_bytes + available (state) > MAX_HEAD)
            fail (service, state, 431);
          return FALSE;
        }
      state->trailer_bytes += strlen (line) + 2;
      if (state->trailer_bytes > MAX_HEAD)
        {
          fail (service, state, 431);
          return FALSE;
        }
      if (*line == '\0')
        request_done (service, state);
      return TRUE;

    case PHASE_HEAD:
    case PHASE_CLOSED:
    default:
      return FALSE;
    }
}

/* ---------------------------------------------------------------- events */

static IcHttpState *
state_get (IcClient *client)
{
  if (client->http == NULL)
    {
      client->http = g_new0 (IcHttpState, 1);
      client->http->client = client;
      client->http->in = g_byte_array_sized_new (IC_SERVICE_READ_SIZE);
      client->http->out = g_byte_array_new ();
      client->http->phase = PHASE_HEAD;
    }
  return client->http;
}

static void
http_read (IcService *service,
           IcClient  *client)
{
  IcHttpState *state = state_get (client);
  guint8 buffer[IC_SERVICE_READ_SIZE];
  gssize n;

  n = ic__service_read (service, client, buffer, sizeof buffer);
  if (n <= 0 || state->phase == PHASE_CLOSED)
    return;
  g_byte_array_append (state->in, buffer, (guint) n);

  for (;;)
    {
      gboolean progress;

      if (state->phase == PHASE_CLOSED || state->write_failed)
        break;
      if (state->phase == PHASE_HEAD)
        progress = handle_head (service, state);
      else
        progress = handle_body (service, state);
      if (!progress)
        break;
    }

  /* keep what is not consumed, at the front */
  if (state->start > 0)
    {
      g_byte_array_remove_range (state->in, 0, (guint) state->start);
      state->start = 0;
    }
  if (!flush (service, state))
    return;
  if (state->phase == PHASE_CLOSED)
    InetDisconnect (client->socket);
}

static void
http_disconnect (IcService *service,
                 IcClient  *client)
{
  if (client->http == NULL)
    return;
  g_byte_array_unref (client->http->in);
  g_byte_array_unref (client->http->out);
  g_clear_pointer (&client->http, g_free);
}

const IcServiceOps ic__http_ops = {
  .read = http_read,
  .disconnect = http_disconnect,
};
