/* PLACEHOLDER */
#include "chaptag/chaptag.h"
