/* ic-ui-test-utils.h - what every UI test program shares: its start
 * (renderer, GTK and libadwaita) and the LeakSanitizer suppressions for
 * what GTK's libraries keep for the life of the process. Spinning the main
 * context, temporary directories: ic-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-test-utils.h"

G_BEGIN_DECLS

/* Call first in main: the cairo renderer (no GL driver, and none of its
 * process-long allocations, under Xvfb), g_test_init, GTK, libadwaita.
 * Returns whether there is a display (tests skip without one). */
gboolean ic_ui_test_init (int    *argc,
                          char ***argv);
/* What ic_ui_test_init returned. */
gboolean ic_ui_test_have_display (void);

/* First in a test that needs the display: without one, skips it. */
#define IC_UI_TEST_REQUIRE_DISPLAY()                                          \
  G_STMT_START                                                                \
  {                                                                           \
    if (!ic_ui_test_have_display ())                                          \
      {                                                                       \
        g_test_skip ("no display");                                           \
        return;                                                               \
      }                                                                       \
  }                                                                           \
  G_STMT_END

G_END_DECLS
