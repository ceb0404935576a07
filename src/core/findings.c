/* Findings: what verify and the container lints report (severity, a stable code, what is
   wrong and why it matters), gathered in a list that never loses one silently. */
#include "findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static chaptag_finding *add(ct_findings *f)
{
    if (f->failed)
        return NULL;
    chaptag_finding *v = ct_grow(f->v, f->n, &f->cap, sizeof *v);
    if (v == NULL) {
        f->failed = true;
        return NULL;
    }
    f->v = v;
    chaptag_finding *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static void vfind(ct_findings *f, chaptag_severity sev, const char *code, const char *why,
                  unsigned line, const char *fmt, va_list ap)
{
    chaptag_finding *x = add(f);
    if (x == NULL)
        return;
    x->severity = sev;
    x->line = line;
    snprintf(x->code, sizeof x->code, "%s", code);
    snprintf(x->why, sizeof x->why, "%s", why ? why : "");
    vsnprintf(x->msg, sizeof x->msg, fmt, ap);
}

void ct_find(ct_findings *f, chaptag_severity sev, const char *code, const char *why,
             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfind(f, sev, code, why, 0, fmt, ap);
    va_end(ap);
}

void ct_find_line(ct_findings *f, chaptag_severity sev, const char *code, unsigned line,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfind(f, sev, code, NULL, line, fmt, ap);
    va_end(ap);
}

void ct_findings_clear(ct_findings *f)
{
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* What every player needs, whatever the container. */
