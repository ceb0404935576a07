/* Chapter pictures given as http(s) URLs, downloaded with libcurl (opened with dlopen on first
   use) for chaptag_chapters_fetch_images(), which the public header declares. */
#ifndef CHAPTAG_CURL_H
#define CHAPTAG_CURL_H

#include <stdbool.h>

/* The most seconds a picture's download may take, connecting included: 60, or the
   environment's CHAPTAG_FETCH_TIMEOUT when it is a whole number from 1 to 60. */
long ct_curl_timeout(void);

/* True once libcurl has been loaded in this process. */
bool ct_curl_loaded(void);

#endif
