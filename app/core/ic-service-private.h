/* ic-service-private.h - what the service files share.
 *
 * ic-service.c dispatches engine events to the behaviour of one service
 * (an IcServiceOps table, one file per service; banner uses echo's) and
 * keeps the per-client state (IcClient) in InetSetClientData. Everything
 * here runs in engine threads: a client's state is only touched by that
 * client's thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-service.h"

G_BEGIN_DECLS

#define IC_SERVICE_READ_SIZE 16384

typedef struct _IcRules IcRules;
typedef struct _IcHttpState IcHttpState;

typedef struct
{
  IcService *service;         /* (not owned) */
  SOCKET socket;

  /* reply rules: the line being received and whether a rule already
   * answered it */
  GByteArray *line;           /* (owned) (nullable) */
  gboolean line_answered;
  guint64 replies;            /* rule replies sent to this client */

  guint64 chargen_offset;     /* bytes of the pattern sent so far */
  IcHttpState *http;          /* (owned) (nullable) */
} IcClient;

typedef struct
{
  void (*connect) (IcService *service, IcClient *client);
  void (*read) (IcService *service, IcClient *client);
  void (*write) (IcService *service, IcClient *client);
  void (*disconnect) (IcService *service, IcClient *client);
} IcServiceOps;

struct _IcService
{
  gint ref_count;             /* (atomic) */
  IcServiceKind kind;
  const IcServiceOps *ops;

  char *banner;               /* (owned) (nullable) template, macros expanded per client */
  GBytes *http_body;          /* (owned) */
  char *http_content_type;    /* (owned) */
  IcRules *rules;             /* (owned) (nullable) */

  IcTrafficFunc observer;     /* set before start, read-only after */
  gpointer observer_data;
};

/* banner has no table of its own: it is echo with a default greeting */
extern const IcServiceOps ic__echo_ops;
extern const IcServiceOps ic__discard_ops;
extern const IcServiceOps ic__chargen_ops;
extern const IcServiceOps ic__daytime_ops;
extern const IcServiceOps ic__http_ops;
extern const IcServiceOps ic__manual_ops;

/* Reads and throws away; only reply rules answer (discard, chargen, manual). */
void ic__discard_read (IcService *service, IcClient *client);

/* I/O helpers that report to the observer. */
gssize ic__service_read (IcService *service, IcClient *client, guint8 *buffer, gsize size);
gboolean ic__service_write_all (IcService *service, SOCKET socket, const guint8 *data,
                                gsize length);
void ic__service_report (IcService *service, SOCKET socket, IcTrafficDirection direction,
                         const guint8 *data, gsize length);

/* Sends the greeting (--banner) if the service has one: the connect of
 * every service that greets and does nothing else at connect. */
void ic__service_greet (IcService *service, IcClient *client);

/* Reply rules (ic-rules.c). */
IcRules *ic__rules_new (GPtrArray *rules, GError **error);
void ic__rules_free (IcRules *rules);
/* Feeds received bytes; sends the replies of matching rules. */
void ic__rules_feed (IcService *service, IcClient *client, const guint8 *data, gsize length);

/* Macros and escapes of a reply or banner template (ic-rules.c):
 * \r \n \t \\ \0 \xHH, {time} {date} {datetime} {counter} {client} {peer}
 * {match} {bytes_in} {bytes_out}. */
typedef struct
{
  SOCKET socket;
  guint64 counter;
  const guint8 *match;
  gsize match_length;
} IcMacroContext;

GByteArray *ic__macro_expand (const char *template_text, const IcMacroContext *context);

G_END_DECLS
