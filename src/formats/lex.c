/* The one line lexer of the line-based chapter formats (text, mp4chaps, ffmetadata, audacity,
   cue, vtt, ogm): lines end in LF or CR LF as the common rules of the chapter-formats
   reference say (shared/reference/chapter-formats.md), each is numbered from 1, and a format
   asks for trimming, blank and comment lines to be skipped, or ffmetadata's escaped line ends,
   instead of writing its own loop. */
#include "lex.h"

#include <string.h>

bool ct_lex_is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool ct_lex_is_space(char c)
{
    return ct_lex_is_blank(c) || c == '\r' || c == '\v' || c == '\f';
}

bool ct_lex_is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ct_lex_is_blank(s[i]) && s[i] != '\r')
            return false;
    return true;
}

static bool trims(char c, unsigned flags)
{
    return ct_lex_is_space(c) || (c == '\0' && (flags & CT_LEX_TRIM_NUL));
}

void ct_lex_trim(const char **s, size_t *n, unsigned flags)
{
    while (*n > 0 && trims(**s, flags)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && trims((*s)[*n - 1], flags))
        (*n)--;
}

ct_lexer ct_lex_make(const char *data, size_t len, unsigned flags, const char *comment)
{
    if (data == NULL)
        data = "";
    ct_lexer lx = {data, data + len, flags, comment, 0, 1, 0};
    return lx;
}

/* Where the line at LX->p ends (its LF, or the end of the data); escaped LFs (a backslash
   before the LF or its CR LF) are passed and counted in *ESCAPED. */
static const char *line_end(const ct_lexer *lx, unsigned *escaped)
{
    *escaped = 0;
    if (!(lx->flags & CT_LEX_ESCAPES)) {
        const char *lf = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
        return lf != NULL ? lf : lx->end;
    }
    const char *q = lx->p;
    for (; q < lx->end && *q != '\n'; q++) {
        if (*q == '\\' && lx->end - q > 1) {
            /* an escaped CR LF continues the line as an escaped LF does */
            size_t k = lx->end - q > 2 && q[1] == '\r' && q[2] == '\n' ? 2 : 1;
            *escaped += q[k] == '\n';
            q += k;
        }
    }
    return q;
}

/* The next line, untouched; false at the end of the data. */
static bool split(ct_lexer *lx, const char **s, size_t *n)
{
    unsigned escaped;
    if (lx->p >= lx->end)
        return false;
    const char *stop = line_end(lx, &escaped);
    *s = lx->p;
    *n = (size_t)(stop - lx->p);
    /* only CR LF ends a line: a lone CR stays in it, for the parser to judge */
    if (stop < lx->end && *n > 0 && stop[-1] == '\r')
        (*n)--;
    lx->p = stop < lx->end ? stop + 1 : stop;
    lx->line = lx->next;
    lx->next += 1 + escaped;
    return true;
}

bool ct_lex_next(ct_lexer *lx, const char **s, size_t *n)
{
    while (split(lx, s, n)) {
        if (lx->flags & CT_LEX_TRIM)
            ct_lex_trim(s, n, lx->flags);
        if ((lx->flags & CT_LEX_SKIP_BLANK) && ct_lex_is_blank_line(*s, *n))
            continue;
        if (lx->comment != NULL && *n > 0 &&
            memchr(lx->comment, **s, strlen(lx->comment)) != NULL) {
            lx->comments++;
            continue;
        }
        return true;
    }
    return false;
}
