/* ic-server-start.c - the engine part of a server model's start.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-start-private.h"
#include "ic-model-private.h"

#include <glib/gi18n-lib.h>
#include <ic-credentials.h>

struct _IcStartJob
{
  gatomicrefcount ref;

  /* set at creation, read-only after */
  IcProfile *profile;            /* (owned) */
  IcBridge *bridge;              /* (owned) */
  gboolean capture;

  GMutex mutex;
  GCond cond;
  gboolean done;                 /* (lock: mutex) */
  IcLink *link;                  /* (owned) (nullable) (lock: mutex) */
  SOCKET handle;                 /* (lock: mutex) written once, before done */
  GError *error;                 /* (owned) (nullable) (lock: mutex) idem */
  gboolean degraded;             /* (lock: mutex) idem */
};

IcStartJob *
ic__start_job_new (const IcProfile *profile,
                   IcBridge        *bridge,
                   gboolean         capture)
{
  IcStartJob *job = g_new0 (IcStartJob, 1);

  g_atomic_ref_count_init (&job->ref);
  job->profile = ic_profile_copy (profile);
  job->bridge = ic_bridge_ref (bridge);
  job->capture = capture;
  job->handle = INVALID_SOCKET;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  return job;
}

IcStartJob *
ic__start_job_ref (IcStartJob *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

void
ic__start_job_unref (IcStartJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref))
    return;
  /* a started server's link is always taken by its run */
  g_assert (job->link == NULL);
  g_clear_error (&job->error);
  g_clear_pointer (&job->bridge, ic_bridge_unref);
  g_clear_pointer (&job->profile, ic_profile_free);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

char *
ic__profile_address (const IcProfile *profile)
{
  const char *host = profile->host != NULL && *profile->host != '\0' ? profile->host : "0.0.0.0";

  return ic__format_peer (host, profile->port);
}

void
ic__start_job_run (IcStartJob *job)
{
  const IcProfile *profile = job->profile;
  g_autoptr(IcService) service = NULL;
  IcCredentials credentials = { { 0 } };
  IcLink *link = NULL;
  GError *error = NULL;
  SOCKET handle = INVALID_SOCKET;
  gboolean degraded = FALSE;

  service = ic_service_new (profile, &error);
  if (service != NULL
      && (!profile->tls || ic_credentials_init (&credentials, profile, NULL, &error)))
    {
      UINT options = profile->options | (profile->tls ? INET_OPTION_SECURE : 0);

      /* published before the engine can call back with it */
      link = ic__link_new (job->bridge, service, profile->tls, job->capture);
      g_mutex_lock (&job->mutex);
      job->link = link;
      g_mutex_unlock (&job->mutex);

      handle = InetServerStart (profile->host, profile->port, profile->backlog,
                                profile->max_clients, profile->timeout, profile->priority,
                                options, ic__link_event_cb, (DWORD_PTR) link,
                                profile->tls ? &credentials.creds : NULL);
      if (handle == INVALID_SOCKET)
        {
          g_autofree char *where = ic__profile_address (profile);
          g_autofree char *prefix = g_strdup_printf (_("Cannot serve on %s"), where);

          /* here, in the thread that failed: the text has the detail */
          ic_engine_set_error (&error, prefix);
          /* no engine thread ran: nothing calls back with the link */
          g_mutex_lock (&job->mutex);
          job->link = NULL;
          g_mutex_unlock (&job->mutex);
          ic__link_free (link);
        }
      else
        degraded = InetGetLastError () == INET_ERROR_PRIORITY_DEGRADED;
      /* the engine has read it (TLS contexts are made once, at start) */
      ic_credentials_clear (&credentials);
    }

  g_mutex_lock (&job->mutex);
  job->handle = handle;
  job->error = error;
  job->degraded = degraded;
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->mutex);
}

void
ic__start_job_wait (IcStartJob *job)
{
  g_mutex_lock (&job->mutex);
  while (!job->done)
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);
}

SOCKET
ic__start_job_get_outcome (IcStartJob    *job,
                           const GError **error,
                           gboolean      *priority_degraded)
{
  SOCKET handle;

  g_mutex_lock (&job->mutex);
  g_assert (job->done);
  handle = job->handle;
  if (error != NULL)
    *error = job->error;
  if (priority_degraded != NULL)
    *priority_degraded = job->degraded;
  g_mutex_unlock (&job->mutex);
  return handle;
}

IcLink *
ic__start_job_steal_link (IcStartJob *job)
{
  IcLink *link;

  g_mutex_lock (&job->mutex);
  g_assert (job->done);
  link = g_steal_pointer (&job->link);
  g_mutex_unlock (&job->mutex);
  return link;
}

const IcProfile *
ic__start_job_get_profile (IcStartJob *job)
{
  return job->profile;
}

IcService *
ic__start_job_get_service (IcStartJob *job)
{
  IcService *service;

  g_mutex_lock (&job->mutex);
  service = job->link != NULL ? ic__link_get_service (job->link) : NULL;
  g_mutex_unlock (&job->mutex);
  return service;
}
