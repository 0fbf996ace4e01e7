/* ic-server-start-private.h - the engine part of a server model's start:
 * the service, the TLS credentials, the run's link and InetServerStart.
 *
 * It reads files (an HTTP body, a password file, the certificate, key and
 * CA files) and may write one (a throwaway certificate), so the console
 * runs it in a worker thread (ic_server_start_async); ic_server_start runs
 * it in the caller's thread. The engine's last error is per thread, so the
 * job carries its outcome back: the handle, or a GError with the engine's
 * code and its InetGetErrorString text (with the detail, such as the file,
 * that only the failing thread can read).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-bridge.h"
#include "ic-server-link-private.h"

#include <ic-profile.h>

G_BEGIN_DECLS

typedef struct _IcStartJob IcStartJob;

/* Main context: takes a copy of profile and a reference on bridge (the
 * run's, made on the server's context). */
IcStartJob      *ic__start_job_new       (const IcProfile *profile,
                                          IcBridge        *bridge,
                                          gboolean         capture);
/* Any thread. */
IcStartJob      *ic__start_job_ref       (IcStartJob      *job);
void             ic__start_job_unref     (IcStartJob      *job);

/* Any thread, once. */
void             ic__start_job_run       (IcStartJob      *job);

/* Any thread: until ic__start_job_run has returned (bounded: it returns
 * when InetServerStart does). */
void             ic__start_job_wait      (IcStartJob      *job);

/* After the wait: the engine server (INVALID_SOCKET when the start
 * failed), why it failed (nullable, owned by the job), whether the server
 * runs at a lower priority than asked (no CAP_SYS_NICE). */
SOCKET           ic__start_job_get_outcome (IcStartJob    *job,
                                            const GError **error,
                                            gboolean      *priority_degraded);
/* (transfer full) (nullable): the link the engine server calls; NULL when
 * the start failed (no engine thread ran) or it was taken. A started
 * server's link must be taken (its run frees it after InetServerStop). */
IcLink          *ic__start_job_steal_link (IcStartJob     *job);

/* The profile the job started from (its own copy). */
const IcProfile *ic__start_job_get_profile (IcStartJob    *job);

/* Any thread, while the start runs: the service, made before
 * InetServerStart, so any event of this server finds it. NULL before. */
IcService       *ic__start_job_get_service (IcStartJob    *job);

/* "0.0.0.0:7000", "[::1]:7000": the profile's listen address and port. */
char            *ic__profile_address       (const IcProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcStartJob, ic__start_job_unref)

G_END_DECLS
