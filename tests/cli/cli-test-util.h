/* cli-test-util.h - loopback clients and inet-serve as a subprocess.
 * Every wait is bounded: sockets have 10 s timeouts, event waits take a
 * timeout in milliseconds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <pthread.h>

G_BEGIN_DECLS

#define TU_TIMEOUT_MS 10000

/* An argument list for inet-serve, NULL-terminated: ARGS ("--tls", "0"). */
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A mutex and a condition on CLOCK_MONOTONIC, for tu_cond_wait_until. */
void tu_lock_init (pthread_mutex_t *mutex, pthread_cond_t *cond);
/* Waits on such a condition until deadline (g_get_monotonic_time
 * microseconds); FALSE on timeout. Tests use pthread locks, which
 * ThreadSanitizer understands (GLib's GMutex is a bare futex). */
gboolean tu_cond_wait_until (pthread_cond_t *cond, pthread_mutex_t *mutex, gint64 deadline);

/* ---------------------------------------------------------------- clients */

/* A blocking TCP client with send/receive timeouts; aborts the test on
 * failure. source: local address to bind, or NULL. */
int tu_connect (const char *host, guint port);
int tu_connect_from (const char *source, const char *host, guint port);
/* -1 with errno instead of failing the test. */
int tu_try_connect (const char *host, guint port);
void tu_send (int fd, const void *data, gsize length);
void tu_send_text (int fd, const char *text);
/* Reads exactly `length` bytes (fails the test on EOF or timeout first). */
void tu_recv_exact (int fd, void *buffer, gsize length);
/* Reads until the peer closes (or max bytes); *reset: the close was a reset. */
GByteArray *tu_recv_until_close (int fd, gsize max, gboolean *reset);
/* Reads one LF-terminated line (the LF included). */
char *tu_recv_line (int fd);
/* TRUE if nothing arrives within ms (and the connection is still open). */
gboolean tu_recv_nothing (int fd, guint ms);
char *tu_local_peer (int fd); /* "addr:port" of our end, as the server names it */

/* ------------------------------------------------------------ inet-serve */

typedef struct _TuServe TuServe;

/* Runs inet-serve with `args` (NULL-terminated) and, unless args has
 * --events, --events=json. Waits for `listening` when `wait_listening`. */
TuServe *tu_serve_start (const char *const *args, gboolean wait_listening);
TuServe *tu_serve_start_env (const char *const *args, const char *const *env,
                             gboolean wait_listening);
GSubprocess *tu_serve_process (TuServe *serve);
guint tu_serve_port (TuServe *serve);

/* The nth (1-based) event named `name` (NULL: any), waiting up to
 * timeout_ms; NULL on timeout. The object is owned by serve. */
JsonObject *tu_serve_wait (TuServe *serve, const char *name, guint nth, guint timeout_ms);
/* Like tu_serve_wait with TU_TIMEOUT_MS; fails the test on timeout. */
JsonObject *tu_serve_expect (TuServe *serve, const char *name, guint nth);
/* Like tu_serve_wait, for an event of one client id. */
JsonObject *tu_serve_wait_client (TuServe *serve, const char *name, gint64 client,
                                  guint timeout_ms);
guint tu_serve_count (TuServe *serve, const char *name);
/* All events so far, in order (a new array of borrowed objects). */
GPtrArray *tu_serve_events (TuServe *serve);
/* Raw stdout lines (text mode), once there are at least n (or the output
 * ended, or timeout_ms passed): a new array of borrowed strings. */
GPtrArray *tu_serve_lines (TuServe *serve, guint n, guint timeout_ms);
char *tu_serve_stderr (TuServe *serve); /* after exit */

void tu_serve_signal (TuServe *serve, int signo);
/* Waits until the process catches SIGINT, SIGTERM, SIGUSR1, SIGUSR2 and
 * SIGHUP (its handlers are installed: /proc/PID/status SigCgt). */
void tu_serve_wait_signals (TuServe *serve);
/* Waits for the exit; returns the exit status, -1 on timeout. */
int tu_serve_wait_exit (TuServe *serve, guint timeout_ms);
/* Sends SIGTERM; asserts a clean exit (status 0) and the stop event. */
void tu_serve_stop (TuServe *serve);
void tu_serve_free (TuServe *serve);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TuServe, tu_serve_free)

/* Runs inet-serve to completion (bounded); returns the exit status. */
int tu_run_serve (const char *const *args, char **out, char **err);

/* Runs a program with a bounded time; returns the exit status, -1 if it
 * could not run. stdin_text may be NULL. */
int tu_run (const char *const *argv, const char *stdin_text, char **out, char **err);

/* inet-serve with args exits with status 1, nothing on stdout and one line
 * on stderr: "inet-serve: " + prefix + a text that contains expected. */
void tu_assert_start_failure (const char *const *args, const char *prefix, const char *expected);

G_END_DECLS
