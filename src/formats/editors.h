/* The formats of editors' and tools' marker exports (Audition, REAPER, Matroska XML, CSV,
   ffprobe JSON): one X(name) per fmt_<name>.c, after the nine chapter-file formats in the
   table's order. */
#ifndef CHAPTAG_EDITORS_H
#define CHAPTAG_EDITORS_H

#include "formats.h"

#define CT_FORMATS_EDITORS(X) X(audition) X(reaper) X(mkvxml) X(csv) X(ffprobe)

extern const ct_format ct_fmt_audition;
extern const ct_format ct_fmt_reaper;
extern const ct_format ct_fmt_mkvxml;
extern const ct_format ct_fmt_csv;
extern const ct_format ct_fmt_ffprobe;

#endif
