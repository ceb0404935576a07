/* Forbidden: a container reaching up into the API layer. */
#include "verify.h"

int ct_probe_container(void);
int ct_probe_container(void)
{
    return (int)sizeof(struct chaptag_verdict);
}
