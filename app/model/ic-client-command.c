/* ic-client-command.c - ready client command lines for a server.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-client-command.h"
#include "ic-model-private.h"

#include <inet-server.h>
#include <string.h>

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

char *
ic_client_command_host (const IcProfile *profile)
{
  const char *host;

  g_return_val_if_fail (profile != NULL, NULL);

  host = profile->host;
  if (!is_set (host) || g_str_equal (host, "0.0.0.0"))
    return g_strdup ("127.0.0.1");
  if (g_str_equal (host, "::") || g_str_equal (host, "::0"))
    return g_strdup ("localhost");
  return g_strdup (host);
}

/* Quotes only what a shell would split or expand. */
static void
append_arg (GString    *line,
            const char *arg)
{
  gboolean plain = *arg != '\0';

  for (const char *p = arg; *p && plain; p++)
    plain = g_ascii_isalnum (*p) || strchr ("-_./:=@%+,[]", *p) != NULL;
  if (line->len > 0)
    g_string_append_c (line, ' ');
  if (plain)
    g_string_append (line, arg);
  else
    {
      g_autofree char *quoted = g_shell_quote (arg);
      g_string_append (line, quoted);
    }
}

/* A throwaway certificate (made at each start) cannot be given to clients:
 * they do not check it. */
static gboolean
is_throwaway (const IcProfile *profile)
{
  return profile->tls && profile->self_signed;
}

static char *
openssl_command (const IcProfile *profile,
                 const char      *host,
                 guint            port,
                 const char      *trust_file)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *target = ic__format_peer (host, port);
  gboolean address = g_hostname_is_ip_address (host);

  if (!profile->tls)
    {
      /* plain TCP: netcat is what people have at hand */
      append_arg (line, "nc");
      append_arg (line, host);
      g_string_append_printf (line, " %u", port);
      return g_string_free (g_steal_pointer (&line), FALSE);
    }
  append_arg (line, "openssl");
  append_arg (line, "s_client");
  append_arg (line, "-brief");
  append_arg (line, "-connect");
  append_arg (line, target);
  if (!address)
    {
      append_arg (line, "-servername");
      append_arg (line, host);
    }
  if (profile->min_tls == INET_PROTOCOL_TLS1_3)
    append_arg (line, "-tls1_3");
  if (is_set (trust_file))
    {
      append_arg (line, "-CAfile");
      append_arg (line, trust_file);
    }
  /* check the name as a browser would, and stop on a bad certificate */
  if (!is_throwaway (profile))
    {
      append_arg (line, address ? "-verify_ip" : "-verify_hostname");
      append_arg (line, host);
      append_arg (line, "-verify_return_error");
    }
  if (profile->client_cert == IC_CLIENT_CERT_REQUIRE)
    {
      append_arg (line, "-cert");
      append_arg (line, "client.pem");
      append_arg (line, "-key");
      append_arg (line, "client.key");
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static char *
curl_command (const IcProfile *profile,
              const char      *host,
              guint            port,
              const char      *trust_file)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *target = ic__format_peer (host, port);
  g_autofree char *url = g_strdup_printf ("%s://%s/", profile->tls ? "https" : "http", target);

  append_arg (line, "curl");
  if (profile->tls)
    {
      if (is_set (trust_file))
        {
          append_arg (line, "--cacert");
          append_arg (line, trust_file);
        }
      else if (is_throwaway (profile))
        append_arg (line, "--insecure");
      if (profile->min_tls == INET_PROTOCOL_TLS1_3)
        append_arg (line, "--tlsv1.3");
      if (profile->client_cert == IC_CLIENT_CERT_REQUIRE)
        {
          append_arg (line, "--cert");
          append_arg (line, "client.pem");
          append_arg (line, "--key");
          append_arg (line, "client.key");
        }
    }
  /* curl reads [::1] in a URL as a glob without this */
  if (strchr (host, ':') != NULL)
    append_arg (line, "--globoff");
  append_arg (line, url);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

char *
ic_client_command (const IcProfile     *profile,
                   guint                port,
                   const char          *trust_file,
                   IcClientCommandKind  kind)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (profile != NULL, NULL);

  host = ic_client_command_host (profile);
  if (kind == IC_CLIENT_COMMAND_CURL)
    return curl_command (profile, host, port, trust_file);
  return openssl_command (profile, host, port, trust_file);
}
