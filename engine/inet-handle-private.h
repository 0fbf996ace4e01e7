/* inet-handle-private.h - opaque, generation-tagged handles.
 *
 * A SOCKET is (serial << 32) | slot. The serial comes from one process-wide
 * 32-bit counter, so a handle value is never handed out twice until 2^32
 * handles have been made. Objects are reference counted: a lookup returns a
 * reference, so an object outlives its handle while a call is using it.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

#include <stdatomic.h>
#include <stdbool.h>

typedef enum
{
  INET_OBJECT_SERVER = 1 << 0,
  INET_OBJECT_SESSION = 1 << 1,
} InetObjectKind;

typedef struct InetObject InetObject;

struct InetObject
{
  atomic_uint ref_count;
  InetObjectKind kind;
  SOCKET handle;                    /* INVALID_SOCKET before register */
  void (*finalize) (InetObject *object);
};

void inet__object_init (InetObject *object, InetObjectKind kind,
                        void (*finalize) (InetObject *object));
InetObject *inet__object_ref (InetObject *object);
void inet__object_unref (InetObject *object);

/* Gives the object a new handle (the table takes a reference). Returns
 * INVALID_SOCKET with WSAEMFILE when the table is full. */
SOCKET inet__handle_register (InetObject *object);
/* Drops the handle: every later lookup fails. Idempotent. */
void inet__handle_unregister (InetObject *object);
/* Returns a reference to the live object of one of the kinds, or NULL with
 * the last error set to WSAENOTSOCK. */
InetObject *inet__handle_lookup (SOCKET handle, unsigned kinds);
