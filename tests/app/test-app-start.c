/* test-app-start.c - ic_server_start_async: the part that reads files and
 * InetServerStart run in a worker while the main context keeps running;
 * the engine's error (code and text with its per-thread detail) comes
 * back; limits set meanwhile apply; a stop meanwhile stops what the start
 * made.
 *
 * A FIFO as the password file holds the worker inside the start for as
 * long as a test needs: it reads until the test writes the password.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model.h"
#include "ic-test-utils.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct
{
  GMainContext *context;
  char *dir;
  char *cert;
  char *key;
  char *fifo;
  IcServer *server;
  /* the async results */
  gboolean start_done;
  gboolean start_ok;
  GError *start_error;
  gboolean stop_done;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->dir = ic_test_make_tmp_dir ();
  ic_test_make_certificate (f->dir, "server.pem", "server.key", &f->cert, &f->key);
  f->fifo = g_build_filename (f->dir, "password", NULL);
  g_assert_cmpint (mkfifo (f->fifo, 0600), ==, 0);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->server != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->server));
  g_clear_error (&f->start_error);
  g_assert_false (g_main_context_pending (f->context));
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
  ic_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cert);
  g_free (f->key);
  g_free (f->fifo);
}

static IcProfile *
make_profile (Fixture  *f,
              gboolean  tls)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup ("start");
  profile->service = IC_SERVICE_ECHO;
  if (tls)
    {
      profile->tls = TRUE;
      profile->cert_file = g_strdup (f->cert);
      profile->key_file = g_strdup (f->key);
    }
  return profile;
}

/* A TLS profile whose password file is the FIFO: its start waits in the
 * worker until write_password. */
static IcProfile *
make_held_profile (Fixture *f)
{
  IcProfile *profile = make_profile (f, TRUE);

  profile->password_file = g_strdup (f->fifo);
  return profile;
}

/* Lets the held start go on (blocks until the worker opened the FIFO). */
static void
write_password (Fixture *f)
{
  int fd = open (f->fifo, O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "unused\n", 7), ==, 7);
  close (fd);
}

static gpointer
write_password_thread (gpointer data)
{
  write_password (data);
  return NULL;
}

static void
start_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_true (g_main_context_is_owner (f->context));
  g_assert_false (f->start_done);
  f->start_ok = ic_server_start_finish (IC_SERVER (source), result, &f->start_error);
  f->start_done = TRUE;
}

static void
stop_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ic_server_stop_finish (IC_SERVER (source), result, &error));
  g_assert_no_error (error);
  f->stop_done = TRUE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, FALSE);
  g_autoptr(GError) error = NULL;
  char reply[5];
  int fd;

  g_test_summary ("An async start is on its way at once (STARTING, no engine handle, "
                  "actions refused), then listens; a second call while it starts is a no-op");
  f->server = ic_server_new (profile);
  ic_server_start_async (f->server, NULL, start_cb, f);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STARTING);
  g_assert_true (ic_server_get_running (f->server));
  g_assert_false (f->start_done);
  g_assert_false (ic_server_suspend (f->server, &error));
  g_assert_error (error, IC_ENGINE_ERROR, INET_ERROR_SERVER_STOPPED);
  g_clear_error (&error);
  /* already starting: TRUE, nothing else happens */
  g_assert_true (ic_server_start (f->server, &error));
  g_assert_no_error (error);

  IC_TEST_SPIN_UNTIL (f->context, f->start_done);
  g_assert_no_error (f->start_error);
  g_assert_true (f->start_ok);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);
  g_assert_true (ic_server_get_handle (f->server) != INVALID_SOCKET);
  g_assert_cmpuint (ic_server_get_port (f->server), >, 0);
  g_assert_null (ic_server_get_error (f->server));

  /* it serves: a client gets a row and its echo */
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, ic_server_get_n_clients (f->server) == 1);
  ic_test_write_all (fd, "ping", 4);
  g_assert_true (ic_test_read_exact (fd, reply, 4, IC_TEST_TIMEOUT_MS));
  g_assert_cmpmem (reply, 4, "ping", 4);
  close (fd);

  ic_server_stop (f->server);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  g_assert_cmpuint (ic_server_get_n_clients (f->server), ==, 0);
}

/* The error of a start that fails in the engine, sync or async. */
static GError *
start_error (Fixture         *f,
             const IcProfile *profile,
             gboolean         async)
{
  g_autoptr(IcServer) server = ic_server_new (profile);
  GError *error = NULL;

  if (async)
    {
      f->start_done = FALSE;
      ic_server_start_async (server, NULL, start_cb, f);
      IC_TEST_SPIN_UNTIL (f->context, f->start_done);
      g_assert_false (f->start_ok);
      error = g_steal_pointer (&f->start_error);
    }
  else
    g_assert_false (ic_server_start (server, &error));
  g_assert_nonnull (error);
  /* the model says it too: status, error property, log */
  g_assert_cmpint (ic_server_get_status (server), ==, IC_SERVER_FAILED);
  g_assert_false (ic_server_get_running (server));
  g_assert_true (ic_server_get_handle (server) == INVALID_SOCKET);
  g_assert_cmpstr (ic_server_get_error (server), ==, error->message);
  g_assert_true (ic_test_log_has (ic_server_get_log (server), IC_EVENT_N_KINDS, error->message));
  g_assert_finalize_object (g_steal_pointer (&server));
  return error;
}

static void
test_async_error (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IcProfile) missing = make_profile (f, TRUE);
  g_autoptr(IcProfile) taken = make_profile (f, FALSE);
  g_autoptr(IcServer) holder = NULL;
  g_autoptr(GError) sync_error = NULL;
  g_autoptr(GError) async_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = g_build_filename (f->dir, "no such.pem", NULL);

  g_test_summary ("A start that fails in the worker gives the engine's code and text with "
                  "its detail (read in the failing thread): the same as a sync start's");

  g_free (missing->cert_file);
  missing->cert_file = g_strdup (cert);
  sync_error = start_error (f, missing, FALSE);
  async_error = start_error (f, missing, TRUE);
  g_assert_error (sync_error, IC_ENGINE_ERROR, INET_ERROR_CERT_NOT_FOUND);
  g_assert_error (async_error, IC_ENGINE_ERROR, INET_ERROR_CERT_NOT_FOUND);
  g_assert_cmpstr (async_error->message, ==, sync_error->message);
  g_test_message ("%s", async_error->message);
  /* the detail only the failing thread could read: which file */
  g_assert_nonnull (strstr (async_error->message, "no such.pem"));
  g_assert_nonnull (strstr (async_error->message, "127.0.0.1:0"));
  g_clear_error (&sync_error);
  g_clear_error (&async_error);

  /* the port of a listening server */
  holder = ic_server_new (taken);
  g_assert_true (ic_server_start (holder, &error));
  g_assert_no_error (error);
  taken->port = ic_server_get_port (holder);
  sync_error = start_error (f, taken, FALSE);
  async_error = start_error (f, taken, TRUE);
  g_assert_error (async_error, IC_ENGINE_ERROR, WSAEADDRINUSE);
  g_assert_cmpstr (async_error->message, ==, sync_error->message);
  ic_server_stop (holder);
}

static void
test_held (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_held_profile (f);
  g_autoptr(GError) error = NULL;
  SOCKET handle;
  UINT max_clients = 0, max_per_address = 0, interval = 0;
  DWORD read_limit = 0, write_limit = 0, server_read = 0, server_write = 0;

  g_test_summary ("While the worker waits on a file the main context runs; limits and "
                  "priority set meanwhile reach the engine when the start is applied");
  f->server = ic_server_new (profile);
  ic_server_start_async (f->server, NULL, start_cb, f);

  /* the worker is stuck on the password file: this context is not */
  ic_test_spin_for (f->context, 50);
  g_assert_false (f->start_done);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STARTING);

  g_object_set (f->server, "max-clients", 7, "max-per-address", 3, "rate-limit", 50000,
                "priority", INET_PRIORITY_LOW, NULL);
  g_assert_cmpuint (ic_server_get_profile (f->server)->max_clients, ==, 7);
  g_assert_cmpuint (ic_server_get_profile (f->server)->priority, ==, INET_PRIORITY_LOW);

  write_password (f);
  IC_TEST_SPIN_UNTIL (f->context, f->start_done);
  g_assert_no_error (f->start_error);
  g_assert_true (f->start_ok);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);

  handle = ic_server_get_handle (f->server);
  g_assert_true (InetGetServerThrottle (handle, &max_clients, &max_per_address, &interval));
  g_assert_cmpuint (max_clients, ==, 7);
  g_assert_cmpuint (max_per_address, ==, 3);
  g_assert_true (InetGetServerBandwidth (handle, &read_limit, &write_limit, &server_read,
                                         &server_write));
  g_assert_cmpuint (read_limit, ==, 50000);
  g_assert_cmpuint (write_limit, ==, 50000);
  g_assert_cmpint (InetGetServerPriority (handle), ==, INET_PRIORITY_LOW);
  ic_server_stop (f->server);
}

static void
test_stop_async_while_starting (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_held_profile (f);

  g_test_summary ("An async stop while the start waits in its worker: the server the "
                  "start made is stopped (its START and STOP are in the log), the start "
                  "reports it was cancelled");
  f->server = ic_server_new (profile);
  ic_server_start_async (f->server, NULL, start_cb, f);
  ic_server_stop_async (f->server, NULL, stop_cb, f);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPING);

  write_password (f);
  IC_TEST_SPIN_UNTIL (f->context, f->start_done && f->stop_done);
  g_assert_false (f->start_ok);
  g_assert_error (f->start_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  g_assert_false (ic_server_get_running (f->server));
  g_assert_true (ic_server_get_handle (f->server) == INVALID_SOCKET);
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_START, NULL));
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_STOP, NULL));

  /* it starts again */
  f->start_done = FALSE;
  g_clear_error (&f->start_error);
  g_clear_pointer (&profile->password_file, g_free);
  ic_server_set_profile (f->server, profile);
  ic_server_start_async (f->server, NULL, start_cb, f);
  IC_TEST_SPIN_UNTIL (f->context, f->start_done);
  g_assert_true (f->start_ok);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);
}

static void
test_stop_while_starting (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_held_profile (f);
  GThread *writer;

  g_test_summary ("A sync stop while the start waits in its worker waits for it, then "
                  "stops what it made: when it returns the run is over");
  f->server = ic_server_new (profile);
  ic_server_start_async (f->server, NULL, start_cb, f);
  /* the password comes from another thread: this one is about to block */
  writer = g_thread_new ("password", write_password_thread, f);
  ic_server_stop (f->server);
  g_thread_join (writer);

  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  g_assert_true (ic_server_get_handle (f->server) == INVALID_SOCKET);
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_START, NULL));
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_STOP, NULL));
  g_assert_false (f->start_done);
  IC_TEST_SPIN_UNTIL (f->context, f->start_done);
  g_assert_false (f->start_ok);
  g_assert_error (f->start_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/start/async", Fixture, NULL, setup, test_async, teardown);
  g_test_add ("/app/start/async-error", Fixture, NULL, setup, test_async_error, teardown);
  g_test_add ("/app/start/held", Fixture, NULL, setup, test_held, teardown);
  g_test_add ("/app/start/stop-async-while-starting", Fixture, NULL, setup,
              test_stop_async_while_starting, teardown);
  g_test_add ("/app/start/stop-while-starting", Fixture, NULL, setup, test_stop_while_starting,
              teardown);

  return g_test_run ();
}
