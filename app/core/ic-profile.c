/* ic-profile.c - saved server profiles as GKeyFile.
 *
 * One file per profile, $XDG_CONFIG_HOME/inet-console/profiles/NAME.profile:
 *
 *   [Profile]   Version=1, Name, Autostart
 *   [Server]    Host, Port, Backlog, MaxClients, Timeout, Priority
 *               (background|low|normal|high|critical), ReuseAddress,
 *               NoDelay, KeepAlive, DontRoute
 *   [Limits]    MaxPerAddress, AcceptInterval (ms), RateLimit (bytes/s),
 *               Linger (seconds, -1 = graceful background close)
 *   [Service]   Kind (echo|discard|chargen|daytime|banner|http|manual),
 *               Banner, HttpBody, HttpBodyFile
 *   [Rule N]    N = 1, 2, ... in order: Match (contains|starts-with|regex),
 *               Pattern, Reply, ReplyIsHex
 *   [TLS]       Enabled, CertFile, KeyFile, Pkcs12File, PasswordFile,
 *               SelfSigned, MinVersion (1.2|1.3),
 *               ClientCertificate (none|request|require), CAFile
 *
 * Missing keys take the defaults of ic_profile_new; unknown groups and keys
 * are ignored (a newer console may add some). The password is never saved.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-profile.h"
#include "ic-service.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <inet-server.h>
#include <string.h>

#define PROFILE_VERSION   1
#define PROFILE_SUFFIX    ".profile"
#define NAME_MAX_CHARS    64
#define MAX_PORT          65535
#define MAX_RULES         256
#define KNOWN_OPTIONS     (INET_OPTION_REUSEADDR | INET_OPTION_DONTROUTE | INET_OPTION_KEEPALIVE \
                           | INET_OPTION_NODELAY | INET_OPTION_SECURE | INET_OPTION_NOINHERIT    \
                           | INET_OPTION_EXCLUSIVE)

G_DEFINE_QUARK (ic-profile-error-quark, ic_profile_error)
G_DEFINE_BOXED_TYPE (IcProfile, ic_profile, ic_profile_copy, ic_profile_free)

/* ------------------------------------------------------------ enum names */

static const char *const service_names[] = {
  [IC_SERVICE_ECHO] = "echo",
  [IC_SERVICE_DISCARD] = "discard",
  [IC_SERVICE_CHARGEN] = "chargen",
  [IC_SERVICE_DAYTIME] = "daytime",
  [IC_SERVICE_BANNER] = "banner",
  [IC_SERVICE_HTTP] = "http",
  [IC_SERVICE_MANUAL] = "manual",
};

static const char *const match_names[] = {
  [IC_RULE_CONTAINS] = "contains",
  [IC_RULE_STARTS_WITH] = "starts-with",
  [IC_RULE_REGEX] = "regex",
};

static const char *const priority_names[] = {
  [INET_PRIORITY_BACKGROUND] = "background",
  [INET_PRIORITY_LOW] = "low",
  [INET_PRIORITY_NORMAL] = "normal",
  [INET_PRIORITY_HIGH] = "high",
  [INET_PRIORITY_CRITICAL] = "critical",
};

static const char *const client_cert_names[] = {
  [IC_CLIENT_CERT_NONE] = "none",
  [IC_CLIENT_CERT_REQUEST] = "request",
  [IC_CLIENT_CERT_REQUIRE] = "require",
};

static int
name_index (const char *const *names,
            guint             n_names,
            const char       *text)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_ascii_strcasecmp (names[i], text) == 0)
      return (int) i;
  return -1;
}

const char *
ic_service_kind_to_string (IcServiceKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (service_names))
    return NULL;
  return service_names[kind];
}

gboolean
ic_service_kind_from_string (const char    *text,
                             IcServiceKind *kind)
{
  int i = name_index (service_names, G_N_ELEMENTS (service_names), text);

  if (i < 0)
    return FALSE;
  if (kind != NULL)
    *kind = (IcServiceKind) i;
  return TRUE;
}

gboolean
ic_priority_from_string (const char *text,
                         guint      *priority)
{
  int i = name_index (priority_names, G_N_ELEMENTS (priority_names), text);

  if (i < 0)
    return FALSE;
  *priority = (guint) i;
  return TRUE;
}

/* ------------------------------------------------------------ lifecycle */

IcRule *
ic_rule_new (IcRuleMatch  match,
             const char  *pattern,
             const char  *reply,
             gboolean     reply_is_hex)
{
  IcRule *rule = g_new0 (IcRule, 1);

  rule->match = match;
  rule->pattern = g_strdup (pattern ? pattern : "");
  rule->reply = g_strdup (reply ? reply : "");
  rule->reply_is_hex = reply_is_hex;
  return rule;
}

void
ic_rule_free (IcRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->pattern);
  g_free (rule->reply);
  g_free (rule);
}

IcProfile *
ic_profile_new (void)
{
  IcProfile *profile = g_new0 (IcProfile, 1);

  profile->host = g_strdup ("127.0.0.1");
  profile->priority = INET_PRIORITY_NORMAL;
  profile->linger = -1;
  profile->service = IC_SERVICE_ECHO;
  profile->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) ic_rule_free);
  return profile;
}

IcProfile *
ic_profile_copy (const IcProfile *profile)
{
  IcProfile *copy;

  g_return_val_if_fail (profile != NULL, NULL);

  copy = g_memdup2 (profile, sizeof *profile);
  copy->name = g_strdup (profile->name);
  copy->host = g_strdup (profile->host);
  copy->banner = g_strdup (profile->banner);
  copy->http_body = g_strdup (profile->http_body);
  copy->http_body_file = g_strdup (profile->http_body_file);
  copy->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) ic_rule_free);
  for (guint i = 0; profile->rules != NULL && i < profile->rules->len; i++)
    {
      const IcRule *rule = g_ptr_array_index (profile->rules, i);

      g_ptr_array_add (copy->rules,
                       ic_rule_new (rule->match, rule->pattern, rule->reply, rule->reply_is_hex));
    }
  copy->cert_file = g_strdup (profile->cert_file);
  copy->key_file = g_strdup (profile->key_file);
  copy->pkcs12_file = g_strdup (profile->pkcs12_file);
  copy->password_file = g_strdup (profile->password_file);
  copy->password = g_strdup (profile->password);
  copy->ca_file = g_strdup (profile->ca_file);
  return copy;
}

void
ic_profile_free (IcProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->name);
  g_free (profile->host);
  g_free (profile->banner);
  g_free (profile->http_body);
  g_free (profile->http_body_file);
  g_clear_pointer (&profile->rules, g_ptr_array_unref);
  g_free (profile->cert_file);
  g_free (profile->key_file);
  g_free (profile->pkcs12_file);
  g_free (profile->password_file);
  if (profile->password != NULL)
    explicit_bzero (profile->password, strlen (profile->password));
  g_free (profile->password);
  g_free (profile->ca_file);
  g_free (profile);
}

/* ----------------------------------------------------------- validation */

static gboolean
name_is_valid (const char *name)
{
  glong n_chars;

  if (name == NULL || *name == '\0' || *name == '.' || *name == ' ')
    return FALSE;
  if (!g_utf8_validate (name, -1, NULL))
    return FALSE;
  n_chars = g_utf8_strlen (name, -1);
  if (n_chars > NAME_MAX_CHARS || g_str_has_suffix (name, " "))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalnum (c) && c != '-' && c != '_' && c != '.' && c != ' ')
        return FALSE;
    }
  return TRUE;
}

static gboolean
invalid (GError    **error,
         const char *group,
         const char *key,
         const char *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
invalid (GError    **error,
         const char *group,
         const char *key,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_INVALID, "[%s] %s: %s", group, key,
               what);
  return FALSE;
}

static gboolean
check_range (GError    **error,
             const char *group,
             const char *key,
             gint64      value,
             gint64      min,
             gint64      max)
{
  if (value >= min && value <= max)
    return TRUE;
  return invalid (error, group, key, "%" G_GINT64_FORMAT " is out of range (%" G_GINT64_FORMAT
                  "..%" G_GINT64_FORMAT ")", value, min, max);
}

static gboolean
validate_rule (const IcRule *rule,
               guint         number,
               GError      **error)
{
  g_autofree char *group = g_strdup_printf ("Rule %u", number);

  if ((guint) rule->match >= G_N_ELEMENTS (match_names))
    return invalid (error, group, "Match", "%d is not a match kind", (int) rule->match);
  if (rule->pattern == NULL || *rule->pattern == '\0')
    return invalid (error, group, "Pattern", "empty");
  if (rule->match == IC_RULE_REGEX)
    {
      g_autoptr (GRegex) regex = NULL;
      g_autoptr (GError) local = NULL;

      regex = g_regex_new (rule->pattern, G_REGEX_RAW, 0, &local);
      if (regex == NULL)
        return invalid (error, group, "Pattern", "\"%s\" is not a regular expression: %s",
                        rule->pattern, local->message);
    }
  if (rule->reply_is_hex)
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) local = NULL;

      bytes = ic_hex_parse (rule->reply ? rule->reply : "", &local);
      if (bytes == NULL)
        return invalid (error, group, "Reply", "%s", local->message);
    }
  return TRUE;
}

gboolean
ic_profile_validate (const IcProfile  *profile,
                     GError          **error)
{
  g_return_val_if_fail (profile != NULL, FALSE);

  if (profile->name != NULL && !name_is_valid (profile->name))
    return invalid (error, "Profile", "Name",
                    "\"%s\" is not a valid name (letters, digits, - _ . and spaces, "
                    "up to %d characters, not starting with . or a space)",
                    profile->name, NAME_MAX_CHARS);
  if (profile->host != NULL)
    for (const char *p = profile->host; *p != '\0'; p++)
      if (g_ascii_isspace (*p) || !g_ascii_isprint (*p))
        return invalid (error, "Server", "Host", "\"%s\" is not a host address", profile->host);
  if (!check_range (error, "Server", "Port", profile->port, 0, MAX_PORT)
      || !check_range (error, "Server", "Backlog", profile->backlog, 0, IC_PROFILE_MAX_BACKLOG)
      || !check_range (error, "Server", "MaxClients", profile->max_clients, 0,
                       IC_PROFILE_MAX_CLIENTS)
      || !check_range (error, "Server", "Timeout", profile->timeout, 0, IC_PROFILE_MAX_TIMEOUT))
    return FALSE;
  if (profile->priority >= G_N_ELEMENTS (priority_names))
    return invalid (error, "Server", "Priority", "%u is not a priority", profile->priority);
  if (profile->options & ~(guint) KNOWN_OPTIONS)
    return invalid (error, "Server", "Options", "unknown option bits 0x%x",
                    profile->options & ~(guint) KNOWN_OPTIONS);

  if (!check_range (error, "Limits", "MaxPerAddress", profile->max_per_address, 0,
                    IC_PROFILE_MAX_CLIENTS)
      || !check_range (error, "Limits", "AcceptInterval", profile->accept_interval, 0,
                       IC_PROFILE_MAX_ACCEPT_MS)
      || !check_range (error, "Limits", "RateLimit", profile->rate_limit, 0, IC_PROFILE_MAX_RATE)
      || !check_range (error, "Limits", "Linger", profile->linger, -1, IC_PROFILE_MAX_LINGER))
    return FALSE;

  if ((guint) profile->service >= G_N_ELEMENTS (service_names))
    return invalid (error, "Service", "Kind", "%d is not a service", (int) profile->service);
  if (profile->rules != NULL)
    {
      if (profile->rules->len > MAX_RULES)
        return invalid (error, "Rule", "count", "%u rules, at most %d", profile->rules->len,
                        MAX_RULES);
      for (guint i = 0; i < profile->rules->len; i++)
        if (!validate_rule (g_ptr_array_index (profile->rules, i), i + 1, error))
          return FALSE;
    }

  if (profile->min_tls != INET_PROTOCOL_DEFAULT && profile->min_tls != INET_PROTOCOL_TLS1_2
      && profile->min_tls != INET_PROTOCOL_TLS1_3)
    return invalid (error, "TLS", "MinVersion", "0x%x is not a TLS version", profile->min_tls);
  if ((guint) profile->client_cert >= G_N_ELEMENTS (client_cert_names))
    return invalid (error, "TLS", "ClientCertificate", "%d is not a mode",
                    (int) profile->client_cert);
  if (profile->tls)
    {
      gboolean has_pem = profile->cert_file != NULL && *profile->cert_file != '\0';
      gboolean has_p12 = profile->pkcs12_file != NULL && *profile->pkcs12_file != '\0';
      gboolean has_key = profile->key_file != NULL && *profile->key_file != '\0';

      if (profile->self_signed && (has_pem || has_p12))
        return invalid (error, "TLS", "SelfSigned",
                        "a self-signed certificate and a certificate file exclude each other");
      if (has_pem && has_p12)
        return invalid (error, "TLS", "Pkcs12File",
                        "a PKCS#12 file and a PEM certificate exclude each other");
      if (!profile->self_signed && !has_pem && !has_p12)
        return invalid (error, "TLS", "CertFile",
                        "TLS needs a certificate (CertFile, Pkcs12File or SelfSigned)");
      if (has_key && !has_pem)
        return invalid (error, "TLS", "KeyFile", "a key file needs a PEM certificate (CertFile)");
      if (profile->client_cert != IC_CLIENT_CERT_NONE
          && (profile->ca_file == NULL || *profile->ca_file == '\0'))
        return invalid (error, "TLS", "CAFile", "client certificates need a CA file");
    }
  return TRUE;
}

/* ------------------------------------------------------------ key files */

static void
set_string (GKeyFile   *file,
            const char *group,
            const char *key,
            const char *value)
{
  if (value != NULL && *value != '\0')
    g_key_file_set_string (file, group, key, value);
}

static GKeyFile *
profile_to_key_file (const IcProfile *profile)
{
  GKeyFile *file = g_key_file_new ();

  g_key_file_set_integer (file, "Profile", "Version", PROFILE_VERSION);
  set_string (file, "Profile", "Name", profile->name);
  g_key_file_set_boolean (file, "Profile", "Autostart", profile->autostart);

  g_key_file_set_string (file, "Server", "Host", profile->host ? profile->host : "");
  g_key_file_set_uint64 (file, "Server", "Port", profile->port);
  g_key_file_set_uint64 (file, "Server", "Backlog", profile->backlog);
  g_key_file_set_uint64 (file, "Server", "MaxClients", profile->max_clients);
  g_key_file_set_uint64 (file, "Server", "Timeout", profile->timeout);
  g_key_file_set_string (file, "Server", "Priority",
                         profile->priority < G_N_ELEMENTS (priority_names)
                           ? priority_names[profile->priority]
                           : "normal");
  g_key_file_set_boolean (file, "Server", "ReuseAddress",
                          (profile->options & INET_OPTION_REUSEADDR) != 0);
  g_key_file_set_boolean (file, "Server", "NoDelay", (profile->options & INET_OPTION_NODELAY) != 0);
  g_key_file_set_boolean (file, "Server", "KeepAlive",
                          (profile->options & INET_OPTION_KEEPALIVE) != 0);
  g_key_file_set_boolean (file, "Server", "DontRoute",
                          (profile->options & INET_OPTION_DONTROUTE) != 0);

  g_key_file_set_uint64 (file, "Limits", "MaxPerAddress", profile->max_per_address);
  g_key_file_set_uint64 (file, "Limits", "AcceptInterval", profile->accept_interval);
  g_key_file_set_uint64 (file, "Limits", "RateLimit", profile->rate_limit);
  g_key_file_set_integer (file, "Limits", "Linger", profile->linger);

  g_key_file_set_string (file, "Service", "Kind",
                         ic_service_kind_to_string (profile->service)
                           ? ic_service_kind_to_string (profile->service)
                           : "echo");
  set_string (file, "Service", "Banner", profile->banner);
  set_string (file, "Service", "HttpBody", profile->http_body);
  set_string (file, "Service", "HttpBodyFile", profile->http_body_file);

  for (guint i = 0; profile->rules != NULL && i < profile->rules->len; i++)
    {
      const IcRule *rule = g_ptr_array_index (profile->rules, i);
      g_autofree char *group = g_strdup_printf ("Rule %u", i + 1);

      g_key_file_set_string (file, group, "Match",
                             (guint) rule->match < G_N_ELEMENTS (match_names)
                               ? match_names[rule->match]
                               : "contains");
      g_key_file_set_string (file, group, "Pattern", rule->pattern ? rule->pattern : "");
      g_key_file_set_string (file, group, "Reply", rule->reply ? rule->reply : "");
      g_key_file_set_boolean (file, group, "ReplyIsHex", rule->reply_is_hex);
    }

  g_key_file_set_boolean (file, "TLS", "Enabled", profile->tls);
  set_string (file, "TLS", "CertFile", profile->cert_file);
  set_string (file, "TLS", "KeyFile", profile->key_file);
  set_string (file, "TLS", "Pkcs12File", profile->pkcs12_file);
  set_string (file, "TLS", "PasswordFile", profile->password_file);
  g_key_file_set_boolean (file, "TLS", "SelfSigned", profile->self_signed);
  g_key_file_set_string (file, "TLS", "MinVersion",
                         profile->min_tls == INET_PROTOCOL_TLS1_3 ? "1.3" : "1.2");
  g_key_file_set_string (file, "TLS", "ClientCertificate",
                         (guint) profile->client_cert < G_N_ELEMENTS (client_cert_names)
                           ? client_cert_names[profile->client_cert]
                           : "none");
  set_string (file, "TLS", "CAFile", profile->ca_file);
  return file;
}

char *
ic_profile_to_data (const IcProfile *profile,
                    gsize           *length)
{
  g_autoptr (GKeyFile) file = NULL;

  g_return_val_if_fail (profile != NULL, NULL);

  file = profile_to_key_file (profile);
  return g_key_file_to_data (file, length, NULL);
}

/* Readers: a missing key keeps the default; a present key of the wrong
 * type is a parse error naming the key. */
typedef struct
{
  GKeyFile *file;
  GError **error;
  gboolean failed;
} Reader;

static gboolean
reader_has (Reader     *reader,
            const char *group,
            const char *key)
{
  return !reader->failed && g_key_file_has_key (reader->file, group, key, NULL);
}

static void
reader_fail (Reader     *reader,
             int         code,
             const char *group,
             const char *key,
             const char *what)
{
  g_autofree char *raw = g_key_file_get_value (reader->file, group, key, NULL);

  if (reader->failed)
    return;
  reader->failed = TRUE;
  g_set_error (reader->error, IC_PROFILE_ERROR, code, "[%s] %s: \"%s\" is not %s", group, key,
               raw ? raw : "", what);
}

static void
read_uint (Reader     *reader,
           const char *group,
           const char *key,
           guint      *value)
{
  g_autofree char *raw = NULL;
  guint64 number;

  if (!reader_has (reader, group, key))
    return;
  raw = g_key_file_get_value (reader->file, group, key, NULL);
  g_strstrip (raw);
  if (!g_ascii_string_to_unsigned (raw, 10, 0, G_MAXUINT64, &number, NULL))
    {
      reader_fail (reader, IC_PROFILE_ERROR_PARSE, group, key, "a number");
      return;
    }
  if (number > G_MAXUINT)
    {
      reader_fail (reader, IC_PROFILE_ERROR_INVALID, group, key, "in range");
      return;
    }
  *value = (guint) number;
}

static void
read_int (Reader     *reader,
          const char *group,
          const char *key,
          int        *value)
{
  g_autofree char *raw = NULL;
  gint64 number;

  if (!reader_has (reader, group, key))
    return;
  raw = g_key_file_get_value (reader->file, group, key, NULL);
  g_strstrip (raw);
  if (!g_ascii_string_to_signed (raw, 10, G_MININT64, G_MAXINT64, &number, NULL))
    {
      reader_fail (reader, IC_PROFILE_ERROR_PARSE, group, key, "a number");
      return;
    }
  if (number < G_MININT || number > G_MAXINT)
    {
      reader_fail (reader, IC_PROFILE_ERROR_INVALID, group, key, "in range");
      return;
    }
  *value = (int) number;
}

static void
read_bool (Reader     *reader,
           const char *group,
           const char *key,
           gboolean   *value)
{
  g_autoptr (GError) local = NULL;
  gboolean result;

  if (!reader_has (reader, group, key))
    return;
  result = g_key_file_get_boolean (reader->file, group, key, &local);
  if (local != NULL)
    {
      reader_fail (reader, IC_PROFILE_ERROR_PARSE, group, key, "true or false");
      return;
    }
  *value = result;
}

static void
read_flag (Reader     *reader,
           const char *group,
           const char *key,
           guint      *options,
           guint       flag)
{
  gboolean on = (*options & flag) != 0;

  read_bool (reader, group, key, &on);
  *options = on ? (*options | flag) : (*options & ~flag);
}

static void
read_string (Reader     *reader,
             const char *group,
             const char *key,
             char      **value)
{
  g_autoptr (GError) local = NULL;
  char *text;

  if (!reader_has (reader, group, key))
    return;
  text = g_key_file_get_string (reader->file, group, key, &local);
  if (text == NULL)
    {
      reader_fail (reader, IC_PROFILE_ERROR_PARSE, group, key, "a string");
      return;
    }
  g_free (*value);
  *value = text;
}

/* An optional string: empty means unset. */
static void
read_optional (Reader     *reader,
               const char *group,
               const char *key,
               char      **value)
{
  read_string (reader, group, key, value);
  if (*value != NULL && **value == '\0')
    g_clear_pointer (value, g_free);
}

static void
read_enum (Reader            *reader,
           const char        *group,
           const char        *key,
           const char *const *names,
           guint              n_names,
           const char        *what,
           guint             *value)
{
  g_autofree char *text = NULL;
  int i;

  read_string (reader, group, key, &text);
  if (text == NULL)
    return;
  i = name_index (names, n_names, g_strstrip (text));
  if (i < 0)
    {
      reader_fail (reader, IC_PROFILE_ERROR_INVALID, group, key, what);
      return;
    }
  *value = (guint) i;
}

static int
compare_rule_groups (gconstpointer a,
                     gconstpointer b)
{
  guint64 na = g_ascii_strtoull (*(const char *const *) a + 5, NULL, 10);
  guint64 nb = g_ascii_strtoull (*(const char *const *) b + 5, NULL, 10);

  return na < nb ? -1 : na > nb;
}

static gboolean
is_rule_group (const char *group)
{
  return g_str_has_prefix (group, "Rule ") && group[5] != '\0'
         && g_ascii_string_to_unsigned (group + 5, 10, 1, G_MAXUINT, NULL, NULL);
}

static void
read_rules (Reader    *reader,
            IcProfile *profile)
{
  g_auto (GStrv) groups = g_key_file_get_groups (reader->file, NULL);
  g_autoptr (GPtrArray) rule_groups = g_ptr_array_new ();

  for (guint i = 0; groups[i] != NULL; i++)
    if (is_rule_group (groups[i]))
      g_ptr_array_add (rule_groups, groups[i]);
  g_ptr_array_sort (rule_groups, compare_rule_groups);

  for (guint i = 0; i < rule_groups->len && !reader->failed; i++)
    {
      const char *group = g_ptr_array_index (rule_groups, i);
      guint match = IC_RULE_CONTAINS;
      g_autofree char *pattern = NULL;
      g_autofree char *reply = NULL;
      gboolean hex = FALSE;

      read_enum (reader, group, "Match", match_names, G_N_ELEMENTS (match_names),
                 "contains, starts-with or regex", &match);
      read_string (reader, group, "Pattern", &pattern);
      read_string (reader, group, "Reply", &reply);
      read_bool (reader, group, "ReplyIsHex", &hex);
      g_ptr_array_add (profile->rules, ic_rule_new ((IcRuleMatch) match, pattern, reply, hex));
    }
}

static gboolean
has_known_group (GKeyFile *file)
{
  static const char *const known[] = { "Profile", "Server", "Limits", "Service", "TLS" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_key_file_has_group (file, known[i]))
      return TRUE;
  return FALSE;
}

static IcProfile *
profile_from_key_file (GKeyFile  *file,
                       GError   **error)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  Reader reader = { file, error, FALSE };
  int version = PROFILE_VERSION;
  guint service = IC_SERVICE_ECHO;
  guint client_cert = IC_CLIENT_CERT_NONE;
  g_autofree char *min_tls = NULL;

  if (!has_known_group (file))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE,
                   "not a profile: no [Profile], [Server], [Limits], [Service] or [TLS] group");
      return NULL;
    }
  read_int (&reader, "Profile", "Version", &version);
  if (!reader.failed && version > PROFILE_VERSION)
    reader_fail (&reader, IC_PROFILE_ERROR_PARSE, "Profile", "Version",
                 "a version this program reads (it is newer)");
  read_optional (&reader, "Profile", "Name", &profile->name);
  read_bool (&reader, "Profile", "Autostart", &profile->autostart);

  read_string (&reader, "Server", "Host", &profile->host);
  read_uint (&reader, "Server", "Port", &profile->port);
  read_uint (&reader, "Server", "Backlog", &profile->backlog);
  read_uint (&reader, "Server", "MaxClients", &profile->max_clients);
  read_uint (&reader, "Server", "Timeout", &profile->timeout);
  read_enum (&reader, "Server", "Priority", priority_names, G_N_ELEMENTS (priority_names),
             "background, low, normal, high or critical", &profile->priority);
  read_flag (&reader, "Server", "ReuseAddress", &profile->options, INET_OPTION_REUSEADDR);
  read_flag (&reader, "Server", "NoDelay", &profile->options, INET_OPTION_NODELAY);
  read_flag (&reader, "Server", "KeepAlive", &profile->options, INET_OPTION_KEEPALIVE);
  read_flag (&reader, "Server", "DontRoute", &profile->options, INET_OPTION_DONTROUTE);

  read_uint (&reader, "Limits", "MaxPerAddress", &profile->max_per_address);
  read_uint (&reader, "Limits", "AcceptInterval", &profile->accept_interval);
  read_uint (&reader, "Limits", "RateLimit", &profile->rate_limit);
  read_int (&reader, "Limits", "Linger", &profile->linger);

  read_enum (&reader, "Service", "Kind", service_names, G_N_ELEMENTS (service_names),
             "echo, discard, chargen, daytime, banner, http or manual", &service);
  profile->service = (IcServiceKind) service;
  read_optional (&reader, "Service", "Banner", &profile->banner);
  read_optional (&reader, "Service", "HttpBody", &profile->http_body);
  read_optional (&reader, "Service", "HttpBodyFile", &profile->http_body_file);

  read_rules (&reader, profile);

  read_bool (&reader, "TLS", "Enabled", &profile->tls);
  read_optional (&reader, "TLS", "CertFile", &profile->cert_file);
  read_optional (&reader, "TLS", "KeyFile", &profile->key_file);
  read_optional (&reader, "TLS", "Pkcs12File", &profile->pkcs12_file);
  read_optional (&reader, "TLS", "PasswordFile", &profile->password_file);
  read_bool (&reader, "TLS", "SelfSigned", &profile->self_signed);
  read_string (&reader, "TLS", "MinVersion", &min_tls);
  if (min_tls != NULL && !reader.failed)
    {
      g_strstrip (min_tls);
      if (g_str_equal (min_tls, "1.2"))
        profile->min_tls = INET_PROTOCOL_TLS1_2;
      else if (g_str_equal (min_tls, "1.3"))
        profile->min_tls = INET_PROTOCOL_TLS1_3;
      else
        reader_fail (&reader, IC_PROFILE_ERROR_INVALID, "TLS", "MinVersion", "1.2 or 1.3");
    }
  read_enum (&reader, "TLS", "ClientCertificate", client_cert_names,
             G_N_ELEMENTS (client_cert_names), "none, request or require", &client_cert);
  profile->client_cert = (IcClientCertMode) client_cert;
  read_optional (&reader, "TLS", "CAFile", &profile->ca_file);

  if (reader.failed)
    return NULL;
  if (!ic_profile_validate (profile, error))
    return NULL;
  return g_steal_pointer (&profile);
}

IcProfile *
ic_profile_new_from_data (const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE, "not a key file: %s",
                   local->message);
      return NULL;
    }
  return profile_from_key_file (file, error);
}

/* -------------------------------------------------------------- storage */

char *
ic_profile_default_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "inet-console", "profiles", NULL);
}

static char *
profile_path (const char  *name,
              const char  *dir,
              GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *default_dir = NULL;

  if (!name_is_valid (name))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME,
                   "\"%s\" is not a valid profile name (letters, digits, - _ . and spaces, "
                   "up to %d characters, not starting with . or a space)",
                   name ? name : "", NAME_MAX_CHARS);
      return NULL;
    }
  if (dir == NULL)
    dir = default_dir = ic_profile_default_dir ();
  base = g_strconcat (name, PROFILE_SUFFIX, NULL);
  return g_build_filename (dir, base, NULL);
}

/* Loads path; the name comes from the file name. */
static IcProfile *
load_path (const char  *path,
           const char  *name,
           GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (IcProfile) profile = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NOT_FOUND,
                     "no profile named \"%s\" (%s)", name, path);
      else
        g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE, "%s", local->message);
      return NULL;
    }
  profile = ic_profile_new_from_data (data, length, &local);
  if (profile == NULL)
    {
      g_set_error (error, IC_PROFILE_ERROR, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  g_free (profile->name);
  profile->name = g_strdup (name);
  return g_steal_pointer (&profile);
}

IcProfile *
ic_profile_load (const char  *name,
                 const char  *dir,
                 GError     **error)
{
  g_autofree char *path = profile_path (name, dir, error);

  if (path == NULL)
    return NULL;
  return load_path (path, name, error);
}

gboolean
ic_profile_save (const IcProfile  *profile,
                 const char       *dir,
                 GError          **error)
{
  g_autofree char *path = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *data = NULL;
  g_autoptr (GKeyFile) file = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  g_return_val_if_fail (profile != NULL, FALSE);

  path = profile_path (profile->name, dir, error);
  if (path == NULL)
    return FALSE;
  if (!ic_profile_validate (profile, error))
    return FALSE;

  /* a file we cannot read may hold someone's hand edits: keep it */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr (IcProfile) existing = load_path (path, profile->name, &local);

      if (existing == NULL && g_error_matches (local, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE))
        {
          g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE,
                       "%s is not a readable profile and was not overwritten (%s); "
                       "fix or delete it first", path, local->message);
          return FALSE;
        }
      g_clear_error (&local);
    }

  parent = g_path_get_dirname (path);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot create %s: %s", parent, g_strerror (saved));
      return FALSE;
    }
  file = profile_to_key_file (profile);
  data = g_key_file_to_data (file, &length, NULL);
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* Case-insensitive, the same in every locale. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const char *na = *(const char *const *) a;
  const char *nb = *(const char *const *) b;
  g_autofree char *fa = g_utf8_casefold (na, -1);
  g_autofree char *fb = g_utf8_casefold (nb, -1);
  int result = strcmp (fa, fb);

  return result != 0 ? result : strcmp (na, nb);
}

GStrv
ic_profile_list (const char  *dir,
                 GStrv       *bad,
                 GError     **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr (GDir) handle = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local = NULL;
  const char *entry;

  if (bad != NULL)
    *bad = NULL;
  if (dir == NULL)
    dir = default_dir = ic_profile_default_dir ();
  handle = g_dir_open (dir, 0, &local);
  if (handle == NULL)
    {
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  while (handle != NULL && (entry = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autoptr (IcProfile) profile = NULL;
      g_autoptr (GError) load_error = NULL;

      if (!g_str_has_suffix (entry, PROFILE_SUFFIX))
        continue;
      name = g_strndup (entry, strlen (entry) - strlen (PROFILE_SUFFIX));
      if (!name_is_valid (name))
        continue;
      path = g_build_filename (dir, entry, NULL);
      profile = load_path (path, name, &load_error);
      if (profile != NULL)
        g_ptr_array_add (names, g_steal_pointer (&name));
      else
        g_ptr_array_add (failed, g_steal_pointer (&name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_sort (failed, compare_names);
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (failed, NULL);
  if (bad != NULL)
    *bad = (GStrv) g_ptr_array_free (g_steal_pointer (&failed), FALSE);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

gboolean
ic_profile_delete (const char  *name,
                   const char  *dir,
                   GError     **error)
{
  g_autofree char *path = profile_path (name, dir, error);

  if (path == NULL)
    return FALSE;
  if (g_unlink (path) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NOT_FOUND,
                     "no profile named \"%s\"", name);
      else
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot delete %s: %s",
                     path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
