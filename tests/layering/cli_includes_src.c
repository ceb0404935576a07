/* Forbidden: the command-line program reaching past the public header. */
#include "fileio.h"

int ct_probe_cli(void);
int ct_probe_cli(void)
{
    return (int)sizeof(ct_apply_result);
}
