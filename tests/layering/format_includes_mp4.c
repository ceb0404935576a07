/* Forbidden: a chapter format reaching into a container. The build must refuse it. */
#include "mp4box.h"

int ct_probe_format(void);
int ct_probe_format(void)
{
    return (int)sizeof(ct_box);
}
