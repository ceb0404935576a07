/* The one line lexer of the line-based chapter formats: splits text into lines and numbers
   them, trims and skips lines as a format asks, with one definition of a blank and of
   whitespace for all of them. */
#ifndef CHAPTAG_LEX_H
#define CHAPTAG_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* A blank: a space or a tab, what separates the words and fields of a line. */
bool ct_lex_is_blank(char c);

/* Whitespace: a blank, or a CR, VT or FF inside a line (LF ends lines); what trimming
   removes. */
bool ct_lex_is_space(char c);

/* True when line S (N bytes) holds nothing but blanks and stray CRs (of a CR CR LF end). */
bool ct_lex_is_blank_line(const char *s, size_t n);

/* How ct_lex_next() treats each line, in this order. */
enum {
    CT_LEX_ESCAPES = 1u << 0,    /* a backslash escapes the next byte; an escaped line end
                                    continues the line (ffmetadata) */
    CT_LEX_TRIM = 1u << 1,       /* whitespace is trimmed off both ends */
    CT_LEX_TRIM_NUL = 1u << 2,   /* with CT_LEX_TRIM, NUL bytes too (mp4v2 skips NUL lines) */
    CT_LEX_SKIP_BLANK = 1u << 3, /* blank lines (ct_lex_is_blank_line()) are skipped */
};

/* Trims whitespace (and NUL bytes, when FLAGS has CT_LEX_TRIM_NUL) off both ends of *S, *N. */
void ct_lex_trim(const char **s, size_t *n, unsigned flags);

/* Lines of text: LF or CR LF ends a line, the last may have no end; a lone CR stays in its
   line (a file of CR-only lines reaches the formats with LFs instead). */
typedef struct {
    const char *p, *end;
    unsigned flags;      /* CT_LEX_* */
    const char *comment; /* the bytes that start a comment line, skipped ("#"); NULL: none */
    unsigned line;       /* number of the line last returned, 1-based (where it starts) */
    unsigned next;       /* number of the line after it */
    size_t comments;     /* how many comment lines were skipped */
} ct_lexer;

/* A lexer over LEN bytes at DATA (NULL: none) with FLAGS (CT_LEX_*) and COMMENT (NULL: no
   comment lines). */
ct_lexer ct_lex_make(const char *data, size_t len, unsigned flags, const char *comment);

/* The next line that is not skipped (without its end, trimmed as asked) in *S and *N; false
   at the end of the data. */
bool ct_lex_next(ct_lexer *lx, const char **s, size_t *n);

#endif
