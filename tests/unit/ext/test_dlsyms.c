/* dlsyms.c: a table of functions filled from a library, and the first missing one named. The
   library is the program's own global scope (dlopen(NULL)), where the C library's functions
   stand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dlfcn.h>

#include "dlsyms.h"

static void every_slot_is_filled_when_all_are_there(void **state)
{
    (void)state;
    void *lib = dlopen(NULL, RTLD_NOW);
    assert_non_null(lib);
    void *a = NULL, *b = NULL;
    const ct_dlsym syms[] = {{&a, "malloc"}, {&b, "free"}};
    assert_null(ct_dlsyms(lib, syms, 2));
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    dlclose(lib);
}

static void the_first_missing_one_is_named(void **state)
{
    (void)state;
    void *lib = dlopen(NULL, RTLD_NOW);
    assert_non_null(lib);
    void *a = NULL, *b = (void *)&lib, *c = NULL;
    const ct_dlsym syms[] = {{&a, "malloc"},
                             {&b, "ct_no_such_function_anywhere"},
                             {&c, "ct_nor_this_one"}};
    const char *missing = ct_dlsyms(lib, syms, 3);
    assert_non_null(missing);
    assert_string_equal(missing, "ct_no_such_function_anywhere");
    assert_non_null(a);
    assert_null(b); /* its slot says it is missing */
    dlclose(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_slot_is_filled_when_all_are_there),
        cmocka_unit_test(the_first_missing_one_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
