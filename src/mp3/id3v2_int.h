/* What the files of the ID3v2 codec share and nothing else sees: the layout constants, the
   frame list the readers fill, views of a frame's body and its text, the chapter set the
   readers of CHAP and CTOC fill, and the renderer's context with its frame writers.
   id3v2_read.c reads tags and frames, id3v2_stack.c merges stacked tags, id3v2_frame.c sees
   into a frame (v2.2 IDs, flag bytes, text encodings), id3v2_chapters.c and id3v2_toc.c read
   and write CHAP and CTOC, id3v2_convert.c moves a frame between versions and id3v2_render.c
   writes the frames of a tag. */
#ifndef CHAPTAG_ID3V2_INT_H
#define CHAPTAG_ID3V2_INT_H

#include "id3v2.h"

enum {
    HEADER_SIZE = 10,     /* tag header, footer, v2.3/v2.4 frame header */
    V22_HEADER_SIZE = 6,  /* v2.2 frame header: 3-byte ID, 3-byte size */
    CHAP_MIN_SIZE = 18,   /* 1-byte element ID, NUL, four times/offsets (TagLib's minimum) */
    CTOC_MAX_CHILDREN = 255, /* the entry count is one byte */
    CTOC_TOP_LEVEL = 0x02,
    CTOC_ORDERED = 0x01,
    V24_TRAP_SIZE = 128,  /* the first size whose sync-safe and plain encodings differ */
    DESC_TITLE_MAX = 60,  /* bytes of a title quoted in a plan line */
    MAX_TREE_LEVELS = 16, /* 255^16 chapters: more than memory can hold */
};
#define SYNCSAFE_MAX 0x0FFFFFFFu
/* the largest time we write; 0xFFFFFFFF is the addendum's "unused" marker */
#define TIME_MAX_MS 0xFFFFFFFEu

/* Tag header flags (ID3v2.3.0 §3.1, ID3v2.4.0 structure §3.1). */
enum { H_UNSYNC = 0x80, H_EXTENDED = 0x40, H_FOOTER = 0x10 };

/* Frame flags: v2.3 layout (ID3v2.3.0 §3.3.1) and v2.4 layout (ID3v2.4.0 structure §4.1). */
enum {
    F23_COMPRESS = 0x0080,
    F23_ENCRYPT = 0x0040,
    F23_GROUP = 0x0020,
    F24_GROUP = 0x0040,
    F24_COMPRESS = 0x0008,
    F24_ENCRYPT = 0x0004,
    F24_UNSYNC = 0x0002,
    F24_DLI = 0x0001,
};

/* The status flags (tag alter, file alter, read only) in both layouts. */
typedef struct {
    uint16_t v23, v24;
} ct_id3_status_flag;
extern const ct_id3_status_flag ct_id3v2_status_flags[3];

/* ---- reading frames (id3v2_read.c) -------------------------------------------------------- */

typedef struct {
    ct_id3_frame *v;
    size_t n, cap;
} ct_id3_frame_list;

/* How a list of frames is read: the version's header layout, and what to name in warnings. */
typedef struct {
    int version;
    bool unsync_all;   /* v2.4 header flag 0x80: every frame is unsynchronised */
    const char *where; /* "ID3v2 tag", "CHAP chp3" */
    size_t base;       /* offset of the first byte, for warnings */
    ct_warnings *w;
} ct_id3_frame_ctx;

void ct_id3v2_frame_list_free(ct_id3_frame_list *fl);

/* Reads the frames at R into FL until padding, the end, or a damaged frame (which ends the
   list with a warning). *PADDING gets the bytes of padding found. Only memory can fail. */
chaptag_status ct_id3v2_parse_frames(const ct_id3_frame_ctx *fc, ct_reader *r,
                                     ct_id3_frame_list *fl, uint64_t *padding, chaptag_error *err);

/* True when F is a frame chaptag owns and replaces. */
bool ct_id3v2_owned(const ct_id3_frame *f);

/* ---- stacked tags (id3v2_stack.c) --------------------------------------------------------- */

/* Where each stacked tag starts: its byte in the data and its first frame in the list. */
typedef struct {
    size_t at, first;
} ct_id3_tag_start;

/* Drops from FL each frame a tag may hold once that an earlier stacked tag already holds,
   with a warning naming it: the first tag's is the one readers show (FFmpeg and mutagen read
   the first), and a merged tag must not carry two titles. Repeats within one tag stay. */
chaptag_status ct_id3v2_drop_repeats(ct_id3_tag *tag, ct_id3_frame_list *fl,
                                     const ct_id3_tag_start *starts, size_t n_tags,
                                     chaptag_error *err);

/* ---- inside a frame (id3v2_frame.c) ------------------------------------------------------- */

/* A frame as the renderer and the readers see it: its v2.3/v2.4 ID and the layout it is in. */
typedef struct {
    const char *id;
    const char *v22_id; /* the ID it had when it was upgraded from v2.2; else NULL */
    int version;
    uint16_t flags;
    const uint8_t *body;
    size_t len;
} ct_id3_ref;

/* A frame's body split into the extra header bytes its flags add and its content. */
typedef struct {
    uint16_t status;     /* tag alter, file alter, read only: v2.4 layout */
    int group, method;   /* group ID and encryption method; -1 when absent */
    bool compressed;
    bool has_len;        /* data_len holds the v2.4 data length or v2.3 decompressed size */
    uint32_t data_len;
    const uint8_t *data; /* the content */
    size_t len;
} ct_id3_view;

uint32_t ct_id3v2_syncsafe_decode(const uint8_t *p);

/* A NUL-terminated string at R: its start and length *N, R advanced past the NUL; NULL (and
   R bad) when there is no NUL. */
const uint8_t *ct_id3v2_read_cstr(ct_reader *r, size_t *n);

/* S (an element ID from a file) made printable for a message: other bytes become '?'. */
const char *ct_id3v2_printable(const char *s, char buf[40]);

/* F with its v2.3/v2.4 ID (NULL for a v2.2 frame with none). */
ct_id3_ref ct_id3v2_ref_of(const ct_id3_frame *f);

/* Splits F into *V. False when its flags announce more bytes than it has. */
bool ct_id3v2_view_make(const ct_id3_ref *f, ct_id3_view *v);

/* Compressed or encrypted content cannot be read or re-encoded, only carried. */
bool ct_id3v2_view_readable(const ct_id3_view *v);

/* Bytes of the string of encoding ENC at P (N bytes) before its terminator; *TERM gets the
   terminator's size, 0 when the string runs to the end. */
size_t ct_id3v2_string_len(int enc, const uint8_t *p, size_t n, size_t *term);

/* Appends the N bytes at P, a string of encoding ENC, as UTF-8. False for an unknown ENC. */
bool ct_id3v2_decode_string(int enc, const uint8_t *p, size_t n, ct_buf *out);

/* Appends UTF-8 S (N bytes) in encoding ENC (0, 1 or 3; 1 with a little-endian BOM), no
   terminator. False, appending nothing, when ENC is 0 and S does not fit ISO-8859-1. */
bool ct_id3v2_encode_string(int enc, const char *s, size_t n, ct_buf *out);

/* Appends the first value of text frame F as UTF-8; false when F cannot be read. */
bool ct_id3v2_text_value(const ct_id3_ref *f, ct_buf *out);

/* Appends the first value of the first readable frame ID (v2.3 name) of version MAX_VERSION or
   older; YEAR_ONLY keeps its first four bytes. A failed append shows in OUT, as ever. */
bool ct_id3v2_find_text(const ct_id3_tag *tag, const char *id, int max_version, bool year_only,
                        ct_buf *out);

/* ---- reading chapters (id3v2_chapters.c, id3v2_toc.c) ------------------------------------- */

typedef struct {
    char *eid; /* element ID */
    uint32_t start_ms, end_ms;
    size_t order; /* position in the tag: the sort is stable */
    bool reached; /* a top-level CTOC leads to it */
    char *title, *url, *image, *mime;
    uint8_t *image_data;
    size_t image_len;
} ct_id3_chap_entry;

typedef struct {
    char *eid;
    uint8_t flags;
    char **children;
    size_t n_children;
    bool queued; /* walked already, or about to be: guards against cycles */
    bool listed; /* another CTOC names it as a child */
} ct_id3_toc_entry;

typedef struct {
    const char *eid;
    bool is_toc;
    size_t idx;
} ct_id3_eid_ref;

typedef struct {
    ct_id3_chap_entry *chaps;
    size_t n_chaps, cap_chaps;
    ct_id3_toc_entry *tocs;
    size_t n_tocs, cap_tocs;
    ct_id3_eid_ref *index; /* every element ID, sorted */
    size_t n_index;
    ct_warnings *w;
} ct_id3_chap_set;

/* Reads CTOC frame F (addendum §4) into SET: element ID, flags, child element IDs. Its
   sub-frames (the TOC's own title) have no place in the chapter model. */
chaptag_status ct_id3v2_read_ctoc(ct_id3_chap_set *set, const ct_id3_frame *f,
                                  chaptag_error *err);

/* Sorts every element ID of SET into its index and warns about the ones used twice. */
chaptag_status ct_id3v2_build_index(ct_id3_chap_set *set, chaptag_error *err);

/* Marks every CHAP that a top-level CTOC reaches, through nested CTOCs; each CTOC is walked
   once, so cycles end, and the walk uses a stack rather than recursion, so depth does not
   matter. Warns about TOC shapes players trip on. */
chaptag_status ct_id3v2_mark_reached(ct_id3_chap_set *set, chaptag_error *err);

/* ---- rendering (id3v2_render.c, id3v2_convert.c, id3v2_chapters.c, id3v2_toc.c) ---------- */

typedef struct {
    int version; /* 3 or 4 */
    ct_buf *out;
    ct_buf *desc; /* may be NULL */
    ct_warnings *w;
    bool wrote_tlen; /* a TLEN of the old tag was written, right or wrong (verify's business) */
} ct_id3_render_ctx;

/* Adds one line to the plan the user reads. */
void ct_id3v2_describe(ct_id3_render_ctx *c, const char *fmt, ...) CT_PRINTF(2, 3);

/* S cut to DESC_TITLE_MAX bytes, on a character boundary, for a plan line. */
const char *ct_id3v2_short_title(const char *s, char buf[DESC_TITLE_MAX + 4]);

/* Starts a frame; ct_id3v2_end_frame() sets its size once the body is written. */
size_t ct_id3v2_begin_frame(ct_id3_render_ctx *c, const char *id, uint16_t flags);

/* Sets the size of the frame begun at OFF (*BODY gets it): sync-safe in v2.4 at every level,
   plain in v2.3. False when the body is past what that size field holds. */
bool ct_id3v2_end_frame(ct_id3_render_ctx *c, size_t off, size_t *body);

/* ct_id3v2_end_frame() for a frame chaptag carries over from the old tag. One that converted
   to nothing (its flags' extra bytes were all it had) is taken back out: a frame is never
   empty, and readers drop empty ones. */
chaptag_status ct_id3v2_finish_kept(ct_id3_render_ctx *c, size_t off, const char *id,
                                    size_t *body, chaptag_error *err);

/* Warns about a CHAP/CTOC frame or sub-frame whose v2.4 size reads differently as a plain
   integer: FFmpeg 5.1 reads these sizes so, and Apple's players lose the chapters. */
void ct_id3v2_warn_v24(ct_id3_render_ctx *c, unsigned line, const char *what, size_t body);

/* Appends S as text chaptag writes it: ISO-8859-1 when ASCII (FFmpeg's rule, safe for old
   readers), else UTF-16 with BOM in v2.3 and UTF-8 in v2.4; encoding byte first, no NUL. */
void ct_id3v2_put_text(ct_id3_render_ctx *c, const char *s);

/* What the conversion of a whole tag has done so far. */
typedef struct {
    bool dates_done;  /* TYER/TDAT/TIME went into one TDRC */
    bool people_done; /* every TIPL/TMCL went into one IPLS */
} ct_id3_convert_state;

/* Writes frame F of the old tag TAG in the output version: byte for byte when the version
   stays, else converted (v2.2 frames upgraded first). */
chaptag_status ct_id3v2_render_kept_frame(ct_id3_render_ctx *c, const ct_id3_tag *tag,
                                          const ct_id3_frame *f, ct_id3_convert_state *state,
                                          chaptag_error *err);

typedef void (*ct_id3_body_fn)(ct_id3_render_ctx *c, const chaptag_chapter *ch);

/* Writes the TIT2 body of CH's title. */
void ct_id3v2_put_title(ct_id3_render_ctx *c, const chaptag_chapter *ch);

/* Writes sub-frame ID of OWNER ("CHAP chp3") with PUT's body. */
chaptag_status ct_id3v2_put_subframe(ct_id3_render_ctx *c, const char *id, ct_id3_body_fn put,
                                     const chaptag_chapter *ch, const char *owner,
                                     chaptag_error *err);

/* Writes the top-level ordered CTOC "toc" listing the visible chapters in ORDER, and below it,
   past 255 of them, a tree of ordered CTOCs: never a wrapped count byte. */
chaptag_status ct_id3v2_render_tocs(ct_id3_render_ctx *c, const chaptag_chapters *list,
                                    const size_t *order, size_t n, const char *title,
                                    chaptag_error *err);

/* TLEN when the old tag gave none, the CTOC tree, then the CHAPs in time order (FFmpeg lists
   chapters in tag order, so the order of the frames is the order players show). */
chaptag_status ct_id3v2_render_chapters(ct_id3_render_ctx *c, const chaptag_chapters *list,
                                        const ct_id3_render_opts *opts, chaptag_error *err);

#endif
