/*
 * i18n.h - gettext for the front ends (never included by src/core).
 */
#ifndef TV_I18N_H
#define TV_I18N_H

#include "config.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#define gettext(s) (s)
#define ngettext(s, p, n) ((n) == 1 ? (s) : (p))
#define bindtextdomain(d, dir) ((void)(d), (void)(dir), NULL)
#define textdomain(d) ((void)(d), NULL)
#define bind_textdomain_codeset(d, c) ((void)(d), (void)(c), NULL)
#endif
#define N_(s) s

#endif
