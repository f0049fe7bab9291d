/* ui.h - `emkit ui`: the page (ui_page.c). */
#ifndef EMKIT_CLI_UI_H
#define EMKIT_CLI_UI_H

#include <stddef.h>

/* The page's HTML (joined on first use; single-threaded). */
const char *emk_ui_page_text(size_t *len);

#endif
