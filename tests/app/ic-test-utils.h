/* ic-test-utils.h - helpers for the app tests: a private main context per
 * test, spinning it until a condition holds (bounded), loopback clients.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <inet-cert.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TEST_TIMEOUT_MS 20000

/* Iterates context (non-blocking, 1 ms naps when idle) until expr holds;
 * fails the test after IC_TEST_TIMEOUT_MS. */
#define IC_TEST_SPIN_UNTIL(context, expr)                                       \
  G_STMT_START                                                                 \
  {                                                                            \
    gint64 ic_deadline_ = g_get_monotonic_time () + IC_TEST_TIMEOUT_MS * 1000; \
    while (!(expr))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > ic_deadline_)                            \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #expr); \
        if (!g_main_context_iteration ((context), FALSE))                      \
          g_usleep (1000);                                                     \
      }                                                                        \
  }                                                                            \
  G_STMT_END

/* Iterates context for about ms milliseconds. */
void     ic_test_spin_for       (GMainContext *context,
                                 guint         ms);

/* A blocking TCP connection to host:port (numeric), bound to the address
 * source first when not NULL. Returns the fd, or -1 with errno set. */
int      ic_test_try_connect_from (const char *source,
                                   const char *host,
                                   guint       port);
/* A blocking TCP connection to host:port (127.0.0.1 or ::1), no delay;
 * aborts the test on failure. Returns the fd; *local_port gets its port. */
int      ic_test_connect        (const char   *host,
                                 guint         port,
                                 guint        *local_port);
/* Writes everything (bounded by a timeout). */
void     ic_test_write_all      (int           fd,
                                 const void   *data,
                                 gsize         length);
/* Reads exactly length bytes within the timeout; FALSE on EOF/error/timeout. */
gboolean ic_test_read_exact     (int           fd,
                                 void         *buffer,
                                 gsize         length,
                                 guint         timeout_ms);
/* Waits for EOF or an error; returns 0 for EOF, errno otherwise (-1: timeout). */
int      ic_test_wait_closed    (int           fd,
                                 guint         timeout_ms);

/* A new empty directory under the test's tmp dir; remove it with
 * ic_test_remove_tree. */
char    *ic_test_make_tmp_dir   (void);
void     ic_test_remove_tree    (const char   *path);

/* A certificate for 127.0.0.1, localhost and ::1 (ic_certificate_create)
 * in dir: *cert and *key get the new files' paths. */
void     ic_test_make_certificate (const char  *dir,
                                   const char  *cert_name,
                                   const char  *key_name,
                                   char       **cert,
                                   char       **key);

/* A certificate from the engine's maker (InetCreateSelfSignedCertificate)
 * in dir, with the twists a test needs: key_type (INET_CERT_KEY_*), valid
 * from start_days (negative: in the past) for valid_days (0: the engine's
 * default), names as its only names (NULL: the default ones), the key
 * (key_name NULL: none) encrypted with key_password (NULL: in the clear). */
void     ic_test_make_engine_certificate (const char *dir,
                                          const char *cert_name,
                                          const char *key_name,
                                          DWORD       key_type,
                                          INT         start_days,
                                          DWORD       valid_days,
                                          const char *names,
                                          const char *key_password);

/* How many entries of the log are of that kind (IC_EVENT_N_KINDS: any)
 * with a message that contains text (NULL: any); whether there is one. */
guint    ic_test_log_count      (IcEventLog   *log,
                                 IcEventKind   kind,
                                 const char   *text);
gboolean ic_test_log_has        (IcEventLog   *log,
                                 IcEventKind   kind,
                                 const char   *text);

/* A guint64 counter property of the server ("accepted", "rejected",
 * "handshake-failures", ...) after a fresh sample of the engine's. */
guint64  ic_test_server_counter (IcServer     *server,
                                 const char   *name);

G_END_DECLS
