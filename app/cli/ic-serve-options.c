/* ic-serve-options.c - GOptionContext for inet-serve.
 *
 * Numbers are parsed by our own callbacks so that a bad value is named
 * with its option and the accepted range. A --profile is loaded first and
 * every option given on the command line overrides its value.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-serve-options.h"

#include <ic-credentials.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inet-server.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNSET (-1)

typedef struct
{
  char *service;
  char *banner;
  char *http_body;
  char *priority;
  char *events;
  char *profile;
  gint64 backlog;
  gint64 max_clients;
  gint64 max_per_address;
  gint64 accept_interval;
  gint64 timeout;
  gint64 linger;
  gint64 rate_limit;
  gboolean reuseaddr;
  gboolean nodelay;
  gboolean keepalive;
  gboolean dontroute;
  gboolean tls;
  gboolean self_signed;
  gboolean version;
  char *cert;
  char *key;
  char *key_password_file;
  char *pkcs12;
  char *password_file;
  char **rest;
} Args;

typedef struct
{
  const char *option;
  gsize offset;
  gint64 max;
  const char *unit;
} NumberOption;

static const NumberOption number_options[] = {
  { "--backlog", G_STRUCT_OFFSET (Args, backlog), IC_PROFILE_MAX_BACKLOG, N_("connections") },
  { "--max-clients", G_STRUCT_OFFSET (Args, max_clients), IC_PROFILE_MAX_CLIENTS, N_("clients") },
  { "--max-per-address", G_STRUCT_OFFSET (Args, max_per_address), IC_PROFILE_MAX_CLIENTS,
    N_("clients") },
  { "--accept-interval", G_STRUCT_OFFSET (Args, accept_interval), IC_PROFILE_MAX_ACCEPT_MS,
    N_("milliseconds") },
  { "--timeout", G_STRUCT_OFFSET (Args, timeout), IC_PROFILE_MAX_TIMEOUT, N_("seconds") },
  { "--linger", G_STRUCT_OFFSET (Args, linger), IC_PROFILE_MAX_LINGER, N_("seconds") },
  { "--rate-limit", G_STRUCT_OFFSET (Args, rate_limit), IC_PROFILE_MAX_RATE,
    N_("bytes per second") },
};

static gboolean
parse_number_cb (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  Args *args = data;

  for (guint i = 0; i < G_N_ELEMENTS (number_options); i++)
    {
      const NumberOption *option = &number_options[i];
      guint64 number = 0;
      g_autofree char *text = NULL;

      if (!g_str_equal (option_name, option->option))
        continue;
      text = g_strstrip (g_strdup (value));
      if (!g_ascii_string_to_unsigned (text, 10, 0, (guint64) option->max, &number, NULL))
        {
          /* the number formatted first: xgettext cannot read G_GINT64_FORMAT */
          g_autofree char *max = g_strdup_printf ("%" G_GINT64_FORMAT, option->max);

          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s: \"%s\" is not a number from 0 to %s (%s)"), option_name, value, max,
                       _(option->unit));
          return FALSE;
        }
      G_STRUCT_MEMBER (gint64, args, option->offset) = (gint64) number;
      return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, _("unknown option %s"),
               option_name);
  return FALSE;
}

static const char *
service_list (void)
{
  return "echo, discard, chargen, daytime, banner, http, manual";
}

static gboolean
usage_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

/* "[HOST:]PORT" -> host (NULL = all IPv4) and port. */
static gboolean
parse_address (const char  *text,
               char       **host,
               guint       *port,
               GError     **error)
{
  g_autofree char *host_part = NULL;
  const char *port_part;
  guint64 number;

  *host = NULL;
  *port = 0;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        return usage_error (error, _("\"%s\": write an IPv6 address as [ADDRESS]:PORT"), text);
      host_part = g_strndup (text + 1, (gsize) (close - text - 1));
      if (*host_part == '\0' || strchr (host_part, ':') == NULL)
        return usage_error (error, _("\"%s\": \"%s\" is not an IPv6 address"), text, host_part);
      port_part = close + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon != NULL && strchr (text, ':') != colon)
        return usage_error (error, _("\"%s\": write an IPv6 address in brackets, as [::1]:7000"),
                            text);
      if (colon != NULL)
        {
          host_part = g_strndup (text, (gsize) (colon - text));
          port_part = colon + 1;
        }
      else
        port_part = text;
    }
  if (!g_ascii_string_to_unsigned (port_part, 10, 0, 65535, &number, NULL))
    return usage_error (error, _("\"%s\": \"%s\" is not a port from 0 to 65535"), text,
                        port_part);
  if (host_part != NULL && *host_part != '\0')
    *host = g_steal_pointer (&host_part);
  *port = (guint) number;
  return TRUE;
}

/* The first line of a password file, without its line end. */
static char *
read_password (const char  *option,
               const char  *path,
               GError     **error)
{
  g_autoptr (GError) local = NULL;
  char *password = ic_read_password_file (path, &local);

  if (password == NULL)
    usage_error (error, _("%s: cannot read \"%s\": %s"), option, path, local->message);
  return password;
}

static gboolean
check_tls (Args       *args,
           GError    **error)
{
  struct
  {
    const char *option;
    gboolean given;
  } tls_only[] = {
    { "--cert", args->cert != NULL },
    { "--key", args->key != NULL },
    { "--key-password-file", args->key_password_file != NULL },
    { "--pkcs12", args->pkcs12 != NULL },
    { "--password-file", args->password_file != NULL },
    { "--self-signed", args->self_signed },
  };
  int sources = (args->cert != NULL) + (args->pkcs12 != NULL) + (args->self_signed != 0);

  if (!args->tls)
    {
      for (guint i = 0; i < G_N_ELEMENTS (tls_only); i++)
        if (tls_only[i].given)
          return usage_error (error, _("%s is a TLS option: add --tls"), tls_only[i].option);
      return TRUE;
    }
  if (sources > 1)
    return usage_error (error, _("--tls: give one of --cert, --pkcs12 or --self-signed"));
  if (args->key != NULL && args->cert == NULL)
    return usage_error (error, _("--key \"%s\" needs --cert"), args->key);
  if (args->key_password_file != NULL && args->cert == NULL)
    return usage_error (error, _("--key-password-file goes with --cert and --key "
                                 "(use --password-file with --pkcs12)"));
  if (args->password_file != NULL && args->pkcs12 == NULL)
    return usage_error (error, _("--password-file goes with --pkcs12 "
                                 "(use --key-password-file with --cert)"));
  return TRUE;
}

/* The command line over the profile (or the defaults). */
static gboolean
apply (Args           *args,
       IcServeConfig  *config,
       GError        **error)
{
  IcProfile *profile = config->profile;
  g_autoptr (GError) local = NULL;

  if (args->rest != NULL && args->rest[0] != NULL)
    {
      g_autofree char *host = NULL;
      guint port = 0;

      if (args->rest[1] != NULL)
        return usage_error (error, _("unexpected argument \"%s\" (one [HOST:]PORT only)"),
                            args->rest[1]);
      if (args->rest[0][0] == '-' && args->rest[0][1] != '\0')
        return usage_error (error, _("unknown option %s"), args->rest[0]);
      if (!parse_address (args->rest[0], &host, &port, error))
        return FALSE;
      g_free (profile->host);
      profile->host = g_steal_pointer (&host);
      profile->port = port;
    }
  else if (args->profile == NULL)
    return usage_error (error, _("missing [HOST:]PORT (0 picks a free port)"));

  if (args->service != NULL && !ic_service_kind_from_string (args->service, &profile->service))
    return usage_error (error, _("--service: \"%s\" is not one of %s"), args->service,
                        service_list ());
  if (args->banner != NULL)
    {
      g_free (profile->banner);
      profile->banner = g_strdup (args->banner);
    }
  if (args->http_body != NULL)
    {
      if (!g_file_test (args->http_body, G_FILE_TEST_IS_REGULAR)
          || g_access (args->http_body, R_OK) != 0)
        return usage_error (error, _("--http-body: cannot read \"%s\""), args->http_body);
      g_free (profile->http_body_file);
      profile->http_body_file = g_strdup (args->http_body);
    }
  if (args->priority != NULL && !ic_priority_from_string (args->priority, &profile->priority))
    return usage_error (error,
                        _("--priority: \"%s\" is not one of background, low, normal, high, "
                          "critical"), args->priority);
  if (args->events != NULL && !ic_events_format_from_string (args->events, &config->events))
    return usage_error (error, _("--events: \"%s\" is not one of text, json, none"),
                        args->events);

  if (args->backlog != UNSET)
    profile->backlog = (guint) args->backlog;
  if (args->max_clients != UNSET)
    profile->max_clients = (guint) args->max_clients;
  if (args->max_per_address != UNSET)
    profile->max_per_address = (guint) args->max_per_address;
  if (args->accept_interval != UNSET)
    profile->accept_interval = (guint) args->accept_interval;
  if (args->timeout != UNSET)
    profile->timeout = (guint) args->timeout;
  if (args->linger != UNSET)
    profile->linger = (int) args->linger;
  if (args->rate_limit != UNSET)
    profile->rate_limit = (guint) args->rate_limit;
  if (args->reuseaddr)
    profile->options |= INET_OPTION_REUSEADDR;
  if (args->nodelay)
    profile->options |= INET_OPTION_NODELAY;
  if (args->keepalive)
    profile->options |= INET_OPTION_KEEPALIVE;
  if (args->dontroute)
    profile->options |= INET_OPTION_DONTROUTE;

  if (!check_tls (args, error))
    return FALSE;
  if (args->tls)
    {
      profile->tls = TRUE;
      if (args->cert != NULL || args->pkcs12 != NULL || args->self_signed)
        {
          /* the command line names its own certificate */
          g_clear_pointer (&profile->cert_file, g_free);
          g_clear_pointer (&profile->key_file, g_free);
          g_clear_pointer (&profile->pkcs12_file, g_free);
          g_clear_pointer (&profile->password_file, g_free);
          profile->self_signed = args->self_signed;
          profile->cert_file = g_strdup (args->cert);
          profile->key_file = g_strdup (args->key);
          profile->pkcs12_file = g_strdup (args->pkcs12);
          profile->password_file = g_strdup (args->key_password_file ? args->key_password_file
                                                                     : args->password_file);
        }
    }
  if (profile->tls && profile->password_file != NULL)
    {
      config->password = read_password (args->pkcs12 ? "--password-file"
                                        : args->cert ? "--key-password-file"
                                                     : "PasswordFile",
                                        profile->password_file, error);
      if (config->password == NULL)
        return FALSE;
    }

  if (!ic_profile_validate (profile, &local))
    return usage_error (error, "%s%s", args->profile ? "--profile: " : "", local->message);
  return TRUE;
}

gboolean
ic_serve_config_parse (IcServeConfig  *config,
                       int            *argc,
                       char         ***argv,
                       GError        **error)
{
  Args args = {
    .backlog = UNSET,
    .max_clients = UNSET,
    .max_per_address = UNSET,
    .accept_interval = UNSET,
    .timeout = UNSET,
    .linger = UNSET,
    .rate_limit = UNSET,
  };
  const GOptionEntry entries[] = {
    { "service", 0, 0, G_OPTION_ARG_STRING, &args.service,
      N_("What to serve: echo (default), discard, chargen, daytime, banner, http, manual"),
      N_("NAME") },
    { "banner", 0, 0, G_OPTION_ARG_STRING, &args.banner,
      N_("Text for the banner service; with another service, a greeting. Macros: {client} "
         "{peer} {time} {date}; escapes \\r \\n"), N_("TEXT") },
    { "http-body", 0, 0, G_OPTION_ARG_FILENAME, &args.http_body,
      N_("Body for the http service (default: a short text)"), N_("FILE") },
    { "backlog", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Listen backlog (0: the system maximum)"), N_("N") },
    { "max-clients", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Clients at once, more are refused (0: no limit)"), N_("N") },
    { "max-per-address", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Clients at once from one address (0: no limit)"), N_("N") },
    { "accept-interval", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Least time between two accepts (0: none)"), N_("MS") },
    { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Idle time that raises a timeout event, and the limit of a blocking write (0: none)"),
      N_("SECONDS") },
    { "priority", 0, 0, G_OPTION_ARG_STRING, &args.priority,
      N_("Thread priority: background, low, normal (default), high, critical"), N_("LEVEL") },
    { "reuseaddr", 0, 0, G_OPTION_ARG_NONE, &args.reuseaddr,
      N_("Listen even while old connections to the port are in TIME_WAIT"), NULL },
    { "nodelay", 0, 0, G_OPTION_ARG_NONE, &args.nodelay, N_("TCP_NODELAY on every client"), NULL },
    { "keepalive", 0, 0, G_OPTION_ARG_NONE, &args.keepalive, N_("TCP keep-alive on every client"),
      NULL },
    { "dontroute", 0, 0, G_OPTION_ARG_NONE, &args.dontroute, N_("SO_DONTROUTE on every client"),
      NULL },
    { "linger", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("How server-initiated closes behave: 0 resets, N waits up to N seconds for the client "
         "to take the data (default: a graceful close in the background)"), N_("SECONDS") },
    { "rate-limit", 0, 0, G_OPTION_ARG_CALLBACK, parse_number_cb,
      N_("Bandwidth cap of each client, each direction (0: none)"), N_("BYTES") },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &args.tls,
      N_("Serve TLS, with --cert and --key, --pkcs12 or --self-signed"), NULL },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &args.cert,
      N_("PEM certificate (and chain; the key too if --key is not given)"), N_("FILE") },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &args.key, N_("PEM private key"), N_("FILE") },
    { "key-password-file", 0, 0, G_OPTION_ARG_FILENAME, &args.key_password_file,
      N_("File whose first line is the password of the key"), N_("FILE") },
    { "pkcs12", 0, 0, G_OPTION_ARG_FILENAME, &args.pkcs12,
      N_("PKCS#12 file with the certificate and key"), N_("FILE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &args.password_file,
      N_("File whose first line is the password of the PKCS#12 file"), N_("FILE") },
    { "self-signed", 0, 0, G_OPTION_ARG_NONE, &args.self_signed,
      N_("Make a throwaway certificate for localhost"), NULL },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &args.profile,
      N_("Load a profile saved by the console (options given here override it)"), N_("NAME") },
    { "events", 0, 0, G_OPTION_ARG_STRING, &args.events,
      N_("Event stream on stdout: text (default), json (JSON Lines) or none"), N_("FORMAT") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &args.version, N_("Print the version and exit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args.rest, NULL, NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = NULL;
  GOptionGroup *group;
  gboolean ok = FALSE;

  memset (config, 0, sizeof *config);
  config->events = IC_EVENTS_TEXT;

  context = g_option_context_new (_("[HOST:]PORT - serve a test TCP or TLS service"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (
    context,
    _("Hosts one test server (echo, discard, chargen, daytime, banner, http or manual) and "
      "writes an event per connection, disconnection, timeout and refusal to stdout.\n"
      "HOST defaults to all IPv4 addresses; write IPv6 in brackets ([::1]:7000); [::]:PORT "
      "serves IPv4 and IPv6; PORT 0 picks a free port."));
  g_option_context_set_description (
    context,
    _("Signals: SIGINT/SIGTERM stop gracefully, SIGUSR1 suspends, SIGUSR2 resumes, SIGHUP "
      "restarts.\nExit status: 0 stopped, 1 could not start, 2 bad usage."));
  group = g_option_group_new (NULL, NULL, NULL, &args, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, argc, argv, error))
    goto out;
  if (args.version)
    {
      g_print ("inet-serve %s\n", PACKAGE_VERSION);
      exit (0);
    }

  if (args.profile != NULL)
    {
      g_autoptr (GError) local = NULL;

      config->profile = ic_profile_load (args.profile, NULL, &local);
      if (config->profile == NULL)
        {
          usage_error (error, _("--profile: %s"), local->message);
          goto out;
        }
    }
  else
    {
      config->profile = ic_profile_new ();
      g_clear_pointer (&config->profile->host, g_free); /* all IPv4 */
    }
  ok = apply (&args, config, error);

out:
  g_free (args.service);
  g_free (args.banner);
  g_free (args.http_body);
  g_free (args.priority);
  g_free (args.events);
  g_free (args.profile);
  g_free (args.cert);
  g_free (args.key);
  g_free (args.key_password_file);
  g_free (args.pkcs12);
  g_free (args.password_file);
  g_strfreev (args.rest);
  if (!ok)
    ic_serve_config_clear (config);
  return ok;
}

void
ic_serve_config_clear (IcServeConfig *config)
{
  g_clear_pointer (&config->profile, ic_profile_free);
  if (config->password != NULL)
    explicit_bzero (config->password, strlen (config->password));
  g_clear_pointer (&config->password, g_free);
}
