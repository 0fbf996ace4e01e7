/* tls-test-util.h - helpers for the TLS tests: throwaway certificates in a
 * temporary directory, a TLS server on 127.0.0.1 port 0 that records its
 * events, and small blocking OpenSSL clients with timeouts.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <pthread.h>
#include <inet-cert.h>
#include <inet-server.h>
#include <openssl/ssl.h>

G_BEGIN_DECLS

/* Every wait in these tests gives up after this long (then the test fails). */
#define TLS_TEST_WAIT_US (60 * G_USEC_PER_SEC)

/* Call first in main (): SIGPIPE at its default action but blocked in the
 * test's threads, so a test client writing to a closed socket gets EPIPE
 * (and fails an assertion) instead of killing the program. Engine threads
 * block every signal themselves; the no-sigpipe test unblocks it around
 * the engine calls it checks. */
void tls_test_init_signals (void);

/* Fails the test: the engine call that failed, and the text of its error. */
G_GNUC_NORETURN void tls_test_fail (const char *call);

/* ------------------------------------------------------------- files */

/* A new temporary directory; tls_test_rmdir removes it with its files. */
char *tls_test_tmpdir (void);
void tls_test_rmdir (const char *dir);
char *tls_test_path (const char *dir, const char *name);

/* Makes a certificate with InetCreateSelfSignedCertificate and asserts it
 * worked. key may be NULL (key after the certificate), password NULL. */
void tls_test_make_cert (const char *cert, const char *key, DWORD key_type, INT start_days,
                         DWORD valid_days, const char *common_name, const char *password);
/* Same, with the full parameter block. */
void tls_test_make (const INETCERTIFICATEPARAMS *params);

/* Runs a command line (argv, NULL-terminated); returns the exit status
 * (-1 if it could not run), stdout in *out when not NULL. */
int tls_test_run (const char *const *argv, const char *input, char **out);
gboolean tls_test_have_program (const char *name);

/* Bytes that differ everywhere, so a lost or repeated piece shows: the
 * len bytes of the pattern from offset. */
void tls_test_fill_pattern (guint8 *buffer, size_t len, guint64 offset);

/* ------------------------------------------------------------ server */

typedef struct _TlsServer TlsServer;
typedef void (*TlsServerHook) (TlsServer *server, SOCKET client, UINT event);

/* pthread locks, not GMutex: ThreadSanitizer sees these (GLib's futexes
 * are invisible to it). */
struct _TlsServer
{
  pthread_mutex_t mutex;
  pthread_cond_t cond;                /* monotonic clock */
  SOCKET handle;
  guint port;

  /* counters (lock: mutex) */
  guint connects;
  guint disconnects;
  guint errors;
  guint reads;
  GArray *infos;                    /* INETSECURITYINFO read in CONNECT */
  GArray *clients;                  /* SOCKET from CONNECT */
  GArray *error_codes;              /* DWORD of client ERROR events */
  GPtrArray *error_details;         /* char *, InetGetEventDetail */
  GArray *error_infos;              /* INETSECURITYINFO read in ERROR */
  GArray *disconnect_codes;         /* DWORD of DISCONNECT */
  GByteArray *received;             /* what hook_sink kept */

  /* behaviour: NULL = echo */
  TlsServerHook on_read;
  TlsServerHook on_connect;
  TlsServerHook on_write;
  gpointer data;
};

/* Starts a TLS server on 127.0.0.1:0 with these credentials (TCP_NODELAY). */
TlsServer *tls_server_start (const SECURITYCREDENTIALS *credentials, UINT timeout);
/* Same with options of the caller; returns NULL (last error kept) on failure. */
TlsServer *tls_server_try_start (const SECURITYCREDENTIALS *credentials, UINT timeout,
                                 DWORD options);
void tls_server_stop (TlsServer *server);

void tls_server_lock (TlsServer *server);
void tls_server_unlock (TlsServer *server);
void tls_server_broadcast (TlsServer *server);
/* Waits on the condition until deadline (g_get_monotonic_time () based);
 * FALSE once it has passed. Called with the lock held. */
gboolean tls_server_wait_until (TlsServer *server, gint64 deadline);

/* Sets a hook or the data (under the lock: session threads read them). */
#define TLS_SERVER_SET(server, field, value) \
  do                                        \
    {                                       \
      tls_server_lock (server);             \
      (server)->field = (value);            \
      tls_server_unlock (server);           \
    }                                       \
  while (0)

/* Waits (bounded) until *counter >= target; FALSE on timeout. */
gboolean tls_server_wait (TlsServer *server, const guint *counter, guint target);
guint tls_server_get (TlsServer *server, const guint *counter);
/* The server's counters once nActive is `active`, or when the wait (bounded)
 * gave up: the caller asserts what it expects. */
INETSERVERSTATS tls_server_wait_active (TlsServer *server, UINT active);
/* The error code of client ERROR event i (after waiting for it). */
DWORD tls_server_error_code (TlsServer *server, guint i);
char *tls_server_error_detail (TlsServer *server, guint i);
INETSECURITYINFO tls_server_info (TlsServer *server, guint i);

/* Appends to received (under the lock) and wakes the waiters. */
void tls_server_keep (TlsServer *server, const void *data, guint len);
/* Waits (bounded) until received holds at least len bytes; FALSE on timeout. */
gboolean tls_server_wait_received (TlsServer *server, guint len);
/* Waits (bounded) until a hook set *flag (under the lock); returns it. */
gboolean tls_server_wait_flag (TlsServer *server, const gboolean *flag);

/* Hooks */
/* Keeps what it reads in received. */
void tls_hook_sink (TlsServer *server, SOCKET client, UINT event);

/* A credentials block for a PEM certificate and key. */
SECURITYCREDENTIALS tls_test_credentials (const char *cert, const char *key);

/* The common fixture: a temporary directory with a valid ECDSA certificate
 * for CN=localhost (server.pem, server.key) and credentials naming them. */
typedef struct
{
  char *dir;
  char *cert;
  char *key;
  SECURITYCREDENTIALS credentials;
} TlsCertFixture;

void tls_cert_fixture_setup (TlsCertFixture *f, gconstpointer data);
void tls_cert_fixture_teardown (TlsCertFixture *f, gconstpointer data);

/* ------------------------------------------------------------ clients */

/* A blocking TCP connection to 127.0.0.1:port with 10 s send/receive timeouts. */
int tls_tcp_connect (guint port);
/* Same with a small receive buffer (set before connecting), for slow readers. */
int tls_tcp_connect_small (guint port, int receive_buffer);
/* A client context: versions min..max (0 = library default), no verification. */
SSL_CTX *tls_client_ctx (int min_version, int max_version);
/* Handshake on fd; NULL on failure (fd stays open). */
SSL *tls_client_handshake (SSL_CTX *ctx, int fd, const char *server_name);
gboolean tls_client_write (SSL *ssl, const void *data, size_t len);
gboolean tls_client_read (SSL *ssl, void *data, size_t len);
/* Closes: close_notify first when notify. Frees ssl and closes fd. */
void tls_client_close (SSL *ssl, int fd, gboolean notify);
/* Closes with a reset (SO_LINGER 0), no close_notify; ssl may be NULL. */
void tls_client_reset (SSL *ssl, int fd);

/* A connected client in one call: connect + handshake, asserted. */
typedef struct
{
  int fd;
  SSL *ssl;
} TlsClient;

TlsClient tls_client_open (SSL_CTX *ctx, guint port, const char *server_name);
void tls_client_echo_check (TlsClient *client, const char *text);

G_END_DECLS
