/* test-app-certificate.c - the certificate check behind the console's
 * preview, on certificates made for each case: every problem the preview
 * can show (expired, not yet valid, expiring, mismatched key, wrong or
 * missing password, a name that misses the listen address, missing and
 * wrong files, CA certificates, client-certificate CA files), the details
 * it shows, the self-signed maker, and the async forms. No display.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model.h"
#include "ic-test-utils.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  char *dir;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->dir = ic_test_make_tmp_dir ();
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  ic_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
path (Fixture    *f,
      const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

/* A certificate made by the engine's maker with the given twists. */
static void
make (Fixture    *f,
      const char *cert,
      const char *key,
      DWORD       key_type,
      INT         start_days,
      DWORD       valid_days,
      const char *names,
      const char *key_password)
{
  ic_test_make_engine_certificate (f->dir, cert, key, key_type, start_days, valid_days, names,
                                   key_password);
}

static IcProfile *
tls_profile (Fixture    *f,
             const char *host,
             const char *cert,
             const char *key)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup ("tls");
  g_free (profile->host);
  profile->host = g_strdup (host);
  profile->tls = TRUE;
  profile->cert_file = cert ? path (f, cert) : NULL;
  profile->key_file = key ? path (f, key) : NULL;
  return profile;
}

static guint
n_of (const IcCertificateReport *report,
      IcCertSeverity             severity)
{
  guint n = 0;

  for (guint i = 0; i < report->problems->len; i++)
    if (((IcCertProblem *) g_ptr_array_index (report->problems, i))->severity == severity)
      n++;
  return n;
}

/* Every problem reads as a sentence with a fix: nothing empty. */
static void
assert_worded (const IcCertificateReport *report)
{
  for (guint i = 0; i < report->problems->len; i++)
    {
      const IcCertProblem *problem = g_ptr_array_index (report->problems, i);

      g_assert_nonnull (problem->title);
      g_assert_cmpuint (strlen (problem->title), >, 10);
      g_assert_nonnull (problem->fix);
      g_assert_cmpuint (strlen (problem->fix), >, 10);
      /* errors first, then warnings, then notes */
      if (i > 0)
        g_assert_cmpint (((IcCertProblem *) g_ptr_array_index (report->problems, i - 1))->severity,
                         <=, problem->severity);
    }
}

static IcCertificateReport *
check (const IcProfile *profile)
{
  IcCertificateReport *report = ic_certificate_check (profile, NULL);

  assert_worded (report);
  return report;
}

/* ------------------------------------------------------------ good ones */

static void
test_self_signed_ecdsa (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(IcCertificateRequest) request = ic_certificate_request_new ();
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = ic_certificate_default_names ("127.0.0.1");
  GStatBuf st;

  request->names = g_strdup (names);
  request->cert_file = path (f, "made/server.pem");
  request->key_file = path (f, "made/server.key");
  g_assert_true (ic_certificate_create (request, &error));
  g_assert_no_error (error);
  /* the key is for the owner only */
  g_assert_cmpint (g_stat (request->key_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  profile = tls_profile (f, "127.0.0.1", "made/server.pem", "made/server.key");
  report = check (profile);
  g_assert_true (report->loaded);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_cmpuint (n_of (report, IC_CERT_SEVERITY_WARNING), ==, 0);
  /* a self-signed certificate is a note: clients must be given it */
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_SELF_SIGNED));
  g_assert_cmpuint (report->problems->len, ==, 1);

  g_assert_cmpstr (report->key_type, ==, "EC P-256");
  g_assert_cmpuint (report->key_bits, ==, 256);
  g_assert_true (report->key_matches);
  g_assert_true (report->self_signed);
  g_assert_false (report->pkcs12);
  g_assert_cmpuint (report->chain_length, ==, 1);
  g_assert_cmpstr (report->host, ==, "127.0.0.1");
  g_assert_true (report->host_matches);
  g_assert_cmpstr (report->common_name, ==, "localhost");
  g_assert_true (g_strv_contains ((const char *const *) report->names, "DNS:localhost"));
  g_assert_true (g_strv_contains ((const char *const *) report->names, "IP:127.0.0.1"));
  g_assert_true (g_strv_contains ((const char *const *) report->names, "IP:::1"));
  /* SHA-256: 32 bytes as "AB:" x 31 + "CD" */
  g_assert_cmpuint (strlen (report->fingerprint), ==, 32 * 3 - 1);
  g_assert_cmpint (report->days_left, >=, 363);
  g_assert_cmpint (report->days_left, <=, 365);
  g_assert_cmpint (report->not_after - report->not_before, >, 364 * 86400);
  g_assert_cmpstr (report->file, ==, profile->cert_file);
  g_assert_cmpstr (report->key_file, ==, profile->key_file);
}

static void
test_self_signed_rsa (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(IcCertificateRequest) request = ic_certificate_request_new ();
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  g_autoptr(GError) error = NULL;

  request->key_type = IC_CERT_KEY_RSA;
  request->names = ic_certificate_default_names ("::1");
  request->valid_days = 90;
  request->cert_file = path (f, "rsa.pem");
  request->key_file = path (f, "rsa.key");
  g_assert_true (ic_certificate_create (request, &error));
  g_assert_no_error (error);

  profile = tls_profile (f, "::1", "rsa.pem", "rsa.key");
  report = check (profile);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_cmpstr (report->key_type, ==, "RSA");
  g_assert_cmpuint (report->key_bits, ==, 2048);
  g_assert_cmpint (report->days_left, >=, 88);
  g_assert_cmpint (report->days_left, <=, 90);
  g_assert_true (report->host_matches);
}

static void
test_default_names (Fixture       *f,
                    gconstpointer  data)
{
  const struct { const char *host; const char *names; } cases[] = {
    { NULL, "localhost, 127.0.0.1, ::1" },
    { "", "localhost, 127.0.0.1, ::1" },
    { "0.0.0.0", "localhost, 127.0.0.1, ::1" },
    { "::", "localhost, 127.0.0.1, ::1" },
    { "::1", "localhost, 127.0.0.1, ::1" },
    { "192.0.2.7", "localhost, 127.0.0.1, ::1, 192.0.2.7" },
    { "test.example", "localhost, 127.0.0.1, ::1, test.example" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *names = ic_certificate_default_names (cases[i].host);

      g_assert_cmpstr (names, ==, cases[i].names);
    }
}

/* A leaf signed by an intermediate CA: a chain of two, not self-signed;
 * serving the intermediate itself is flagged. */
static void
test_chain_and_ca (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *root = path (f, "root.pem");
  g_autofree char *ca = path (f, "ca.pem");
  g_autofree char *leaf = path (f, "leaf.pem");
  g_autofree char *leaf_key = path (f, "leaf.key");
  INETCERTIFICATEPARAMS root_params = { .dwSize = sizeof root_params,
                                        .dwFlags = INET_CERT_FLAG_CA,
                                        .lpszCommonName = "Test Root", .lpszCertFile = root };
  INETCERTIFICATEPARAMS ca_params = { .dwSize = sizeof ca_params, .dwFlags = INET_CERT_FLAG_CA,
                                      .lpszCommonName = "Test CA", .lpszCertFile = ca,
                                      .lpszIssuerCertFile = root };
  INETCERTIFICATEPARAMS leaf_params = { .dwSize = sizeof leaf_params, .lpszCertFile = leaf,
                                        .lpszKeyFile = leaf_key, .lpszIssuerCertFile = ca };
  g_autoptr(IcProfile) leaf_profile = NULL;
  g_autoptr(IcProfile) ca_profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  g_autoptr(IcCertificateReport) ca_report = NULL;

  g_assert_true (InetCreateSelfSignedCertificate (&root_params));
  g_assert_true (InetCreateSelfSignedCertificate (&ca_params));
  g_assert_true (InetCreateSelfSignedCertificate (&leaf_params));

  leaf_profile = tls_profile (f, "127.0.0.1", "leaf.pem", "leaf.key");
  report = check (leaf_profile);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_cmpuint (report->problems->len, ==, 0);
  g_assert_false (report->self_signed);
  g_assert_cmpuint (report->chain_length, ==, 2);
  g_assert_nonnull (strstr (report->issuer, "Test CA"));

  ca_profile = tls_profile (f, "127.0.0.1", "ca.pem", NULL);
  ca_report = check (ca_profile);
  g_assert_true (ca_report->is_ca);
  g_assert_nonnull (ic_certificate_report_find (ca_report, IC_CERT_PROBLEM_CA_CERTIFICATE));
}

/* ------------------------------------------------------------ validity */

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  const IcCertProblem *problem;

  make (f, "old.pem", "old.key", INET_CERT_KEY_ECDSA_P256, -400, 30, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "old.pem", "old.key");
  report = check (profile);
  problem = ic_certificate_report_find (report, IC_CERT_PROBLEM_EXPIRED);
  g_assert_nonnull (problem);
  /* it starts (the engine warns), but clients refuse it */
  g_assert_cmpint (problem->severity, ==, IC_CERT_SEVERITY_WARNING);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_cmpint (report->days_left, <, 0);
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_EXPIRES_SOON));
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_NOT_YET_VALID));
}

static void
test_not_yet_valid (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;

  make (f, "future.pem", "future.key", INET_CERT_KEY_ECDSA_P256, 10, 365, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "future.pem", "future.key");
  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_NOT_YET_VALID));
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_EXPIRED));
}

static void
test_expires_soon (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  const IcCertProblem *problem;
  g_autofree char *days = NULL;

  make (f, "soon.pem", "soon.key", INET_CERT_KEY_ECDSA_P256, 0, 10, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "soon.pem", "soon.key");
  report = check (profile);
  problem = ic_certificate_report_find (report, IC_CERT_PROBLEM_EXPIRES_SOON);
  g_assert_nonnull (problem);
  g_assert_cmpint (report->days_left, >=, 9);
  g_assert_cmpint (report->days_left, <=, 10);
  /* the sentence says how many days */
  days = g_strdup_printf (" %d day", report->days_left);
  g_assert_nonnull (strstr (problem->title, days));
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_EXPIRED));
}

/* ----------------------------------------------------------------- key */

static void
test_mismatched_key (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  const IcCertProblem *problem;

  make (f, "a.pem", "a.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);
  make (f, "b.pem", "b.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "a.pem", "b.key");
  report = check (profile);
  g_assert_true (report->loaded);
  g_assert_false (report->key_matches);
  problem = ic_certificate_report_find (report, IC_CERT_PROBLEM_KEY_MISMATCH);
  g_assert_nonnull (problem);
  g_assert_cmpint (problem->severity, ==, IC_CERT_SEVERITY_ERROR);
  g_assert_nonnull (problem->detail);
  g_assert_true (ic_certificate_report_has_errors (report));
  g_assert_true (g_ptr_array_index (report->problems, 0) == problem);
}

static void
test_key_missing_and_wrong_files (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) no_key = NULL;
  g_autoptr(IcCertificateReport) no_cert = NULL;
  g_autoptr(IcCertificateReport) key_as_cert = NULL;
  g_autoptr(IcCertificateReport) cert_as_key = NULL;

  /* a key name the engine does not look for beside the certificate */
  make (f, "c.pem", "secret.pem", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);

  /* a certificate without its key (the key is in another file) */
  profile = tls_profile (f, "127.0.0.1", "c.pem", NULL);
  no_key = check (profile);
  g_assert_true (no_key->loaded);
  g_assert_nonnull (ic_certificate_report_find (no_key, IC_CERT_PROBLEM_KEY_NOT_FOUND));
  g_assert_false (no_key->key_found);

  g_free (profile->cert_file);
  profile->cert_file = path (f, "nowhere.pem");
  no_cert = check (profile);
  g_assert_false (no_cert->loaded);
  g_assert_nonnull (ic_certificate_report_find (no_cert, IC_CERT_PROBLEM_CERT_NOT_FOUND));

  /* the two files swapped, as newcomers do */
  g_free (profile->cert_file);
  profile->cert_file = path (f, "secret.pem");
  key_as_cert = check (profile);
  g_assert_false (key_as_cert->loaded);
  g_assert_nonnull (ic_certificate_report_find (key_as_cert, IC_CERT_PROBLEM_CERT_INVALID));

  g_free (profile->cert_file);
  profile->cert_file = path (f, "c.pem");
  profile->key_file = path (f, "c.pem");
  cert_as_key = check (profile);
  g_assert_true (cert_as_key->loaded);
  g_assert_false (cert_as_key->key_matches);
  g_assert_true (ic_certificate_report_has_errors (cert_as_key));
  g_assert_true (ic_certificate_report_find (cert_as_key, IC_CERT_PROBLEM_KEY_INVALID) != NULL
                 || ic_certificate_report_find (cert_as_key, IC_CERT_PROBLEM_KEY_NOT_FOUND) != NULL);

  /* a key file that is not a key at all */
  {
    g_autofree char *junk = path (f, "junk.key");
    g_autoptr(IcCertificateReport) junk_key = NULL;

    g_assert_true (g_file_set_contents (junk, "just some text\n", -1, NULL));
    g_free (profile->key_file);
    profile->key_file = g_strdup (junk);
    junk_key = check (profile);
    g_assert_true (junk_key->loaded);
    g_assert_nonnull (ic_certificate_report_find (junk_key, IC_CERT_PROBLEM_KEY_INVALID));
  }
}

/* NAME.key beside NAME.pem is found without being chosen. */
static void
test_key_beside (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  g_autofree char *key = path (f, "d.key");

  make (f, "d.pem", "d.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "d.pem", NULL);
  report = check (profile);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_true (report->key_matches);
  g_assert_cmpstr (report->key_file, ==, key);
}

static void
test_key_password (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autofree char *password_file = path (f, "password.txt");
  g_autofree char *missing_file = path (f, "no-password.txt");
  IcCertificateReport *report;

  make (f, "locked.pem", "locked.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, "s3cret");
  profile = tls_profile (f, "127.0.0.1", "locked.pem", "locked.key");

  /* no password at all */
  report = check (profile);
  g_assert_true (report->key_encrypted);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_PASSWORD_NEEDED));
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_BAD_PASSWORD));
  ic_certificate_report_unref (report);

  /* the wrong one */
  profile->password = g_strdup ("wrong");
  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_BAD_PASSWORD));
  g_assert_false (report->key_matches);
  ic_certificate_report_unref (report);

  /* the right one */
  g_free (profile->password);
  profile->password = g_strdup ("s3cret");
  report = check (profile);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_true (report->key_encrypted);
  g_assert_true (report->key_matches);
  ic_certificate_report_unref (report);

  /* from a password file (with the newline an editor adds) */
  g_clear_pointer (&profile->password, g_free);
  g_assert_true (g_file_set_contents (password_file, "s3cret\n", -1, NULL));
  profile->password_file = g_strdup (password_file);
  report = check (profile);
  g_assert_false (ic_certificate_report_has_errors (report));
  ic_certificate_report_unref (report);

  g_free (profile->password_file);
  profile->password_file = g_strdup (missing_file);
  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_PASSWORD_FILE));
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_PASSWORD_NEEDED));
  ic_certificate_report_unref (report);
}

static void
test_pkcs12_password (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *cert = path (f, "bundle.pem");
  g_autofree char *p12 = path (f, "bundle.p12");
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params, .lpszCertFile = cert,
                                   .lpszPkcs12File = p12, .lpszPkcs12Password = "p12pass" };
  g_autoptr(IcProfile) profile = ic_profile_new ();
  IcCertificateReport *report;

  g_assert_true (InetCreateSelfSignedCertificate (&params));
  profile->tls = TRUE;
  profile->pkcs12_file = g_strdup (p12);

  report = check (profile);
  g_assert_false (report->loaded);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_PASSWORD_NEEDED));
  ic_certificate_report_unref (report);

  profile->password = g_strdup ("nope");
  report = check (profile);
  g_assert_false (report->loaded);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_BAD_PASSWORD));
  ic_certificate_report_unref (report);

  g_free (profile->password);
  profile->password = g_strdup ("p12pass");
  report = check (profile);
  g_assert_true (report->loaded);
  g_assert_true (report->pkcs12);
  g_assert_true (report->key_matches);
  g_assert_false (ic_certificate_report_has_errors (report));
  ic_certificate_report_unref (report);
}

/* An RC2-40 PKCS#12 file (as old Windows exports are) on an OpenSSL without
 * its legacy provider: said in words, with the fix. */
static void
test_pkcs12_unsupported_child (void)
{
  g_autoptr(IcProfile) profile = ic_profile_new ();
  g_autoptr(IcCertificateReport) report = NULL;
  const IcCertProblem *problem;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs inside /app/certificate/pkcs12-unsupported");
      return;
    }
  /* where OpenSSL looks for provider modules: nowhere */
  g_setenv ("OPENSSL_MODULES", "/nonexistent", TRUE);
  profile->tls = TRUE;
  profile->pkcs12_file = g_strdup (g_getenv ("IC_TEST_LEGACY_P12"));
  profile->password = g_strdup ("old");
  report = check (profile);
  problem = ic_certificate_report_find (report, IC_CERT_PROBLEM_PKCS12_UNSUPPORTED);
  g_assert_nonnull (problem);
  g_assert_cmpint (problem->severity, ==, IC_CERT_SEVERITY_ERROR);
  g_assert_nonnull (strstr (problem->fix, "openssl pkcs12"));
}

static void
test_pkcs12_unsupported (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *cert = path (f, "legacy.pem");
  g_autofree char *key = path (f, "legacy.key");
  g_autofree char *p12 = path (f, "legacy.p12");
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  int status = -1;

  if (openssl == NULL)
    {
      g_test_skip ("no openssl command");
      return;
    }
  make (f, "legacy.pem", "legacy.key", INET_CERT_KEY_RSA_2048, 0, 365, NULL, NULL);
  {
    const char *argv[] = { openssl, "pkcs12", "-export", "-legacy", "-in", cert, "-inkey", key,
                           "-out", p12, "-passout", "pass:old", NULL };
    g_autoptr(GError) error = NULL;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
  }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("this openssl cannot write legacy PKCS#12");
      return;
    }
  g_setenv ("IC_TEST_LEGACY_P12", p12, TRUE);
  g_test_trap_subprocess ("/app/certificate/pkcs12-unsupported-child", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---------------------------------------------------------------- names */

static void
test_name_misses_address (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  IcCertificateReport *report;
  const IcCertProblem *problem;

  make (f, "named.pem", "named.key", INET_CERT_KEY_ECDSA_P256, 0, 365, "app.example", NULL);

  profile = tls_profile (f, "127.0.0.1", "named.pem", "named.key");
  report = check (profile);
  g_assert_false (report->host_matches);
  problem = ic_certificate_report_find (report, IC_CERT_PROBLEM_HOST_MISMATCH);
  g_assert_nonnull (problem);
  g_assert_cmpint (problem->severity, ==, IC_CERT_SEVERITY_WARNING);
  /* it names the address and the names the certificate has */
  g_assert_nonnull (strstr (problem->title, "127.0.0.1"));
  g_assert_nonnull (strstr (problem->fix, "app.example"));
  ic_certificate_report_unref (report);

  /* all addresses: clients on this machine say localhost */
  g_free (profile->host);
  profile->host = g_strdup ("::");
  report = check (profile);
  g_assert_cmpstr (report->host, ==, "localhost");
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_HOST_MISMATCH));
  ic_certificate_report_unref (report);

  /* the name it has */
  report = ic_certificate_check (profile, "app.example");
  g_assert_true (report->host_matches);
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_HOST_MISMATCH));
  ic_certificate_report_unref (report);
}

/* -------------------------------------------------- settings around it */

static void
test_nothing_chosen (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IcProfile) profile = ic_profile_new ();
  IcCertificateReport *report;

  /* no TLS: nothing to say */
  report = check (profile);
  g_assert_false (report->loaded);
  g_assert_cmpuint (report->problems->len, ==, 0);
  ic_certificate_report_unref (report);

  profile->tls = TRUE;
  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_NO_CERTIFICATE));
  g_assert_true (ic_certificate_report_has_errors (report));
  ic_certificate_report_unref (report);

  /* a throwaway certificate, made by the server at each start: a note */
  profile->self_signed = TRUE;
  report = check (profile);
  g_assert_false (report->loaded);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_THROWAWAY));
  g_assert_cmpuint (report->problems->len, ==, 1);
  ic_certificate_report_unref (report);
}

static void
test_client_ca (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IcProfile) profile = NULL;
  IcCertificateReport *report;

  make (f, "s.pem", "s.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);
  profile = tls_profile (f, "127.0.0.1", "s.pem", "s.key");
  profile->client_cert = IC_CLIENT_CERT_REQUIRE;

  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_CLIENT_CA_MISSING));
  ic_certificate_report_unref (report);

  profile->ca_file = path (f, "no-ca.pem");
  report = check (profile);
  g_assert_nonnull (ic_certificate_report_find (report, IC_CERT_PROBLEM_CLIENT_CA_MISSING));
  ic_certificate_report_unref (report);

  /* a self-signed client certificate is its own CA */
  make (f, "client.pem", "client.key", INET_CERT_KEY_ECDSA_P256, 0, 365, NULL, NULL);
  g_free (profile->ca_file);
  profile->ca_file = path (f, "client.pem");
  report = check (profile);
  g_assert_null (ic_certificate_report_find (report, IC_CERT_PROBLEM_CLIENT_CA_MISSING));
  g_assert_false (ic_certificate_report_has_errors (report));
  ic_certificate_report_unref (report);
}

static void
test_maker_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(IcCertificateRequest) request = ic_certificate_request_new ();
  GError *error = NULL;

  request->names = g_strdup ("localhost, not a name!");
  request->cert_file = path (f, "x.pem");
  request->key_file = path (f, "x.key");
  g_assert_false (ic_certificate_create (request, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not"));
  g_clear_error (&error);
  g_assert_false (g_file_test (request->cert_file, G_FILE_TEST_EXISTS));

  g_free (request->names);
  request->names = g_strdup ("localhost");
  g_free (request->key_file);
  request->key_file = g_strdup (request->cert_file);
  g_assert_false (ic_certificate_create (request, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_clear_pointer (&request->key_file, g_free);
  g_assert_false (ic_certificate_create (request, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

/* ----------------------------------------------------------------- async */

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr(IcCertificateRequest) request = ic_certificate_request_new ();
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcCertificateReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  g_main_context_push_thread_default (context);

  request->names = g_strdup ("localhost, 127.0.0.1");
  request->cert_file = path (f, "async.pem");
  request->key_file = path (f, "async.key");
  ic_certificate_create_async (request, NULL, got_result, &result);
  IC_TEST_SPIN_UNTIL (context, result != NULL);
  g_assert_true (ic_certificate_create_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  profile = tls_profile (f, "127.0.0.1", "async.pem", "async.key");
  ic_certificate_check_async (profile, NULL, NULL, got_result, &result);
  /* the profile was copied: changing it now does not change the check */
  g_free (profile->host);
  profile->host = g_strdup ("192.0.2.1");
  IC_TEST_SPIN_UNTIL (context, result != NULL);
  report = ic_certificate_check_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->host, ==, "127.0.0.1");
  g_assert_true (report->host_matches);
  g_assert_true (report->key_matches);
  g_clear_object (&result);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/app/certificate/" name, Fixture, NULL, setup, func, teardown)
  ADD ("self-signed-ecdsa", test_self_signed_ecdsa);
  ADD ("self-signed-rsa", test_self_signed_rsa);
  ADD ("default-names", test_default_names);
  ADD ("chain-and-ca", test_chain_and_ca);
  ADD ("expired", test_expired);
  ADD ("not-yet-valid", test_not_yet_valid);
  ADD ("expires-soon", test_expires_soon);
  ADD ("mismatched-key", test_mismatched_key);
  ADD ("missing-and-wrong-files", test_key_missing_and_wrong_files);
  ADD ("key-beside", test_key_beside);
  ADD ("key-password", test_key_password);
  ADD ("pkcs12-password", test_pkcs12_password);
  ADD ("pkcs12-unsupported", test_pkcs12_unsupported);
  g_test_add_func ("/app/certificate/pkcs12-unsupported-child", test_pkcs12_unsupported_child);
  ADD ("name-misses-address", test_name_misses_address);
  ADD ("nothing-chosen", test_nothing_chosen);
  ADD ("client-ca", test_client_ca);
  ADD ("maker-errors", test_maker_errors);
  ADD ("async", test_async);
#undef ADD

  return g_test_run ();
}
