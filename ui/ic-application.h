/* ic-application.h - the Inet Console application (AdwApplication).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IC_TYPE_APPLICATION (ic_application_get_type ())
G_DECLARE_FINAL_TYPE (IcApplication, ic_application, IC, APPLICATION, AdwApplication)

IcApplication *ic_application_new (void);

G_END_DECLS
