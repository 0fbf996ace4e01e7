/* ic-model.h - the app layer's models in one include (GLib/GObject only).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-bridge.h"
#include "ic-certificate.h"
#include "ic-client.h"
#include "ic-client-command.h"
#include "ic-engine-error.h"
#include "ic-event-log.h"
#include "ic-event.h"
#include "ic-handshake-failure.h"
#include "ic-log-entry.h"
#include "ic-model-types.h"
#include "ic-server-list.h"
#include "ic-server.h"
#include "ic-stats-history.h"
#include "ic-transcript.h"
