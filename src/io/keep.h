/* Keeping what makes a file the user's when a new file replaces it: owner, group, mode,
   extended attributes and ACLs. Used by fileio.c only. */
#ifndef CHAPTAG_KEEP_H
#define CHAPTAG_KEEP_H

#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"

/* Gives the new file open at TO the owner, group and mode in ST. STRICT (TO replaces that very
   file): an owner or group that cannot be given is an error naming WHAT and the way out;
   otherwise only the mode must take. */
chaptag_status ct_keep_owner_and_mode(int to, const struct stat *st, bool strict, const char *what,
                                      chaptag_error *err);

/* Copies every extended attribute of FROM that the process can read (security.* left to the
   system), the POSIX or extended ACL last, to TO; one that cannot be set is an error naming
   it. Call after ct_keep_owner_and_mode(). */
chaptag_status ct_keep_attrs(int from, int to, const char *what, chaptag_error *err);

#endif
