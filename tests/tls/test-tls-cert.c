/* test-tls-cert.c - InetCreateSelfSignedCertificate and
 * InetDescribeCertificate: what is made is what is described, checked
 * against OpenSSL's own view (and the openssl command where it helps);
 * key checks, host checks, validity flags; both from many threads at once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = tls_test_tmpdir ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  tls_test_rmdir (f->dir);
  g_free (f->dir);
}

static INETCERTIFICATEINFO
describe (const char *store, const char *key, const char *password, const char *host)
{
  SECURITYCREDENTIALS c = tls_test_credentials (store, key);
  INETCERTIFICATEINFO info = { .dwSize = sizeof info };

  c.lpszPassword = password;
  if (!InetDescribeCertificate (&c, host, &info))
    tls_test_fail ("InetDescribeCertificate");
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  return info;
}

static X509 *
read_cert (const char *path)
{
  FILE *file = fopen (path, "r");
  X509 *cert;

  g_assert_nonnull (file);
  cert = PEM_read_X509 (file, NULL, NULL, NULL);
  fclose (file);
  g_assert_nonnull (cert);
  return cert;
}

/* ------------------------------------------------------------- the maker */

static void
test_default_ecdsa (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "default.pem");
  char *key = tls_test_path (f->dir, "default.key");
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params, .lpszCertFile = cert,
                                   .lpszKeyFile = key };
  INETCERTIFICATEINFO info;
  GStatBuf st;
  X509 *x;
  unsigned char md[32];
  unsigned md_len = 0;
  char expected[100] = "";
  time_t now = time (NULL);

  (void) data;
  tls_test_make (&params);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600); /* the key is private */
  g_assert_cmpint (g_stat (cert, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);

  info = describe (cert, key, NULL, NULL);
  g_assert_cmpstr (info.szSubject, ==, "CN=localhost");
  g_assert_cmpstr (info.szIssuer, ==, "CN=localhost");
  g_assert_cmpstr (info.szCommonName, ==, "localhost");
  g_assert_cmpstr (info.szAltNames, ==, "DNS:localhost, IP:127.0.0.1, IP:::1");
  g_assert_cmpstr (info.szKeyType, ==, "EC P-256");
  g_assert_cmpuint (info.dwKeyBits, ==, 256);
  g_assert_cmpstr (info.szSignature, ==, "ecdsa-with-SHA256");
  g_assert_cmpuint (info.dwChainLength, ==, 1);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_SELF_SIGNED, !=, 0);
  g_assert_cmpuint (info.dwFlags & (INET_CERT_INFO_CA | INET_CERT_INFO_EXPIRED
                                    | INET_CERT_INFO_NOT_YET_VALID | INET_CERT_INFO_EXPIRES_SOON
                                    | INET_CERT_INFO_PKCS12 | INET_CERT_INFO_KEY_ENCRYPTED),
                    ==, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_FOUND, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, !=, 0);
  g_assert_cmpuint (info.dwKeyError, ==, 0);
  g_assert_cmpstr (info.szFile, ==, cert);
  g_assert_cmpstr (info.szKeyFile, ==, key);
  /* valid for 365 days from (a few minutes before) now */
  g_assert_cmpint ((gint64) info.nNotBefore, <=, (gint64) now);
  g_assert_cmpint ((gint64) info.nNotBefore, >=, (gint64) now - 600);
  g_assert_cmpint ((gint64) (info.nNotAfter - info.nNotBefore), ==, 365 * 86400);
  g_assert_cmpint (info.nDaysLeft, ==, 364);
  g_assert_true (g_str_has_suffix (info.szNotAfter, " UTC"));

  /* the fingerprint is the certificate's SHA-256, as OpenSSL computes it */
  x = read_cert (cert);
  g_assert_cmpint (X509_digest (x, EVP_sha256 (), md, &md_len), ==, 1);
  for (unsigned i = 0; i < md_len; i++)
    g_snprintf (expected + 3 * i, sizeof expected - 3 * i, i + 1 < md_len ? "%02X:" : "%02X",
                md[i]);
  g_assert_cmpstr (info.szFingerprint, ==, expected);
  /* serverAuth, not a CA */
  g_assert_cmpint (X509_check_purpose (x, X509_PURPOSE_SSL_SERVER, 0), ==, 1);
  g_assert_cmpint (X509_check_ca (x), ==, 0);
  X509_free (x);

  /* the openssl command agrees */
  if (tls_test_have_program ("openssl"))
    {
      const char *argv[] = { "openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256",
                             NULL };
      char *out = NULL;

      g_assert_cmpint (tls_test_run (argv, NULL, &out), ==, 0);
      g_assert_nonnull (strstr (out, expected));
      g_free (out);
    }
  g_free (cert);
  g_free (key);
}

static void
test_rsa_names_validity (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "rsa.pem");
  INETCERTIFICATEPARAMS params = {
    .dwSize = sizeof params,
    .dwKeyType = INET_CERT_KEY_RSA_2048,
    .dwValidDays = 90,
    .lpszCommonName = "app.example.test",
    .lpszAltNames = "DNS:api.example.test, *.wild.example.test 10.1.2.3,2001:db8::7 localhost",
    .lpszCertFile = cert, /* key after the certificate */
  };
  INETCERTIFICATEINFO info;
  GStatBuf st;

  (void) data;
  tls_test_make (&params);
  g_assert_cmpint (g_stat (cert, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600); /* it holds the key */
  info = describe (cert, NULL, NULL, NULL);
  g_assert_cmpstr (info.szKeyType, ==, "RSA");
  g_assert_cmpuint (info.dwKeyBits, ==, 2048);
  g_assert_cmpstr (info.szSignature, ==, "sha256WithRSAEncryption");
  g_assert_cmpstr (info.szCommonName, ==, "app.example.test");
  g_assert_cmpstr (info.szAltNames, ==,
                   "DNS:localhost, IP:127.0.0.1, IP:::1, DNS:app.example.test, "
                   "DNS:api.example.test, DNS:*.wild.example.test, IP:10.1.2.3, "
                   "IP:2001:db8::7");
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, !=, 0);
  g_assert_cmpstr (info.szKeyFile, ==, cert);
  g_assert_cmpint ((gint64) (info.nNotAfter - info.nNotBefore), ==, 90 * 86400);

  /* hosts and addresses it covers */
#define COVERS(host, yes)                                                                   \
  do                                                                                        \
    {                                                                                       \
      INETCERTIFICATEINFO i = describe (cert, NULL, NULL, host);                           \
      g_assert_cmpuint (i.dwFlags & INET_CERT_INFO_HOST_CHECKED, !=, 0);                    \
      g_assert_cmpuint (!!(i.dwFlags & INET_CERT_INFO_HOST_MATCHES), ==, (yes));            \
    }                                                                                       \
  while (0)
  COVERS ("app.example.test", TRUE);
  COVERS ("API.example.test", TRUE);
  COVERS ("x.wild.example.test", TRUE);
  COVERS ("wild.example.test", FALSE);
  COVERS ("other.test", FALSE);
  COVERS ("127.0.0.1", TRUE);
  COVERS ("::1", TRUE);
  COVERS ("[::1]", TRUE);
  COVERS ("2001:db8::7", TRUE);
  COVERS ("10.1.2.4", FALSE);
#undef COVERS
  g_assert_cmpuint (describe (cert, NULL, NULL, NULL).dwFlags & INET_CERT_INFO_HOST_CHECKED, ==,
                    0);
  g_free (cert);
}

static void
test_validity_flags (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "v.pem");
  INETCERTIFICATEINFO info;

  (void) data;
  tls_test_make_cert (cert, NULL, INET_CERT_KEY_ECDSA_P256, -20, 10, NULL, NULL);
  info = describe (cert, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_EXPIRED, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_EXPIRES_SOON, ==, 0);
  g_assert_cmpint (info.nDaysLeft, ==, -10);

  tls_test_make_cert (cert, NULL, INET_CERT_KEY_ECDSA_P256, 2, 10, NULL, NULL);
  info = describe (cert, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_NOT_YET_VALID, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_EXPIRED, ==, 0);

  tls_test_make_cert (cert, NULL, INET_CERT_KEY_ECDSA_P256, -1, 10, NULL, NULL);
  info = describe (cert, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_EXPIRES_SOON, !=, 0);
  g_assert_cmpuint (info.dwFlags & (INET_CERT_INFO_EXPIRED | INET_CERT_INFO_NOT_YET_VALID), ==,
                    0);
  g_assert_cmpint (info.nDaysLeft, >=, 8); /* 9 days minus the seconds since it was made */
  g_assert_cmpint (info.nDaysLeft, <=, 9);

  tls_test_make_cert (cert, NULL, INET_CERT_KEY_ECDSA_P256, 0, 3650, NULL, NULL);
  info = describe (cert, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwFlags & (INET_CERT_INFO_EXPIRED | INET_CERT_INFO_NOT_YET_VALID
                                    | INET_CERT_INFO_EXPIRES_SOON), ==, 0);
  g_free (cert);
}

/* ------------------------------------------------------------ key checks */

static void
test_key_checks (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "a.pem");
  char *key = tls_test_path (f->dir, "a-secret.key");
  char *other = tls_test_path (f->dir, "b.pem");
  char *other_key = tls_test_path (f->dir, "b.key");
  char *alone = tls_test_path (f->dir, "alone.pem");
  char *alone_key = tls_test_path (f->dir, "elsewhere");
  INETCERTIFICATEINFO info;

  (void) data;
  tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, "pw");
  tls_test_make_cert (other, other_key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, NULL);
  tls_test_make_cert (alone, alone_key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, NULL);

  info = describe (cert, key, "pw", NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_ENCRYPTED, !=, 0);

  info = describe (cert, key, "wrong", NULL);
  g_assert_cmpuint (info.dwKeyError, ==, INET_ERROR_BAD_PASSWORD);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_FOUND, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, ==, 0);
  g_assert_nonnull (strstr (info.szKeyError, "wrong password"));
  g_assert_cmpstr (info.szSubject, ==, "CN=localhost"); /* the rest is still described */

  info = describe (cert, key, NULL, NULL);
  g_assert_cmpuint (info.dwKeyError, ==, INET_ERROR_BAD_PASSWORD);
  g_assert_nonnull (strstr (info.szKeyError, "no password"));

  info = describe (cert, other_key, NULL, NULL);
  g_assert_cmpuint (info.dwKeyError, ==, INET_ERROR_KEY_MISMATCH);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_FOUND, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, ==, 0);
  g_assert_cmpstr (info.szKeyFile, ==, other_key);

  info = describe (alone, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwKeyError, ==, INET_ERROR_KEY_NOT_FOUND);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_FOUND, ==, 0);

  /* the certificate itself missing: the call fails */
  {
    SECURITYCREDENTIALS c = tls_test_credentials (alone_key, NULL);
    INETCERTIFICATEINFO none = { .dwSize = sizeof none };
    char *nowhere = tls_test_path (f->dir, "nowhere.pem");

    g_assert_false (InetDescribeCertificate (&c, NULL, &none));
    g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_CERT_INVALID);
    c.lpszCertStore = nowhere;
    g_assert_false (InetDescribeCertificate (&c, NULL, &none));
    g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_CERT_NOT_FOUND);
    none.dwSize = 8;
    g_assert_false (InetDescribeCertificate (&c, NULL, &none));
    g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
    g_free (nowhere);
  }
  g_free (cert);
  g_free (key);
  g_free (other);
  g_free (other_key);
  g_free (alone);
  g_free (alone_key);
}

/* ----------------------------------------------------- PKCS#12 and a CA */

static void
test_pkcs12 (Fixture *f, gconstpointer data)
{
  char *p12 = tls_test_path (f->dir, "bundle.p12");
  char *cert = tls_test_path (f->dir, "bundle.pem");
  INETCERTIFICATEPARAMS params = {
    .dwSize = sizeof params, .lpszCommonName = "bundle.test", .lpszCertFile = cert,
    .lpszPkcs12File = p12, .lpszPkcs12Password = "p12",
  };
  INETCERTIFICATEINFO info, pem;
  SECURITYCREDENTIALS c = tls_test_credentials (p12, NULL);
  INETCERTIFICATEINFO none = { .dwSize = sizeof none };
  GStatBuf st;

  (void) data;
  tls_test_make (&params);
  g_assert_cmpint (g_stat (p12, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  info = describe (p12, NULL, "p12", NULL);
  pem = describe (cert, NULL, NULL, NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_PKCS12, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_MATCHES, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_KEY_ENCRYPTED, !=, 0);
  g_assert_cmpstr (info.szFingerprint, ==, pem.szFingerprint); /* the same certificate */
  g_assert_cmpstr (info.szKeyFile, ==, p12);

  c.lpszPassword = "wrong";
  g_assert_false (InetDescribeCertificate (&c, NULL, &none));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_BAD_PASSWORD);

  /* AES-256 and a SHA-256 MAC, readable by the openssl command */
  if (tls_test_have_program ("openssl"))
    {
      const char *argv[] = { "openssl", "pkcs12", "-in", p12, "-info", "-noout", "-passin",
                             "pass:p12", NULL };
      char *out = NULL;

      g_assert_cmpint (tls_test_run (argv, NULL, &out), ==, 0);
      g_free (out);
    }
  g_free (p12);
  g_free (cert);
}

static void
test_ca_signed (Fixture *f, gconstpointer data)
{
  char *ca = tls_test_path (f->dir, "ca.pem");
  char *ca_key = tls_test_path (f->dir, "ca.key");
  char *leaf = tls_test_path (f->dir, "leaf.pem");
  char *leaf_key = tls_test_path (f->dir, "leaf.key");
  INETCERTIFICATEPARAMS ca_params = {
    .dwSize = sizeof ca_params, .dwKeyType = INET_CERT_KEY_RSA_2048,
    .dwFlags = INET_CERT_FLAG_CA, .lpszCommonName = "Inet Test CA", .lpszCertFile = ca,
    .lpszKeyFile = ca_key, .lpszKeyPassword = "ca-pw",
  };
  INETCERTIFICATEPARAMS leaf_params = {
    .dwSize = sizeof leaf_params, .lpszCommonName = "leaf.test", .lpszCertFile = leaf,
    .lpszKeyFile = leaf_key, .lpszIssuerCertFile = ca, .lpszIssuerKeyFile = ca_key,
    .lpszIssuerPassword = "ca-pw",
  };
  INETCERTIFICATEINFO info;

  (void) data;
  tls_test_make (&ca_params);
  info = describe (ca, ca_key, "ca-pw", NULL);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_CA, !=, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_SELF_SIGNED, !=, 0);
  g_assert_cmpstr (info.szAltNames, ==, ""); /* a CA names no hosts */

  tls_test_make (&leaf_params);
  info = describe (leaf, leaf_key, NULL, "leaf.test");
  g_assert_cmpstr (info.szSubject, ==, "CN=leaf.test");
  g_assert_cmpstr (info.szIssuer, ==, "CN=Inet Test CA");
  g_assert_cmpuint (info.dwChainLength, ==, 2); /* the CA follows the leaf */
  g_assert_cmpuint (info.dwFlags & (INET_CERT_INFO_SELF_SIGNED | INET_CERT_INFO_CA), ==, 0);
  g_assert_cmpuint (info.dwFlags & INET_CERT_INFO_HOST_MATCHES, !=, 0);

  /* the CA's signature verifies */
  {
    X509 *c = read_cert (leaf);
    X509 *issuer = read_cert (ca);
    X509_STORE *store = X509_STORE_new ();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new ();

    X509_STORE_add_cert (store, issuer);
    X509_STORE_CTX_init (ctx, store, c, NULL);
    g_assert_cmpint (X509_verify_cert (ctx), ==, 1);
    X509_STORE_CTX_free (ctx);
    X509_STORE_free (store);
    X509_free (c);
    X509_free (issuer);
  }

  /* the wrong CA password fails the maker with the credential error */
  leaf_params.lpszIssuerPassword = "nope";
  g_assert_false (InetCreateSelfSignedCertificate (&leaf_params));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_BAD_PASSWORD);
  /* a leaf is no CA */
  leaf_params.lpszIssuerCertFile = leaf;
  leaf_params.lpszIssuerKeyFile = leaf_key;
  leaf_params.lpszIssuerPassword = NULL;
  leaf_params.lpszCertFile = ca_key; /* never written: the check comes first */
  g_assert_false (InetCreateSelfSignedCertificate (&leaf_params));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_CERT_INVALID);
  g_free (ca);
  g_free (ca_key);
  g_free (leaf);
  g_free (leaf_key);
}

static void
test_bad_parameters (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "x.pem");
  char *unwritable = tls_test_path (f->dir, "no/such/dir/x.pem");
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params, .lpszCertFile = cert };
  char text[512];

  (void) data;
  params.lpszAltNames = "good.test, bad name!";
  g_assert_false (InetCreateSelfSignedCertificate (&params));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  InetGetErrorString (InetGetLastError (), text, sizeof text);
  g_assert_nonnull (strstr (text, "\"name!\""));
  g_assert_false (g_file_test (cert, G_FILE_TEST_EXISTS));
  params.lpszAltNames = NULL;
  params.dwKeyType = 7;
  g_assert_false (InetCreateSelfSignedCertificate (&params));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  params.dwKeyType = 0;
  params.lpszCertFile = NULL;
  g_assert_false (InetCreateSelfSignedCertificate (&params));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  params.lpszCertFile = unwritable;
  g_assert_false (InetCreateSelfSignedCertificate (&params));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_FILE_WRITE);
  InetGetErrorString (InetGetLastError (), text, sizeof text);
  g_assert_nonnull (strstr (text, unwritable));
  g_assert_false (InetCreateSelfSignedCertificate (NULL));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);
  g_free (cert);
  g_free (unwritable);
}

/* --------------------------------------------------------- many threads */

#define THREADS 8

typedef struct
{
  const char *dir;
  int index;
  char fingerprint[96];
  gboolean ok;
} Job;

static void *
make_and_describe (void *data)
{
  Job *job = data;
  char cert[512], key[512], p12[512];
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params };
  INETCERTIFICATEINFO info = { .dwSize = sizeof info };
  SECURITYCREDENTIALS c;

  /* no GLib allocations here: its slice allocator is invisible to TSan */
  snprintf (cert, sizeof cert, "%s/t%d.pem", job->dir, job->index);
  snprintf (key, sizeof key, "%s/t%d.key", job->dir, job->index);
  snprintf (p12, sizeof p12, "%s/t%d.p12", job->dir, job->index);
  params.dwKeyType = job->index % 2 ? INET_CERT_KEY_RSA_2048 : INET_CERT_KEY_ECDSA_P256;
  params.lpszCertFile = cert;
  params.lpszKeyFile = key;
  params.lpszKeyPassword = "k";
  params.lpszPkcs12File = p12;
  params.lpszPkcs12Password = "p";
  job->ok = InetCreateSelfSignedCertificate (&params);
  c = tls_test_credentials (cert, key);
  c.lpszPassword = "k";
  job->ok = job->ok && InetDescribeCertificate (&c, "localhost", &info)
            && (info.dwFlags & INET_CERT_INFO_KEY_MATCHES)
            && (info.dwFlags & INET_CERT_INFO_HOST_MATCHES);
  snprintf (job->fingerprint, sizeof job->fingerprint, "%s", info.szFingerprint);
  c = tls_test_credentials (p12, NULL);
  c.lpszPassword = "p";
  memset (&info, 0, sizeof info);
  info.dwSize = sizeof info;
  job->ok = job->ok && InetDescribeCertificate (&c, NULL, &info)
            && strcmp (info.szFingerprint, job->fingerprint) == 0;
  return NULL;
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  Job jobs[THREADS];
  pthread_t threads[THREADS];

  (void) data;
  for (int i = 0; i < THREADS; i++)
    {
      jobs[i] = (Job) { .dir = f->dir, .index = i };
      g_assert_cmpint (pthread_create (&threads[i], NULL, make_and_describe, &jobs[i]), ==, 0);
    }
  for (int i = 0; i < THREADS; i++)
    pthread_join (threads[i], NULL);
  for (int i = 0; i < THREADS; i++)
    {
      g_assert_true (jobs[i].ok);
      for (int j = 0; j < i; j++)
        g_assert_cmpstr (jobs[i].fingerprint, !=, jobs[j].fingerprint);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/tls/cert/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("default-ecdsa", test_default_ecdsa);
  ADD ("rsa-names-validity", test_rsa_names_validity);
  ADD ("validity-flags", test_validity_flags);
  ADD ("key-checks", test_key_checks);
  ADD ("pkcs12", test_pkcs12);
  ADD ("ca-signed", test_ca_signed);
  ADD ("bad-parameters", test_bad_parameters);
  ADD ("threads", test_threads);
#undef ADD
  return g_test_run ();
}
