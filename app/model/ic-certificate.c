/* ic-certificate.c - the certificate check behind the console's preview,
 * and the self-signed maker.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-certificate.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <inet-cert.h>
#include <string.h>

#include "ic-engine-error.h"

#include <ic-address.h>
#include <ic-credentials.h>

/* ------------------------------------------------------------ report */

static void
problem_free (gpointer data)
{
  IcCertProblem *problem = data;

  g_free (problem->title);
  g_free (problem->fix);
  g_free (problem->detail);
  g_free (problem);
}

static void
report_clear (gpointer data)
{
  IcCertificateReport *report = data;

  g_free (report->file);
  g_free (report->key_file);
  g_free (report->subject);
  g_free (report->issuer);
  g_free (report->common_name);
  g_strfreev (report->names);
  g_free (report->key_type);
  g_free (report->signature);
  g_free (report->serial);
  g_free (report->fingerprint);
  g_free (report->host);
  g_ptr_array_unref (report->problems);
}

static IcCertificateReport *
report_new (void)
{
  IcCertificateReport *report = g_atomic_rc_box_new0 (IcCertificateReport);

  report->problems = g_ptr_array_new_with_free_func (problem_free);
  return report;
}

IcCertificateReport *
ic_certificate_report_ref (IcCertificateReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return g_atomic_rc_box_acquire (report);
}

void
ic_certificate_report_unref (IcCertificateReport *report)
{
  g_return_if_fail (report != NULL);
  g_atomic_rc_box_release_full (report, report_clear);
}

G_DEFINE_BOXED_TYPE (IcCertificateReport, ic_certificate_report, ic_certificate_report_ref,
                     ic_certificate_report_unref)

const IcCertProblem *
ic_certificate_report_find (const IcCertificateReport *report,
                            IcCertProblemKind          kind)
{
  g_return_val_if_fail (report != NULL, NULL);

  for (guint i = 0; i < report->problems->len; i++)
    {
      const IcCertProblem *problem = g_ptr_array_index (report->problems, i);

      if (problem->kind == kind)
        return problem;
    }
  return NULL;
}

gboolean
ic_certificate_report_has_errors (const IcCertificateReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  for (guint i = 0; i < report->problems->len; i++)
    if (((const IcCertProblem *) g_ptr_array_index (report->problems, i))->severity
        == IC_CERT_SEVERITY_ERROR)
      return TRUE;
  return FALSE;
}

static void
add_problem (IcCertificateReport *report,
             IcCertProblemKind    kind,
             IcCertSeverity       severity,
             const char          *detail,
             char                *title,  /* (transfer full) */
             char                *fix)    /* (transfer full) */
{
  IcCertProblem *problem = g_new0 (IcCertProblem, 1);

  problem->kind = kind;
  problem->severity = severity;
  problem->title = title;
  problem->fix = fix;
  problem->detail = detail != NULL && *detail != '\0' ? g_strdup (detail) : NULL;
  g_ptr_array_add (report->problems, problem);
}

static int
by_severity (gconstpointer a,
             gconstpointer b)
{
  const IcCertProblem *pa = *(IcCertProblem *const *) a;
  const IcCertProblem *pb = *(IcCertProblem *const *) b;

  return (int) pa->severity - (int) pb->severity;
}

/* ------------------------------------------------------------- check */

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

char *
ic_certificate_host_for_profile (const IcProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);

  return g_strdup (ic_host_is_wildcard (profile->host) ? "localhost" : profile->host);
}

static char *
format_date (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("?");
  /* Translators: a date in a certificate warning, see g_date_time_format */
  return g_date_time_format (local, _("%e %B %Y"));
}

/* The password the server would use: typed, or from the password file. */
static char *
profile_password (const IcProfile      *profile,
                  IcCertificateReport  *report)
{
  g_autoptr(GError) error = NULL;
  char *text;

  if (profile->password != NULL)
    return g_strdup (profile->password);
  if (!is_set (profile->password_file))
    return NULL;
  /* one line, as the server reads it */
  text = ic_read_password_file (profile->password_file, &error);
  if (text == NULL)
    add_problem (report, IC_CERT_PROBLEM_PASSWORD_FILE, IC_CERT_SEVERITY_ERROR, error->message,
                 g_strdup (_("The password file cannot be read.")),
                 g_strdup (_("Choose another password file, or type the password.")));
  return text;
}

static void
add_password_problem (IcCertificateReport *report,
                      gboolean             have_password,
                      gboolean             pkcs12,
                      const char          *detail)
{
  if (!have_password)
    add_problem (report, IC_CERT_PROBLEM_PASSWORD_NEEDED, IC_CERT_SEVERITY_ERROR, detail,
                 g_strdup (pkcs12 ? _("The PKCS#12 file is locked with a password.")
                                  : _("The private key is locked with a password.")),
                 g_strdup (_("Type the password, or choose a file that holds it.")));
  else
    add_problem (report, IC_CERT_PROBLEM_BAD_PASSWORD, IC_CERT_SEVERITY_ERROR, detail,
                 g_strdup (_("The password is wrong.")),
                 g_strdup (pkcs12
                             ? _("Type the password the PKCS#12 file was exported with.")
                             : _("Type the password the private key was saved with.")));
}

static void
add_certificate_failure (IcCertificateReport *report,
                         DWORD                code,
                         const char          *detail,
                         gboolean             have_password,
                         gboolean             pkcs12)
{
  switch (code)
    {
    case INET_ERROR_CERT_NOT_FOUND:
      add_problem (report, IC_CERT_PROBLEM_CERT_NOT_FOUND, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("The certificate file cannot be read.")),
                   g_strdup (_("Check that the file exists and that you may read it, or choose "
                               "another one.")));
      break;
    case INET_ERROR_BAD_PASSWORD:
      add_password_problem (report, have_password, pkcs12, detail);
      break;
    case INET_ERROR_PKCS12_UNSUPPORTED:
      add_problem (report, IC_CERT_PROBLEM_PKCS12_UNSUPPORTED, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("This PKCS#12 file uses an old encryption that OpenSSL 3 no "
                               "longer reads.")),
                   g_strdup (_("Export it again with current settings (openssl pkcs12 "
                               "-export), or use the PEM certificate and key.")));
      break;
    case INET_ERROR_CERT_INVALID:
    default:
      add_problem (report, IC_CERT_PROBLEM_CERT_INVALID, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("This file does not contain a certificate.")),
                   g_strdup (_("Choose the certificate itself (a file with “BEGIN CERTIFICATE” "
                               "in it, often .pem or .crt) or a PKCS#12 file (.p12, .pfx).")));
      break;
    }
}

static void
add_key_failure (IcCertificateReport *report,
                 DWORD                code,
                 const char          *detail,
                 gboolean             have_password,
                 gboolean             pkcs12)
{
  switch (code)
    {
    case 0:
      break;
    case INET_ERROR_KEY_NOT_FOUND:
      add_problem (report, IC_CERT_PROBLEM_KEY_NOT_FOUND, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("No private key was found.")),
                   g_strdup (_("Choose the key file that was made together with this "
                               "certificate (often key.pem or a .key file).")));
      break;
    case INET_ERROR_KEY_MISMATCH:
      add_problem (report, IC_CERT_PROBLEM_KEY_MISMATCH, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("The private key does not belong to this certificate.")),
                   g_strdup (_("Choose the key that was made together with this certificate: "
                               "the server cannot start with another one.")));
      break;
    case INET_ERROR_BAD_PASSWORD:
      add_password_problem (report, have_password, pkcs12, detail);
      break;
    case INET_ERROR_PKCS12_UNSUPPORTED:
      add_certificate_failure (report, code, detail, have_password, pkcs12);
      break;
    case INET_ERROR_KEY_INVALID:
    default:
      add_problem (report, IC_CERT_PROBLEM_KEY_INVALID, IC_CERT_SEVERITY_ERROR, detail,
                   g_strdup (_("The key file does not contain a private key.")),
                   g_strdup (_("Choose the file with “PRIVATE KEY” in it, not the "
                               "certificate.")));
      break;
    }
}

static void
describe_names (IcCertificateReport *report,
                const char          *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);

      if (*name != '\0')
        g_strv_builder_add (builder, name);
    }
  report->names = g_strv_builder_end (builder);
}

/* "localhost, 127.0.0.1" from "DNS:localhost, IP:127.0.0.1". */
static char *
plain_names (const IcCertificateReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; report->names[i] != NULL; i++)
    {
      const char *colon = strchr (report->names[i], ':');

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, colon != NULL ? colon + 1 : report->names[i]);
    }
  if (text->len == 0 && is_set (report->common_name))
    g_string_append (text, report->common_name);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
fill_info (IcCertificateReport       *report,
           const INETCERTIFICATEINFO *info)
{
  report->loaded = TRUE;
  report->file = g_strdup (info->szFile);
  report->key_file = g_strdup (info->szKeyFile);
  report->subject = g_strdup (info->szSubject);
  report->issuer = g_strdup (info->szIssuer);
  report->common_name = g_strdup (info->szCommonName);
  describe_names (report, info->szAltNames);
  report->key_type = g_strdup (info->szKeyType);
  report->key_bits = info->dwKeyBits;
  report->signature = g_strdup (info->szSignature);
  report->serial = g_strdup (info->szSerial);
  report->fingerprint = g_strdup (info->szFingerprint);
  report->not_before = (gint64) info->nNotBefore;
  report->not_after = (gint64) info->nNotAfter;
  report->days_left = info->nDaysLeft;
  report->chain_length = info->dwChainLength;
  report->self_signed = (info->dwFlags & INET_CERT_INFO_SELF_SIGNED) != 0;
  report->is_ca = (info->dwFlags & INET_CERT_INFO_CA) != 0;
  report->pkcs12 = (info->dwFlags & INET_CERT_INFO_PKCS12) != 0;
  report->key_found = (info->dwFlags & INET_CERT_INFO_KEY_FOUND) != 0;
  report->key_encrypted = (info->dwFlags & INET_CERT_INFO_KEY_ENCRYPTED) != 0;
  report->key_matches = (info->dwFlags & INET_CERT_INFO_KEY_MATCHES) != 0;
  report->host_matches = (info->dwFlags & INET_CERT_INFO_HOST_MATCHES) != 0;
}

static void
add_validity_problems (IcCertificateReport       *report,
                       const INETCERTIFICATEINFO *info)
{
  if (info->dwFlags & INET_CERT_INFO_EXPIRED)
    {
      g_autofree char *date = format_date (report->not_after);

      add_problem (report, IC_CERT_PROBLEM_EXPIRED, IC_CERT_SEVERITY_WARNING, NULL,
                   g_strdup_printf (_("The certificate expired on %s."), date),
                   g_strdup (_("Clients refuse an expired certificate. Create a new "
                               "self-signed certificate, or renew this one.")));
    }
  if (info->dwFlags & INET_CERT_INFO_NOT_YET_VALID)
    {
      g_autofree char *date = format_date (report->not_before);

      add_problem (report, IC_CERT_PROBLEM_NOT_YET_VALID, IC_CERT_SEVERITY_WARNING, NULL,
                   g_strdup_printf (_("The certificate is not valid before %s."), date),
                   g_strdup (_("Clients refuse it until then. Check this computer’s clock, or "
                               "create a new certificate.")));
    }
  if (info->dwFlags & INET_CERT_INFO_EXPIRES_SOON)
    {
      g_autofree char *date = format_date (report->not_after);

      add_problem (report, IC_CERT_PROBLEM_EXPIRES_SOON, IC_CERT_SEVERITY_WARNING, NULL,
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "The certificate expires in %d day (%s).",
                                                 "The certificate expires in %d days (%s).",
                                                 (gulong) MAX (report->days_left, 0)),
                                    MAX (report->days_left, 0), date),
                   g_strdup (_("Renew it or create a new one before then.")));
    }
}

static void
add_client_ca_problem (IcCertificateReport *report,
                       const IcProfile     *profile)
{
  SECURITYCREDENTIALS creds = { .dwSize = sizeof creds };
  INETCERTIFICATEINFO info = { .dwSize = sizeof info };
  char detail[1024] = "";

  if (profile->client_cert == IC_CLIENT_CERT_NONE)
    return;
  if (!is_set (profile->ca_file))
    {
      add_problem (report, IC_CERT_PROBLEM_CLIENT_CA_MISSING, IC_CERT_SEVERITY_ERROR, NULL,
                   g_strdup (_("Client certificates need a CA file.")),
                   g_strdup (_("Choose the certificate of the authority that signed your "
                               "clients’ certificates (a self-signed client certificate is "
                               "its own authority).")));
      return;
    }
  /* the first certificate of the CA file, read as the server would */
  creds.lpszCertStore = profile->ca_file;
  if (InetDescribeCertificate (&creds, NULL, &info))
    return;
  InetGetErrorString (InetGetLastError (), detail, sizeof detail);
  add_problem (report, IC_CERT_PROBLEM_CLIENT_CA_MISSING, IC_CERT_SEVERITY_ERROR, detail,
               g_strdup (_("The CA file for client certificates cannot be used.")),
               g_strdup (_("Choose a PEM file with the authority’s certificate in it.")));
}

IcCertificateReport *
ic_certificate_check (const IcProfile *profile,
                      const char      *host)
{
  IcCertificateReport *report;
  SECURITYCREDENTIALS creds = { .dwSize = sizeof creds };
  INETCERTIFICATEINFO info = { .dwSize = sizeof info };
  g_autofree char *password = NULL;
  g_autofree char *host_owned = NULL;
  gboolean has_p12, has_pem, have_password;

  g_return_val_if_fail (profile != NULL, NULL);

  report = report_new ();
  if (!profile->tls)
    return report;

  has_p12 = is_set (profile->pkcs12_file);
  has_pem = is_set (profile->cert_file);
  if (profile->self_signed)
    {
      /* made by the server at each start (as inet-serve --self-signed): nothing to read */
      add_problem (report, IC_CERT_PROBLEM_THROWAWAY, IC_CERT_SEVERITY_INFO, NULL,
                   g_strdup (_("A new self-signed certificate is made at each start "
                               "(localhost, 127.0.0.1, ::1 and the listen address).")),
                   g_strdup (_("Clients cannot be given it beforehand, so they must skip "
                               "the check (curl -k). To demo a client that checks, create a "
                               "self-signed certificate to keep instead.")));
      add_client_ca_problem (report, profile);
      g_ptr_array_sort (report->problems, by_severity);
      return report;
    }
  if (!has_p12 && !has_pem)
    {
      add_problem (report, IC_CERT_PROBLEM_NO_CERTIFICATE, IC_CERT_SEVERITY_ERROR, NULL,
                   g_strdup (_("No certificate is chosen yet.")),
                   g_strdup (_("Choose a certificate and its key, or a PKCS#12 file, or create "
                               "a self-signed certificate.")));
      add_client_ca_problem (report, profile);
      return report;
    }

  if (host == NULL)
    host = host_owned = ic_certificate_host_for_profile (profile);
  report->host = g_strdup (host);

  password = profile_password (profile, report);
  have_password = password != NULL;
  creds.lpszCertStore = has_p12 ? profile->pkcs12_file : profile->cert_file;
  if (!has_p12 && is_set (profile->key_file))
    creds.lpszKeyFile = profile->key_file;
  creds.lpszPassword = password;

  if (!InetDescribeCertificate (&creds, host, &info))
    {
      char detail[1024] = "";
      DWORD code = InetGetLastError ();

      InetGetErrorString (code, detail, sizeof detail);
      add_certificate_failure (report, code, detail, have_password, has_p12);
    }
  else
    {
      fill_info (report, &info);
      add_key_failure (report, info.dwKeyError, info.szKeyError, have_password,
                       report->pkcs12);
      add_validity_problems (report, &info);
      if ((info.dwFlags & INET_CERT_INFO_HOST_CHECKED) && !report->host_matches)
        {
          g_autofree char *names = plain_names (report);

          add_problem (report, IC_CERT_PROBLEM_HOST_MISMATCH, IC_CERT_SEVERITY_WARNING, NULL,
                       g_strdup_printf (_("The certificate does not name %s, the address "
                                          "clients connect to."), host),
                       g_strdup_printf (_("Clients that check names refuse it. Create a "
                                          "self-signed certificate that includes %s, or "
                                          "listen on a name the certificate has (%s)."),
                                        host, *names ? names : _("none")));
        }
      if (report->is_ca && !report->self_signed)
        add_problem (report, IC_CERT_PROBLEM_CA_CERTIFICATE, IC_CERT_SEVERITY_WARNING, NULL,
                     g_strdup (_("This is a certificate authority’s certificate, not a "
                                 "server’s.")),
                     g_strdup (_("Many clients refuse it. Choose the server’s own "
                                 "certificate, signed by this authority.")));
      if (report->self_signed)
        add_problem (report, IC_CERT_PROBLEM_SELF_SIGNED, IC_CERT_SEVERITY_INFO, NULL,
                     g_strdup (_("This certificate is self-signed: clients trust it only when "
                                 "they are given it.")),
                     g_strdup (_("“Copy Client Command” gives openssl or curl this "
                                 "certificate file, so they connect without warnings.")));
    }
  add_client_ca_problem (report, profile);
  g_ptr_array_sort (report->problems, by_severity);
  return report;
}

typedef struct
{
  IcProfile *profile;
  char *host;
} CheckData;

static void
check_data_free (gpointer data)
{
  CheckData *check = data;

  ic_profile_free (check->profile);
  g_free (check->host);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *check = task_data;
  IcCertificateReport *report = ic_certificate_check (check->profile, check->host);

  g_task_return_pointer (task, report, (GDestroyNotify) ic_certificate_report_unref);
}

void
ic_certificate_check_async (const IcProfile     *profile,
                            const char          *host,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *check;

  g_return_if_fail (profile != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ic_certificate_check_async);
  g_task_set_name (task, "[inet-console] certificate check");
  /* a newer check supersedes this one: drop stale results */
  g_task_set_return_on_cancel (task, TRUE);
  check = g_new0 (CheckData, 1);
  check->profile = ic_profile_copy (profile);
  check->host = g_strdup (host);
  g_task_set_task_data (task, check, check_data_free);
  g_task_run_in_thread (task, check_thread);
}

IcCertificateReport *
ic_certificate_check_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------- maker */

IcCertificateRequest *
ic_certificate_request_new (void)
{
  IcCertificateRequest *request = g_new0 (IcCertificateRequest, 1);

  request->key_type = IC_CERT_KEY_ECDSA;
  request->valid_days = 365;
  return request;
}

IcCertificateRequest *
ic_certificate_request_copy (const IcCertificateRequest *request)
{
  IcCertificateRequest *copy = g_new0 (IcCertificateRequest, 1);

  copy->key_type = request->key_type;
  copy->common_name = g_strdup (request->common_name);
  copy->names = g_strdup (request->names);
  copy->valid_days = request->valid_days;
  copy->cert_file = g_strdup (request->cert_file);
  copy->key_file = g_strdup (request->key_file);
  return copy;
}

void
ic_certificate_request_free (IcCertificateRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->common_name);
  g_free (request->names);
  g_free (request->cert_file);
  g_free (request->key_file);
  g_free (request);
}

char *
ic_certificate_default_names (const char *listen_host)
{
  g_autoptr(GString) names = g_string_new ("localhost, 127.0.0.1, ::1");

  if (!ic_host_is_wildcard (listen_host) && !g_str_equal (listen_host, "localhost")
      && !g_str_equal (listen_host, "127.0.0.1") && !g_str_equal (listen_host, "::1"))
    g_string_append_printf (names, ", %s", listen_host);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

char *
ic_certificate_default_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "inet-console", "certificates", NULL);
}

static gboolean
is_host_name (const char *name)
{
  gsize length = strlen (name);

  if (g_str_has_prefix (name, "*."))
    name += 2, length -= 2;
  if (length == 0 || length > 253 || name[0] == '.' || name[0] == '-')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
make_parent (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) == 0)
    return TRUE;
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 _("Cannot make the folder %s: %s"), dir, g_strerror (saved));
  }
  return FALSE;
}

gboolean
ic_certificate_create (const IcCertificateRequest  *request,
                       GError                     **error)
{
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params };
  g_auto (GStrv) names = NULL;
  g_autoptr(GString) alt = g_string_new (NULL);

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_set (request->cert_file) || !is_set (request->key_file))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose where to save the certificate and its key."));
      return FALSE;
    }
  if (g_str_equal (request->cert_file, request->key_file))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The certificate and the key need two different files."));
      return FALSE;
    }
  if (is_set (request->common_name) && !is_host_name (request->common_name)
      && !g_hostname_is_ip_address (request->common_name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a host name or an IP address."), request->common_name);
      return FALSE;
    }
  names = g_regex_split_simple ("[,\\s]+", request->names ? request->names : "", 0, 0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (*names[i] == '\0')
        continue;
      if (!is_host_name (names[i]) && !g_hostname_is_ip_address (names[i]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a host name or an IP address."), names[i]);
          return FALSE;
        }
      g_string_append_printf (alt, "%s%s", alt->len ? "," : "", names[i]);
    }
  if (alt->len == 0 && !is_set (request->common_name))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the certificate at least one name, such as localhost."));
      return FALSE;
    }
  if (!make_parent (request->cert_file, error) || !make_parent (request->key_file, error))
    return FALSE;

  params.dwKeyType = request->key_type == IC_CERT_KEY_RSA ? INET_CERT_KEY_RSA_2048
                                                          : INET_CERT_KEY_ECDSA_P256;
  params.dwFlags = INET_CERT_FLAG_NO_DEFAULT_NAMES;
  params.dwValidDays = request->valid_days;
  params.lpszCommonName = is_set (request->common_name) ? request->common_name
                                                        : alt->len ? names[0] : "localhost";
  params.lpszAltNames = alt->len ? alt->str : NULL;
  params.lpszCertFile = request->cert_file;
  params.lpszKeyFile = request->key_file;
  if (!InetCreateSelfSignedCertificate (&params))
    {
      ic_engine_set_error (error, _("Cannot create the certificate"));
      return FALSE;
    }
  return TRUE;
}

static void
create_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (ic_certificate_create (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ic_certificate_create_async (const IcCertificateRequest *request,
                             GCancellable               *cancellable,
                             GAsyncReadyCallback         callback,
                             gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (request != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ic_certificate_create_async);
  g_task_set_name (task, "[inet-console] certificate maker");
  g_task_set_task_data (task, ic_certificate_request_copy (request),
                        (GDestroyNotify) ic_certificate_request_free);
  g_task_run_in_thread (task, create_thread);
}

gboolean
ic_certificate_create_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
