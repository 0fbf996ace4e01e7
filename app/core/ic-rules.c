/* ic-rules.c - reply rules on top of a stream service, and the macros of
 * replies and banners.
 *
 * Received data is cut into lines (LF, a CR before it is dropped). Rules
 * are tried in order on the line being received, as soon as its bytes
 * arrive, so a prompt without a newline is answered too; the first rule
 * that matches answers, and the line is not answered again when more of it
 * arrives. A line longer than 64 KiB is cut there.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

#include "ic-address.h"

#include <string.h>

#define MAX_LINE (64 * 1024)

typedef struct
{
  IcRuleMatch match;
  GBytes *pattern;            /* contains / starts with: the bytes */
  GRegex *regex;              /* regex */
  char *reply;                /* template, or NULL when hex */
  GBytes *hex;                /* hex reply */
  guint64 counter;            /* (atomic) matches on this server */
} IcCompiledRule;

struct _IcRules
{
  GPtrArray *rules;           /* (element-type IcCompiledRule) */
};

static void
compiled_rule_free (IcCompiledRule *rule)
{
  g_clear_pointer (&rule->pattern, g_bytes_unref);
  g_clear_pointer (&rule->regex, g_regex_unref);
  g_clear_pointer (&rule->hex, g_bytes_unref);
  g_free (rule->reply);
  g_free (rule);
}

IcRules *
ic__rules_new (GPtrArray  *rules,
               GError    **error)
{
  IcRules *result = g_new0 (IcRules, 1);

  result->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) compiled_rule_free);
  for (guint i = 0; i < rules->len; i++)
    {
      const IcRule *rule = g_ptr_array_index (rules, i);
      IcCompiledRule *compiled = g_new0 (IcCompiledRule, 1);

      g_ptr_array_add (result->rules, compiled);
      compiled->match = rule->match;
      if (rule->pattern == NULL || *rule->pattern == '\0')
        {
          g_set_error (error, G_REGEX_ERROR, G_REGEX_ERROR_COMPILE, "rule %u: empty pattern",
                       i + 1);
          ic__rules_free (result);
          return NULL;
        }
      if (rule->match == IC_RULE_REGEX)
        {
          g_autoptr (GError) local = NULL;

          /* RAW: received bytes need not be UTF-8 */
          compiled->regex = g_regex_new (rule->pattern, G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, &local);
          if (compiled->regex == NULL)
            {
              g_set_error (error, G_REGEX_ERROR, local->code, "rule %u: %s", i + 1,
                           local->message);
              ic__rules_free (result);
              return NULL;
            }
        }
      else
        compiled->pattern = g_bytes_new (rule->pattern, strlen (rule->pattern));

      if (rule->reply_is_hex)
        {
          g_autoptr (GError) local = NULL;

          compiled->hex = ic_hex_parse (rule->reply ? rule->reply : "", &local);
          if (compiled->hex == NULL)
            {
              g_set_error (error, local->domain, local->code, "rule %u: %s", i + 1,
                           local->message);
              ic__rules_free (result);
              return NULL;
            }
        }
      else
        compiled->reply = g_strdup (rule->reply ? rule->reply : "");
    }
  return result;
}

void
ic__rules_free (IcRules *rules)
{
  if (rules == NULL)
    return;
  g_ptr_array_unref (rules->rules);
  g_free (rules);
}

static gboolean
rule_matches (const IcCompiledRule *rule,
              const guint8         *line,
              gsize                 length,
              gsize                *match_start,
              gsize                *match_length)
{
  gsize pattern_length = 0;
  const guint8 *pattern = NULL;

  if (rule->regex != NULL)
    {
      g_autoptr (GMatchInfo) info = NULL;
      int start = 0, end = 0;

      if (!g_regex_match_full (rule->regex, (const char *) line, (gssize) length, 0, 0, &info,
                               NULL))
        return FALSE;
      g_match_info_fetch_pos (info, 0, &start, &end);
      *match_start = (gsize) start;
      *match_length = (gsize) (end - start);
      return TRUE;
    }

  pattern = g_bytes_get_data (rule->pattern, &pattern_length);
  if (pattern_length > length)
    return FALSE;
  if (rule->match == IC_RULE_STARTS_WITH)
    {
      if (memcmp (line, pattern, pattern_length) != 0)
        return FALSE;
      *match_start = 0;
    }
  else
    {
      const guint8 *found = memmem (line, length, pattern, pattern_length);

      if (found == NULL)
        return FALSE;
      *match_start = (gsize) (found - line);
    }
  *match_length = pattern_length;
  return TRUE;
}

/* Tries the rules on the line received so far. */
static void
answer_line (IcService *service,
             IcClient  *client)
{
  const guint8 *line = client->line->data;
  gsize length = client->line->len;

  if (client->line_answered || length == 0)
    return;
  /* the CR of a CRLF is not part of the line */
  if (line[length - 1] == '\r')
    length--;
  for (guint i = 0; i < service->rules->rules->len; i++)
    {
      IcCompiledRule *rule = g_ptr_array_index (service->rules->rules, i);
      gsize start = 0, match_length = 0;

      if (!rule_matches (rule, line, length, &start, &match_length))
        continue;
      client->line_answered = TRUE;
      client->replies++;
      if (rule->hex != NULL)
        {
          gsize size = 0;
          const guint8 *data = g_bytes_get_data (rule->hex, &size);

          ic__service_write_all (service, client->socket, data, size);
        }
      else
        {
          IcMacroContext context = {
            client->socket,
            __atomic_add_fetch (&rule->counter, 1, __ATOMIC_RELAXED),
            line + start,
            match_length,
          };
          g_autoptr (GByteArray) reply = ic__macro_expand (rule->reply, &context);

          ic__service_write_all (service, client->socket, reply->data, reply->len);
        }
      return;
    }
}

void
ic__rules_feed (IcService    *service,
                IcClient     *client,
                const guint8 *data,
                gsize         length)
{
  if (service->rules == NULL || service->rules->rules->len == 0)
    return;
  if (client->line == NULL)
    client->line = g_byte_array_new ();

  while (length > 0)
    {
      const guint8 *newline = memchr (data, '\n', length);
      gsize take = newline != NULL ? (gsize) (newline - data) : length;
      gboolean complete = newline != NULL;

      if (client->line->len + take >= MAX_LINE)
        {
          take = MAX_LINE - client->line->len;
          complete = TRUE;
        }
      g_byte_array_append (client->line, data, (guint) take);
      answer_line (service, client);
      if (newline != NULL && take == (gsize) (newline - data))
        take++; /* the LF */
      data += take;
      length -= take;
      if (complete)
        {
          g_byte_array_set_size (client->line, 0);
          client->line_answered = FALSE;
        }
    }
}

/* --------------------------------------------------------------- macros */

static void
append_text (GByteArray *out,
             const char *text)
{
  g_byte_array_append (out, (const guint8 *) text, (guint) strlen (text));
}

static void
append_client_stat (GByteArray *out,
                    SOCKET      socket,
                    gboolean    in)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  char text[32];

  if (!InetGetClientStats (socket, &stats))
    return;
  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT,
              (guint64) (in ? stats.nBytesIn : stats.nBytesOut));
  append_text (out, text);
}

/* Appends the value of {name}; FALSE if the macro is unknown. */
static gboolean
append_macro (GByteArray           *out,
              const char           *name,
              gsize                 length,
              const IcMacroContext *context)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *text = NULL;

#define IS(literal) (length == sizeof (literal) - 1 && memcmp (name, literal, length) == 0)
  if (IS ("time") || IS ("date") || IS ("datetime"))
    {
      now = g_date_time_new_now_local ();
      text = IS ("time") ? g_date_time_format (now, "%H:%M:%S")
             : IS ("date") ? g_date_time_format (now, "%Y-%m-%d")
                           : g_date_time_format_iso8601 (now);
    }
  else if (IS ("counter"))
    text = g_strdup_printf ("%" G_GUINT64_FORMAT, context->counter);
  else if (IS ("client"))
    text = g_strdup_printf ("%u", (guint) InetGetClientId (context->socket));
  else if (IS ("peer"))
    {
      /* nothing if the engine no longer knows it */
      text = ic_format_peer (context->socket);
      if (text == NULL)
        return TRUE;
    }
  else if (IS ("match"))
    {
      if (context->match != NULL)
        g_byte_array_append (out, context->match, (guint) context->match_length);
      return TRUE;
    }
  else if (IS ("bytes_in") || IS ("bytes_out"))
    {
      append_client_stat (out, context->socket, IS ("bytes_in"));
      return TRUE;
    }
  else
    return FALSE;
#undef IS
  append_text (out, text);
  return TRUE;
}

GByteArray *
ic__macro_expand (const char           *template_text,
                  const IcMacroContext *context)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = template_text;

  while (*p != '\0')
    {
      if (*p == '\\' && p[1] != '\0')
        {
          guint8 byte;

          switch (p[1])
            {
            case 'r': byte = '\r'; break;
            case 'n': byte = '\n'; break;
            case 't': byte = '\t'; break;
            case '0': byte = '\0'; break;
            case '\\': byte = '\\'; break;
            case '{': byte = '{'; break;
            case 'x':
              if (g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
                {
                  byte = (guint8) (g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3]));
                  g_byte_array_append (out, &byte, 1);
                  p += 4;
                  continue;
                }
              G_GNUC_FALLTHROUGH;
            default:
              /* not an escape: keep it as written */
              g_byte_array_append (out, (const guint8 *) p, 2);
              p += 2;
              continue;
            }
          g_byte_array_append (out, &byte, 1);
          p += 2;
          continue;
        }
      if (*p == '{')
        {
          const char *end = strchr (p + 1, '}');

          if (end != NULL && append_macro (out, p + 1, (gsize) (end - p - 1), context))
            {
              p = end + 1;
              continue;
            }
        }
      g_byte_array_append (out, (const guint8 *) p, 1);
      p++;
    }
  return out;
}
