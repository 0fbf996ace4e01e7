/* ic-certificate.h - what a profile's TLS settings would serve, checked
 * before the server starts, in words a newcomer understands; and the maker
 * of self-signed certificates.
 *
 * The check reads the same files with the same loader as InetServerStart
 * (InetDescribeCertificate), so the preview and the server never disagree.
 * Reading files may block (a slow disk, a network mount): the console runs
 * the check and the maker in a worker thread (the _async functions); the
 * blocking forms are for tests and the CLI. Reports are immutable and
 * reference counted, so any thread may hold one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <ic-profile.h>

G_BEGIN_DECLS

typedef enum
{
  IC_CERT_SEVERITY_ERROR,     /* the server cannot start (or no client can connect) */
  IC_CERT_SEVERITY_WARNING,   /* it starts, but clients will likely complain */
  IC_CERT_SEVERITY_INFO,      /* good to know (self-signed: clients need the file) */
} IcCertSeverity;

typedef enum
{
  IC_CERT_PROBLEM_NO_CERTIFICATE,     /* TLS is on but no file was chosen */
  IC_CERT_PROBLEM_CERT_NOT_FOUND,     /* the certificate file is missing or unreadable */
  IC_CERT_PROBLEM_CERT_INVALID,       /* the file holds no certificate */
  IC_CERT_PROBLEM_PASSWORD_NEEDED,    /* encrypted key or PKCS#12, no password given */
  IC_CERT_PROBLEM_BAD_PASSWORD,       /* the password given is wrong */
  IC_CERT_PROBLEM_PASSWORD_FILE,      /* the password file cannot be read */
  IC_CERT_PROBLEM_PKCS12_UNSUPPORTED, /* legacy PKCS#12 encryption */
  IC_CERT_PROBLEM_KEY_NOT_FOUND,      /* no private key anywhere */
  IC_CERT_PROBLEM_KEY_INVALID,        /* the key file holds no key */
  IC_CERT_PROBLEM_KEY_MISMATCH,       /* the key belongs to another certificate */
  IC_CERT_PROBLEM_EXPIRED,
  IC_CERT_PROBLEM_NOT_YET_VALID,
  IC_CERT_PROBLEM_EXPIRES_SOON,       /* within INET_CERT_EXPIRES_SOON_DAYS */
  IC_CERT_PROBLEM_HOST_MISMATCH,      /* the certificate does not name the listen address */
  IC_CERT_PROBLEM_CA_CERTIFICATE,     /* a CA certificate served as a server certificate */
  IC_CERT_PROBLEM_CLIENT_CA_MISSING,  /* client certificates without a usable CA file */
  IC_CERT_PROBLEM_SELF_SIGNED,        /* info: clients must be given the certificate */
  IC_CERT_PROBLEM_THROWAWAY,          /* info: a new certificate at each start (self_signed) */
} IcCertProblemKind;

typedef struct
{
  IcCertProblemKind kind;
  IcCertSeverity severity;
  char *title;                /* translated, one short sentence: what is wrong */
  char *fix;                  /* translated: what to do about it */
  char *detail;               /* (nullable) the engine's technical text */
} IcCertProblem;

typedef struct
{
  gboolean loaded;            /* a certificate was read: the fields below are set */
  char *file;                 /* the certificate file (PEM or PKCS#12) */
  char *key_file;             /* where the key was found, "" if none */
  char *subject;              /* RFC 2253 */
  char *issuer;
  char *common_name;
  GStrv names;                /* subjectAltNames, "DNS:localhost", "IP:127.0.0.1" */
  char *key_type;             /* "RSA", "EC P-256" */
  guint key_bits;
  char *signature;            /* "ecdsa-with-SHA256" */
  char *serial;               /* hex */
  char *fingerprint;          /* SHA-256, "AB:CD:..." */
  gint64 not_before;          /* seconds since the epoch (UTC) */
  gint64 not_after;
  int days_left;              /* < 0 once expired */
  guint chain_length;         /* certificates served: the leaf and its chain */
  gboolean self_signed;
  gboolean is_ca;
  gboolean pkcs12;
  gboolean key_found;
  gboolean key_encrypted;
  gboolean key_matches;
  char *host;                 /* (nullable) the name the check looked for */
  gboolean host_matches;
  GPtrArray *problems;        /* (element-type IcCertProblem) errors first, then
                               * warnings, then notes */
} IcCertificateReport;

#define IC_TYPE_CERTIFICATE_REPORT (ic_certificate_report_get_type ())
GType ic_certificate_report_get_type (void) G_GNUC_CONST;

IcCertificateReport *ic_certificate_report_ref   (IcCertificateReport *report);
void                 ic_certificate_report_unref (IcCertificateReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcCertificateReport, ic_certificate_report_unref)

/* The problem of that kind, NULL if the report has none. */
const IcCertProblem *ic_certificate_report_find        (const IcCertificateReport *report,
                                                        IcCertProblemKind          kind);
/* Whether a problem of that severity (or worse) is in the report. */
gboolean             ic_certificate_report_has_errors  (const IcCertificateReport *report);

/* The name a client would use for the profile's listen address: the
 * address itself, or "localhost" for the wildcard addresses ("", 0.0.0.0,
 * ::) where clients may use any name. Never NULL. */
char *ic_certificate_host_for_profile (const IcProfile *profile);

/* Checks the TLS settings of the profile (its certificate, key, password
 * or password file, client-certificate CA file) against the name clients
 * use (host NULL = ic_certificate_host_for_profile). Blocking: any thread.
 * A profile without TLS gives an empty report (loaded FALSE, no problem). */
IcCertificateReport *ic_certificate_check (const IcProfile *profile,
                                           const char      *host);

/* The same in a worker thread; the callback runs on the thread-default
 * context of the caller. The profile is copied. */
void                 ic_certificate_check_async  (const IcProfile     *profile,
                                                  const char          *host,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
IcCertificateReport *ic_certificate_check_finish (GAsyncResult        *result,
                                                  GError             **error);

/* ------------------------------------------------------------- maker */

typedef enum
{
  IC_CERT_KEY_ECDSA,          /* ECDSA P-256 (default): small and fast */
  IC_CERT_KEY_RSA,            /* RSA 2048: for old clients */
} IcCertKeyType;

typedef struct
{
  IcCertKeyType key_type;
  char *common_name;          /* NULL = "localhost" */
  char *names;                /* host names and addresses, separated by commas or spaces;
                               * exactly these are the subjectAltNames (with the CN) */
  guint valid_days;           /* 0 = 365 */
  char *cert_file;            /* PEM certificate to write: give it to the clients */
  char *key_file;             /* PEM private key to write (mode 0600) */
} IcCertificateRequest;

IcCertificateRequest *ic_certificate_request_new  (void);
IcCertificateRequest *ic_certificate_request_copy (const IcCertificateRequest *request);
void                  ic_certificate_request_free (IcCertificateRequest       *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcCertificateRequest, ic_certificate_request_free)

/* "localhost, 127.0.0.1, ::1" plus the listen address when it is another
 * specific address or name (a wildcard adds nothing). */
char    *ic_certificate_default_names (const char *listen_host);

/* "$XDG_CONFIG_HOME/inet-console/certificates". */
char    *ic_certificate_default_dir   (void);

/* Makes the key and the self-signed certificate (InetCreateSelfSignedCertificate),
 * creating the folders. Blocking: any thread. */
gboolean ic_certificate_create        (const IcCertificateRequest  *request,
                                       GError                     **error);
void     ic_certificate_create_async  (const IcCertificateRequest  *request,
                                       GCancellable                *cancellable,
                                       GAsyncReadyCallback          callback,
                                       gpointer                     user_data);
gboolean ic_certificate_create_finish (GAsyncResult                *result,
                                       GError                     **error);

G_END_DECLS
