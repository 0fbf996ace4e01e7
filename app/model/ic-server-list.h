/* ic-server-list.h - the console's servers: a GListModel of IcServer backed
 * by the saved profiles (ic-profile.h: one key file per server in
 * $XDG_CONFIG_HOME/inet-console/profiles, the format inet-serve --profile
 * reads).
 *
 * A profile file that cannot be read is reported (ic_server_list_load's
 * bad list, a WARNING in the log) and never overwritten: adding a server of
 * that name fails until the file is fixed or deleted.
 * Main context only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-server.h"

G_BEGIN_DECLS

#define IC_TYPE_SERVER_LIST (ic_server_list_get_type ())
G_DECLARE_FINAL_TYPE (IcServerList, ic_server_list, IC, SERVER_LIST, GObject)

/* GListModel of IcServer, in the order added (load: by name).
 * Properties:
 *   directory (string, construct-only)  NULL = ic_profile_default_dir ()
 *   context   (GMainContext, construct-only) for the servers; NULL = thread-default
 *   log       (IcEventLog, ro)  the log every server of the list writes to
 *   n-running (guint, ro)       servers running now
 */

IcServerList *ic_server_list_new        (const char    *directory,
                                         GMainContext  *context);
const char   *ic_server_list_get_directory (IcServerList *self);
IcEventLog   *ic_server_list_get_log    (IcServerList  *self);
guint         ic_server_list_get_n_running (IcServerList *self);

/* Reads every profile in the directory and adds a server for each name not
 * listed yet. Unreadable files are skipped and named in *bad (nullable).
 * FALSE + error only when the directory itself cannot be read (a missing
 * directory is an empty list). */
gboolean      ic_server_list_load       (IcServerList  *self,
                                         GStrv         *bad,
                                         GError       **error);

/* Saves the profile (ic_profile_save) and adds a server for it. Fails when
 * the profile is invalid, the name is taken (listed, or a file of that name
 * exists), or the save fails. Returns the new server (borrowed). */
IcServer     *ic_server_list_add        (IcServerList     *self,
                                         const IcProfile  *profile,
                                         GError          **error);
/* Stops the server and removes it; delete_profile also deletes its file. */
gboolean      ic_server_list_remove     (IcServerList  *self,
                                         IcServer      *server,
                                         gboolean       delete_profile,
                                         GError       **error);
/* Writes the server's current profile (limits changed live included). */
gboolean      ic_server_list_save       (IcServerList  *self,
                                         IcServer      *server,
                                         GError       **error);
/* Gives the server's profile a new name: saves the new file, then deletes
 * the old one. */
gboolean      ic_server_list_rename     (IcServerList  *self,
                                         IcServer      *server,
                                         const char    *name,
                                         GError       **error);
/* Borrowed, NULL if none. */
IcServer     *ic_server_list_lookup     (IcServerList  *self,
                                         const char    *name);
/* base, "base 2", "base 3"...: a name neither listed nor on disk
 * (for "duplicate"). */
char         *ic_server_list_make_unique_name (IcServerList *self,
                                               const char   *base);
/* Starts the servers whose profile has autostart; returns how many started.
 * Failures go to the log and to the servers' error property. */
guint         ic_server_list_start_autostart (IcServerList *self);
/* Stops every running server (blocking, in order). */
void          ic_server_list_stop_all   (IcServerList  *self);

G_END_DECLS
