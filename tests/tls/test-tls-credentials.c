/* test-tls-credentials.c - InetServerStart with INET_OPTION_SECURE: every
 * way credentials can be given, and every way they can be wrong, each with
 * its own error code and a text naming the file and the cause.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <pty.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

typedef TlsCertFixture Fixture;

static VOID CALLBACK
ignore_events (SOCKET socket, UINT event, DWORD error, DWORD_PTR param)
{
  (void) socket, (void) event, (void) error, (void) param;
}

static void
check_failure (const SECURITYCREDENTIALS *credentials, DWORD code, const char *const *words)
{
  char text[2048];
  SOCKET server = InetServerStart ("127.0.0.1", 0, 0, 0, 5, INET_PRIORITY_NORMAL,
                                   INET_OPTION_SECURE, ignore_events, 0,
                                   (LPSECURITYCREDENTIALS) credentials);
  DWORD error = InetGetLastError ();

  if (server != INVALID_SOCKET)
    InetServerStop (server);
  g_assert_true (server == INVALID_SOCKET);
  InetGetErrorString (error, text, sizeof text);
  g_test_message ("%u: %s", (unsigned) error, text);
  g_assert_cmpuint (error, ==, code);
  for (int i = 0; words != NULL && words[i] != NULL; i++)
    if (strstr (text, words[i]) == NULL)
      g_error ("\"%s\" not in \"%s\"", words[i], text);
}

#define WORDS(...) ((const char *const[]) { __VA_ARGS__, NULL })

static void
check_starts_only (const SECURITYCREDENTIALS *credentials)
{
  TlsServer *server = tls_server_start (credentials, 5);

  tls_server_stop (server);
}

static void
check_starts (const SECURITYCREDENTIALS *credentials)
{
  TlsServer *server = tls_server_start (credentials, 5);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client = tls_client_open (ctx, server->port, NULL);

  tls_client_echo_check (&client, "hello");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* The subject CN the server presents. */
static char *
served_common_name (TlsServer *server)
{
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client = tls_client_open (ctx, server->port, NULL);
  X509 *peer = SSL_get1_peer_certificate (client.ssl);
  char cn[256] = "";

  g_assert_nonnull (peer);
  X509_NAME_get_text_by_NID (X509_get_subject_name (peer), NID_commonName, cn, sizeof cn);
  X509_free (peer);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  return g_strdup (cn);
}

static void
write_text (const char *path, const char *text)
{
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static char *
concat_files (const char *dir, const char *name, const char *a, const char *b)
{
  char *path = tls_test_path (dir, name);
  char *x = NULL, *y = NULL;
  char *joined;

  g_assert_true (g_file_get_contents (a, &x, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &y, NULL, NULL));
  joined = g_strconcat (x, y, NULL);
  write_text (path, joined);
  g_free (x);
  g_free (y);
  g_free (joined);
  return path;
}

/* ---------------------------------------------------------------- good */

static void
test_pem_pair (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, f->key);
  TlsServer *server;

  (void) data;
  check_starts (&c);
  /* a valid certificate leaves no warning */
  server = tls_server_start (&c, 5);
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  g_assert_cmpuint (InetGetServerWarning (server->handle, NULL, 0), ==, 0);
  tls_server_stop (server);
}

static void
test_pem_combined (Fixture *f, gconstpointer data)
{
  char *both = concat_files (f->dir, "both.pem", f->cert, f->key);
  SECURITYCREDENTIALS c = tls_test_credentials (both, NULL);

  (void) data;
  check_starts (&c);
  g_free (both);
}

/* The reference's three fields only: the rest of the struct is not read. */
static void
test_short_struct (Fixture *f, gconstpointer data)
{
  char *both = concat_files (f->dir, "both.pem", f->cert, f->key);
  SECURITYCREDENTIALS c;

  (void) data;
  memset (&c, 0xa5, sizeof c); /* garbage beyond dwSize */
  c.dwSize = offsetof (SECURITYCREDENTIALS, lpszKeyFile);
  c.dwProtocol = 0;
  c.dwOptions = 0;
  c.dwReserved = 0;
  c.lpszCertStore = both;
  c.lpszCertName = NULL;
  check_starts (&c);
  g_free (both);
}

static void
test_chain (Fixture *f, gconstpointer data)
{
  char *ca = tls_test_path (f->dir, "ca.pem");
  char *leaf = tls_test_path (f->dir, "leaf.pem");
  char *leaf_key = tls_test_path (f->dir, "leaf.key");
  INETCERTIFICATEPARAMS ca_params = {
    .dwSize = sizeof ca_params, .dwFlags = INET_CERT_FLAG_CA, .lpszCommonName = "Test CA",
    .lpszCertFile = ca,
  };
  INETCERTIFICATEPARAMS leaf_params = {
    .dwSize = sizeof leaf_params, .lpszCertFile = leaf, .lpszKeyFile = leaf_key,
    .lpszIssuerCertFile = ca,
  };
  SECURITYCREDENTIALS c = tls_test_credentials (leaf, leaf_key);
  TlsServer *server;
  SSL_CTX *ctx;
  TlsClient client;
  STACK_OF (X509) *chain;

  (void) data;
  tls_test_make (&ca_params);
  tls_test_make (&leaf_params);
  server = tls_server_start (&c, 5);
  ctx = tls_client_ctx (0, 0);
  client = tls_client_open (ctx, server->port, NULL);
  chain = SSL_get_peer_cert_chain (client.ssl);
  g_assert_nonnull (chain);
  g_assert_cmpint (sk_X509_num (chain), ==, 2); /* the leaf and the CA */
  /* and it verifies against the CA: the chain is the right one */
  SSL_CTX_free (ctx);
  tls_client_close (client.ssl, client.fd, TRUE);
  ctx = tls_client_ctx (0, 0);
  g_assert_cmpint (SSL_CTX_load_verify_file (ctx, ca), ==, 1);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER, NULL);
  client = tls_client_open (ctx, server->port, "localhost");
  g_assert_cmpint (SSL_get_verify_result (client.ssl), ==, X509_V_OK);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
  g_free (ca);
  g_free (leaf);
  g_free (leaf_key);
}

static void
test_directory (Fixture *f, gconstpointer data)
{
  char *store = tls_test_path (f->dir, "store");
  char *a, *b, *a_key;
  SECURITYCREDENTIALS c = { .dwSize = sizeof c };
  TlsServer *server;
  char *cn;

  (void) data;
  g_assert_cmpint (g_mkdir (store, 0700), ==, 0);
  a = tls_test_path (store, "alpha.pem");
  a_key = tls_test_path (store, "alpha.key"); /* found beside alpha.pem */
  b = tls_test_path (store, "beta.pem");      /* key inside */
  tls_test_make_cert (a, a_key, INET_CERT_KEY_ECDSA_P256, 0, 30, "alpha.test", NULL);
  tls_test_make_cert (b, NULL, INET_CERT_KEY_ECDSA_P256, 0, 30, "beta.test", NULL);
  c.lpszCertStore = store;

  /* by subject (CN, then full DN) */
  c.lpszCertName = "beta.test";
  server = tls_server_start (&c, 5);
  cn = served_common_name (server);
  g_assert_cmpstr (cn, ==, "beta.test");
  g_free (cn);
  tls_server_stop (server);
  c.lpszCertName = "CN=alpha.test";
  server = tls_server_start (&c, 5);
  cn = served_common_name (server);
  g_assert_cmpstr (cn, ==, "alpha.test");
  g_free (cn);
  tls_server_stop (server);

  /* by file name */
  c.lpszCertName = "alpha.pem";
  server = tls_server_start (&c, 5);
  cn = served_common_name (server);
  g_assert_cmpstr (cn, ==, "alpha.test");
  g_free (cn);
  tls_server_stop (server);

  c.lpszCertName = "gamma.test";
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (store, "gamma.test"));
  c.lpszCertName = NULL;
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (store, "2 certificates"));

  g_free (a);
  g_free (a_key);
  g_free (b);
  g_free (store);
}

static void
test_file_with_name (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, f->key);

  (void) data;
  c.lpszCertName = "localhost";
  check_starts (&c);
  c.lpszCertName = "other.test";
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (f->cert, "CN=localhost", "other.test"));
}

static void
test_sibling_key (Fixture *f, gconstpointer data)
{
  /* server.pem with server.key beside it, no lpszKeyFile */
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, NULL);

  (void) data;
  check_starts (&c);
}

/* -------------------------------------------------------------- missing */

static void
test_missing_files (Fixture *f, gconstpointer data)
{
  char *nowhere = tls_test_path (f->dir, "nowhere.pem");
  char *lone = tls_test_path (f->dir, "lone.pem");
  char *elsewhere = tls_test_path (f->dir, "elsewhere.k");
  SECURITYCREDENTIALS c = tls_test_credentials (nowhere, f->key);

  (void) data;
  check_failure (&c, INET_ERROR_CERT_NOT_FOUND, WORDS (nowhere, "No such file"));
  c = tls_test_credentials (f->cert, nowhere);
  check_failure (&c, INET_ERROR_KEY_NOT_FOUND, WORDS (nowhere, "No such file"));
  /* a certificate with no key anywhere */
  tls_test_make_cert (lone, elsewhere, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, NULL);
  c = tls_test_credentials (lone, NULL);
  check_failure (&c, INET_ERROR_KEY_NOT_FOUND, WORDS (lone, "no private key"));
  g_free (nowhere);
  g_free (lone);
  g_free (elsewhere);
}

static void
test_unreadable (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, f->key);

  (void) data;
  /* a directory where the key file should be */
  c.lpszKeyFile = f->dir;
  check_failure (&c, INET_ERROR_KEY_INVALID, WORDS (f->dir, "directory"));
  if (geteuid () == 0)
    {
      g_test_message ("root reads any file: the permission case is skipped");
      return;
    }
  g_assert_cmpint (g_chmod (f->cert, 0), ==, 0);
  c = tls_test_credentials (f->cert, f->key);
  check_failure (&c, INET_ERROR_CERT_NOT_FOUND, WORDS (f->cert, "Permission denied"));
  g_assert_cmpint (g_chmod (f->cert, 0644), ==, 0);
  g_assert_cmpint (g_chmod (f->key, 0), ==, 0);
  check_failure (&c, INET_ERROR_KEY_NOT_FOUND, WORDS (f->key, "Permission denied"));
  g_chmod (f->key, 0600);
}

/* ------------------------------------------------------------- invalid */

static void
test_not_a_certificate (Fixture *f, gconstpointer data)
{
  char *text = tls_test_path (f->dir, "notes.txt");
  char *binary = tls_test_path (f->dir, "random.bin");
  char *damaged = tls_test_path (f->dir, "damaged.pem");
  SECURITYCREDENTIALS c;
  char bytes[512];

  (void) data;
  write_text (text, "this is not a certificate\n");
  for (size_t i = 0; i < sizeof bytes; i++)
    bytes[i] = (char) (i * 7 + 1);
  g_assert_true (g_file_set_contents (binary, bytes, sizeof bytes, NULL));
  write_text (damaged, "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n"
                       "-----END CERTIFICATE-----\n");

  c = tls_test_credentials (text, f->key);
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (text, "neither a PEM file nor a PKCS#12"));
  c = tls_test_credentials (binary, f->key);
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (binary));
  c = tls_test_credentials (damaged, f->key);
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (damaged, "damaged"));
  /* the key given as the certificate */
  c = tls_test_credentials (f->key, f->key);
  check_failure (&c, INET_ERROR_CERT_INVALID, WORDS (f->key, "private key but no certificate"));
  /* the certificate given as the key */
  c = tls_test_credentials (f->cert, f->cert);
  check_failure (&c, INET_ERROR_KEY_INVALID, WORDS (f->cert, "not a private key"));
  g_free (text);
  g_free (binary);
  g_free (damaged);
}

static void
test_key_mismatch (Fixture *f, gconstpointer data)
{
  char *other_cert = tls_test_path (f->dir, "other.pem");
  char *other_key = tls_test_path (f->dir, "other.key");
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, other_key);

  (void) data;
  tls_test_make_cert (other_cert, other_key, INET_CERT_KEY_RSA_2048, 0, 30, NULL, NULL);
  check_failure (&c, INET_ERROR_KEY_MISMATCH,
                 WORDS (other_key, f->cert, "does not belong to the certificate"));
  g_free (other_cert);
  g_free (other_key);
}

/* ------------------------------------------------------------ passwords */

typedef struct
{
  const char *password;
  guint calls;
  char file[512];
} PasswordAsk;

static BOOL CALLBACK
ask_password (LPCTSTR file, LPTSTR password, INT cch, DWORD_PTR param)
{
  PasswordAsk *ask = (PasswordAsk *) param;

  ask->calls++;
  g_strlcpy (ask->file, file, sizeof ask->file);
  if (ask->password == NULL)
    return FALSE;
  g_strlcpy (password, ask->password, (gsize) cch);
  return TRUE;
}

static void
test_encrypted_key (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "locked.pem");
  char *key = tls_test_path (f->dir, "locked.key");
  SECURITYCREDENTIALS c = tls_test_credentials (cert, key);
  PasswordAsk ask = { 0 };

  (void) data;
  tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, "s3cret");

  c.lpszPassword = "s3cret";
  check_starts (&c);
  c.lpszPassword = "wrong";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "wrong password"));
  c.lpszPassword = NULL;
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "no password was given"));

  /* the callback: asked once, with the file that needs it */
  c.lpPasswordProc = ask_password;
  c.dwPasswordParam = (DWORD_PTR) &ask;
  ask.password = "s3cret";
  check_starts (&c);
  g_assert_cmpuint (ask.calls, ==, 1);
  g_assert_cmpstr (ask.file, ==, key);
  ask.password = NULL; /* the user cancelled */
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "no password"));
  ask.password = "nope";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "wrong password"));
  g_free (cert);
  g_free (key);
}

/* The traditional PEM encryption (Proc-Type: 4,ENCRYPTED) still in use. */
static void
test_traditional_encrypted_key (Fixture *f, gconstpointer data)
{
  char *key = tls_test_path (f->dir, "traditional.key");
  const char *argv[] = { "openssl", "ec", "-in", f->key, "-out", key, "-aes256",
                         "-passout", "pass:trad", NULL };
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, key);
  char *text = NULL;

  (void) data;
  if (!tls_test_have_program ("openssl"))
    {
      g_test_skip ("no openssl command");
      g_free (key);
      return;
    }
  g_assert_cmpint (tls_test_run (argv, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (key, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Proc-Type: 4,ENCRYPTED"));
  g_free (text);
  c.lpszPassword = "trad";
  check_starts (&c);
  c.lpszPassword = "wrong";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "wrong password"));
  g_free (key);
}

/* OpenSSL never prompts: with a controlling terminal and an encrypted key
 * but no password, the start fails at once and nothing is written to the
 * terminal. */
static void
test_no_prompt (Fixture *f, gconstpointer data)
{
  (void) data;
  if (g_test_subprocess ())
    {
      char *cert = tls_test_path (f->dir, "locked.pem");
      char *key = tls_test_path (f->dir, "locked.key");
      SECURITYCREDENTIALS c = tls_test_credentials (cert, key);
      int master, slave;
      char seen[256];
      ssize_t n;

      tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, "s3cret");
      /* our own session with a fresh terminal as the controlling tty */
      g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
      if (getpid () != getsid (0))
        setsid ();
      g_assert_cmpint (ioctl (slave, TIOCSCTTY, 0), ==, 0);
      dup2 (slave, STDIN_FILENO);
      alarm (20); /* a prompt would wait forever */
      check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (key, "no password was given"));
      fcntl (master, F_SETFL, O_NONBLOCK);
      n = read (master, seen, sizeof seen - 1);
      g_assert_cmpint (n, <=, 0); /* no "Enter pass phrase" */
      g_free (cert);
      g_free (key);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* --------------------------------------------------------------- PKCS#12 */

static void
make_pkcs12_cli (const char *cert, const char *key, const char *out, const char *password,
                 const char *mode)
{
  char *pass = g_strconcat ("pass:", password, NULL);
  const char *legacy[] = { "openssl", "pkcs12", "-export", "-legacy", "-in", cert, "-inkey", key,
                           "-out", out, "-passout", pass, NULL };
  const char *des3[] = { "openssl", "pkcs12", "-export", "-certpbe", "PBE-SHA1-3DES", "-keypbe",
                         "PBE-SHA1-3DES", "-macalg", "sha1", "-in", cert, "-inkey", key, "-out",
                         out, "-passout", pass, NULL };

  g_assert_cmpint (tls_test_run (g_str_equal (mode, "legacy") ? legacy : des3, NULL, NULL), ==,
                   0);
  g_free (pass);
}

static void
test_pkcs12_aes (Fixture *f, gconstpointer data)
{
  char *p12 = tls_test_path (f->dir, "server.p12");
  INETCERTIFICATEPARAMS params = {
    .dwSize = sizeof params, .lpszPkcs12File = p12, .lpszPkcs12Password = "p12pass",
  };
  SECURITYCREDENTIALS c = tls_test_credentials (p12, NULL);
  PasswordAsk ask = { .password = "p12pass" };

  (void) data;
  tls_test_make (&params);
  c.lpszPassword = "p12pass";
  check_starts (&c);
  c.lpszPassword = "wrong";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (p12, "wrong password", "PKCS#12"));
  c.lpszPassword = NULL;
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (p12, "none was given"));
  c.lpPasswordProc = ask_password;
  c.dwPasswordParam = (DWORD_PTR) &ask;
  check_starts (&c);
  g_assert_cmpuint (ask.calls, ==, 1);
  g_assert_cmpstr (ask.file, ==, p12);
  g_free (p12);
}

static void
test_pkcs12_legacy (Fixture *f, gconstpointer data)
{
  char *rc2 = g_strdup (g_getenv ("TLS_TEST_P12")); /* set in main (), before any thread */
  char *des3 = tls_test_path (f->dir, "des3.p12");
  SECURITYCREDENTIALS c;

  (void) data;
  if (!tls_test_have_program ("openssl"))
    {
      g_test_skip ("no openssl command");
      goto out;
    }
  make_pkcs12_cli (f->cert, f->key, rc2, "old", "legacy");
  make_pkcs12_cli (f->cert, f->key, des3, "old", "3des");

  /* 3DES: the default provider reads it */
  c = tls_test_credentials (des3, NULL);
  c.lpszPassword = "old";
  check_starts (&c);
  c.lpszPassword = "wrong";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (des3));

  /* RC2-40 certificates: the legacy provider, loaded in a private context */
  c = tls_test_credentials (rc2, NULL);
  c.lpszPassword = "old";
  check_starts (&c);
  c.lpszPassword = "wrong";
  check_failure (&c, INET_ERROR_BAD_PASSWORD, WORDS (rc2, "wrong password"));

  /* without the legacy provider: a clear "unsupported" */
  g_test_trap_subprocess ("/tls/credentials/pkcs12-no-legacy-provider", 30 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
out:
  g_free (rc2);
  g_free (des3);
}

static void
test_pkcs12_no_legacy_provider (void)
{
  SECURITYCREDENTIALS c;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs inside /tls/credentials/pkcs12-legacy");
      return;
    }
  /* where OpenSSL looks for provider modules: nowhere */
  g_setenv ("OPENSSL_MODULES", "/nonexistent", TRUE);
  c = tls_test_credentials (g_getenv ("TLS_TEST_P12"), NULL);
  c.lpszPassword = "old";
  check_failure (&c, INET_ERROR_PKCS12_UNSUPPORTED,
                 WORDS (g_getenv ("TLS_TEST_P12"), "RC2", "legacy provider"));
}

/* ------------------------------------------------------------- validity */

static void
test_expired (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "old.pem");
  char *key = tls_test_path (f->dir, "old.key");
  SECURITYCREDENTIALS c = tls_test_credentials (cert, key);
  TlsServer *server;
  SSL_CTX *ctx;
  TlsClient client;
  char text[512];

  (void) data;
  tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, -30, 10, NULL, NULL);
  server = tls_server_start (&c, 5);
  /* it starts, and says why it might not be trusted */
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_CERT_EXPIRED);
  g_assert_cmpuint (InetGetServerWarning (server->handle, text, sizeof text), ==,
                    INET_ERROR_CERT_EXPIRED);
  g_assert_nonnull (strstr (text, cert));
  g_assert_nonnull (strstr (text, "expired on"));
  ctx = tls_client_ctx (0, 0);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "still serving");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
  g_free (cert);
  g_free (key);
}

static void
test_not_yet_valid (Fixture *f, gconstpointer data)
{
  char *cert = tls_test_path (f->dir, "future.pem");
  char *key = tls_test_path (f->dir, "future.key");
  SECURITYCREDENTIALS c = tls_test_credentials (cert, key);
  TlsServer *server;
  char text[512];

  (void) data;
  tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, 3, 10, NULL, NULL);
  server = tls_server_start (&c, 5);
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_CERT_NOT_YET_VALID);
  g_assert_cmpuint (InetGetServerWarning (server->handle, text, sizeof text), ==,
                    INET_ERROR_CERT_NOT_YET_VALID);
  g_assert_nonnull (strstr (text, "valid from"));
  tls_server_stop (server);
  g_free (cert);
  g_free (key);
}

/* -------------------------------------------------------------- settings */

static void
test_bad_settings (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = tls_test_credentials (f->cert, f->key);
  char *notes = tls_test_path (f->dir, "notes.txt");
  char *nowhere = tls_test_path (f->dir, "no-ca.pem");

  (void) data;
  c.lpszCipherList = "NOT-A-CIPHER";
  check_failure (&c, INET_ERROR_TLS_CONFIG, WORDS ("NOT-A-CIPHER"));
  c = tls_test_credentials (f->cert, f->key);
  c.lpszCipherSuites = "TLS_NOT_A_SUITE";
  check_failure (&c, INET_ERROR_TLS_CONFIG, WORDS ("TLS_NOT_A_SUITE"));
  c = tls_test_credentials (f->cert, f->key);
  c.dwProtocol = 0x0301; /* TLS 1.0 is not offered */
  check_failure (&c, INET_ERROR_TLS_CONFIG, WORDS ("TLS 1.2"));
  c = tls_test_credentials (f->cert, f->key);
  c.lpszAlpn = ", ,";
  check_failure (&c, INET_ERROR_TLS_CONFIG, WORDS ("lpszAlpn"));
  c = tls_test_credentials (f->cert, f->key);
  c.dwOptions = 0x80;
  check_failure (&c, INET_ERROR_TLS_CONFIG, WORDS ("dwOptions"));

  /* client certificates */
  c = tls_test_credentials (f->cert, f->key);
  c.dwOptions = INET_CREDENTIAL_REQUIRE_CLIENT_CERT;
  check_failure (&c, INET_ERROR_CA_NOT_FOUND, WORDS ("lpszCAFile"));
  c.lpszCAFile = nowhere;
  check_failure (&c, INET_ERROR_CA_NOT_FOUND, WORDS (nowhere, "No such file"));
  write_text (notes, "not a CA\n");
  c.lpszCAFile = notes;
  check_failure (&c, INET_ERROR_CA_NOT_FOUND, WORDS (notes, "no CA certificate"));
  c.lpszCAFile = f->cert;
  check_starts_only (&c);
  g_free (notes);
  g_free (nowhere);
}

int
main (int argc, char **argv)
{
  char *shared;
  char *p12;
  int status;

  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();
  /* a file the legacy tests share with their subprocess (env set before
   * any thread exists) */
  shared = g_test_subprocess () ? NULL : tls_test_tmpdir ();
  if (shared != NULL)
    {
      p12 = tls_test_path (shared, "legacy.p12");
      g_setenv ("TLS_TEST_P12", p12, TRUE);
      g_free (p12);
    }

#define ADD(path, fn) g_test_add ("/tls/credentials/" path, Fixture, NULL, tls_cert_fixture_setup, fn, \
                                  tls_cert_fixture_teardown)
  ADD ("pem-pair", test_pem_pair);
  ADD ("pem-combined", test_pem_combined);
  ADD ("short-struct", test_short_struct);
  ADD ("chain", test_chain);
  ADD ("directory", test_directory);
  ADD ("file-with-name", test_file_with_name);
  ADD ("sibling-key", test_sibling_key);
  ADD ("missing-files", test_missing_files);
  ADD ("unreadable", test_unreadable);
  ADD ("not-a-certificate", test_not_a_certificate);
  ADD ("key-mismatch", test_key_mismatch);
  ADD ("encrypted-key", test_encrypted_key);
  ADD ("traditional-encrypted-key", test_traditional_encrypted_key);
  ADD ("no-prompt", test_no_prompt);
  ADD ("pkcs12-aes", test_pkcs12_aes);
  ADD ("pkcs12-legacy", test_pkcs12_legacy);
  g_test_add_func ("/tls/credentials/pkcs12-no-legacy-provider", test_pkcs12_no_legacy_provider);
  ADD ("expired", test_expired);
  ADD ("not-yet-valid", test_not_yet_valid);
  ADD ("bad-settings", test_bad_settings);
#undef ADD
  status = g_test_run ();
  if (shared != NULL)
    tls_test_rmdir (shared);
  g_free (shared);
  return status;
}
