/* The chapter blocks of platform descriptions (YouTube, Spotify, Apple Podcasts): one X(name)
   per fmt_<name>.c, last in the table's order. */
#ifndef CHAPTAG_PLATFORMS_H
#define CHAPTAG_PLATFORMS_H

#define CT_FORMATS_PLATFORMS(X)

#endif
