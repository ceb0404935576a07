/* The tests' second opinion on standard tags: prints what TagLib (through chaptag's dlopen'ed
   module) reads from a file, one "key: value" line each, as dump's header writes them. */
#include <stdio.h>

#include "taglib.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: taglib_check FILE\n");
        return 2;
    }
    chaptag_chapters *list = chaptag_chapters_new();
    chaptag_error err;
    if (list == NULL || ct_taglib_tags(argv[1], list, &err) != CHAPTAG_OK) {
        fprintf(stderr, "taglib_check: %s\n", list ? err.msg : "out of memory");
        chaptag_chapters_free(list);
        return 1;
    }
    const char *key, *value;
    for (size_t i = 0; (key = chaptag_chapters_meta_at(list, i, &value)) != NULL; i++)
        printf("%s: %s\n", key, value);
    chaptag_chapters_free(list);
    return 0;
}
