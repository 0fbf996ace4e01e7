/* ic-profile.h - a saved server: every InetServerStart parameter, the
 * service and its settings, TLS. One format for inet-console and
 * inet-serve --profile: a GKeyFile per profile in
 * $XDG_CONFIG_HOME/inet-console/profiles/NAME.profile (see ic-profile.c for
 * the groups and keys). Plain data: copy it to hand it to another thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  IC_SERVICE_ECHO,      /* RFC 862 */
  IC_SERVICE_DISCARD,   /* RFC 863 */
  IC_SERVICE_CHARGEN,   /* RFC 864 */
  IC_SERVICE_DAYTIME,   /* RFC 867 */
  IC_SERVICE_BANNER,    /* send a text, then echo */
  IC_SERVICE_HTTP,      /* 200 + body for every HTTP/1.1 request */
  IC_SERVICE_MANUAL,    /* nothing automatic: the console drives it */
} IcServiceKind;

typedef enum
{
  IC_RULE_CONTAINS,
  IC_RULE_STARTS_WITH,
  IC_RULE_REGEX,        /* GRegex syntax */
} IcRuleMatch;

/* A reply rule: when received data matches, send the reply. The reply is
 * text with macros ({time}, {date}, {counter}, {client}, {peer}, \r, \n,
 * ...) or, with reply_is_hex, hex bytes ("de ad be ef"). */
typedef struct
{
  IcRuleMatch match;
  char *pattern;
  char *reply;
  gboolean reply_is_hex;
} IcRule;

typedef enum
{
  IC_CLIENT_CERT_NONE,
  IC_CLIENT_CERT_REQUEST,
  IC_CLIENT_CERT_REQUIRE,
} IcClientCertMode;

typedef struct
{
  char *name;                 /* file name stem; letters, digits, - _ . space */

  /* InetServerStart */
  char *host;                 /* NULL/"" = all IPv4; "::" = IPv4+IPv6 */
  guint port;                 /* 0 = any free port */
  guint backlog;              /* 0 = SOMAXCONN */
  guint max_clients;          /* 0 = unlimited */
  guint timeout;              /* seconds, 0 = none */
  guint priority;             /* INET_PRIORITY_* */
  guint options;              /* INET_OPTION_* (REUSEADDR, KEEPALIVE, NODELAY, DONTROUTE) */

  /* Limits (InetServerThrottle, bandwidth, linger) */
  guint max_per_address;      /* 0 = unlimited */
  guint accept_interval;      /* ms between accepts, 0 = none */
  guint rate_limit;           /* bytes/s per client, 0 = unlimited */
  int linger;                 /* seconds for server-initiated closes, -1 = off (graceful) */

  /* Service */
  IcServiceKind service;
  char *banner;               /* banner service text (and greeting) */
  char *http_body;            /* http service body text; NULL = default */
  char *http_body_file;       /* ... or a file (wins over http_body) */
  GPtrArray *rules;           /* (element-type IcRule) reply rules, in order */

  /* TLS */
  gboolean tls;
  char *cert_file;            /* PEM certificate (and chain) */
  char *key_file;             /* PEM key, NULL = in cert_file */
  char *pkcs12_file;          /* instead of cert_file/key_file */
  char *password_file;        /* file holding the key/PKCS#12 password */
  char *password;             /* (not saved) password typed in the console */
  gboolean self_signed;       /* make a throwaway certificate at start */
  guint min_tls;              /* INET_PROTOCOL_* (0 = TLS 1.2) */
  IcClientCertMode client_cert;
  char *ca_file;              /* CAs for client certificates */

  gboolean autostart;         /* the console starts it when it opens */
} IcProfile;

/* The largest values ic_profile_validate accepts (the least is 0, and -1
 * for linger), for whoever reads them from users too. */
#define IC_PROFILE_MAX_BACKLOG    65535
#define IC_PROFILE_MAX_CLIENTS    G_MAXINT32        /* max_clients, max_per_address */
#define IC_PROFILE_MAX_TIMEOUT    86400             /* a day */
#define IC_PROFILE_MAX_ACCEPT_MS  3600000           /* an hour */
#define IC_PROFILE_MAX_LINGER     3600
#define IC_PROFILE_MAX_RATE       (G_MAXUINT32 - 2) /* (DWORD)-1 and -2 mean something else */

#define IC_TYPE_PROFILE (ic_profile_get_type ())
GType ic_profile_get_type (void) G_GNUC_CONST;

#define IC_PROFILE_ERROR (ic_profile_error_quark ())
GQuark ic_profile_error_quark (void);

typedef enum
{
  IC_PROFILE_ERROR_NOT_FOUND,
  IC_PROFILE_ERROR_PARSE,     /* not a key file, or a value of the wrong type */
  IC_PROFILE_ERROR_INVALID,   /* a value out of range; the message names the key */
  IC_PROFILE_ERROR_NAME,      /* a name that cannot be a file name */
} IcProfileError;

IcProfile *ic_profile_new (void);           /* defaults: echo on 127.0.0.1:0 */
IcProfile *ic_profile_copy (const IcProfile *profile);
void ic_profile_free (IcProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcProfile, ic_profile_free)

IcRule *ic_rule_new (IcRuleMatch match, const char *pattern, const char *reply,
                     gboolean reply_is_hex);
void ic_rule_free (IcRule *rule);

/* Checks every value; the error names the bad key and value. */
gboolean ic_profile_validate (const IcProfile *profile, GError **error);

/* Key-file text (for tests and export). */
char *ic_profile_to_data (const IcProfile *profile, gsize *length);
IcProfile *ic_profile_new_from_data (const char *data, gsize length, GError **error);

/* dir NULL = $XDG_CONFIG_HOME/inet-console/profiles. Saving writes
 * atomically; a file that cannot be parsed is never overwritten by a load
 * or a list (list skips it and reports it in *bad, if not NULL). */
gboolean ic_profile_save (const IcProfile *profile, const char *dir, GError **error);
IcProfile *ic_profile_load (const char *name, const char *dir, GError **error);
GStrv ic_profile_list (const char *dir, GStrv *bad, GError **error);
gboolean ic_profile_delete (const char *name, const char *dir, GError **error);
char *ic_profile_default_dir (void);

const char *ic_service_kind_to_string (IcServiceKind kind);   /* "echo", ... */
gboolean ic_service_kind_from_string (const char *text, IcServiceKind *kind);
/* "background" .. "critical" (any case) -> INET_PRIORITY_* */
gboolean ic_priority_from_string (const char *text, guint *priority);

G_END_DECLS
