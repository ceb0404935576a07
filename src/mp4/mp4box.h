/* The MP4/QuickTime box tree (ISO/IEC 14496-12 §4.2): top-level boxes are only scanned; moov
   is parsed into a tree whose small leaves are loaded and whose large ones (sample tables of
   long files) stay in the file, so that rendering a changed moov is a list of plan pieces and
   memory stays flat. Unknown boxes are kept byte for byte. */
#ifndef CHAPTAG_MP4BOX_H
#define CHAPTAG_MP4BOX_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "fileio.h"
#include "plan.h"

/* A box created in memory, not read from the file. */
#define CT_BOX_NEW UINT64_MAX

typedef struct ct_box ct_box;
struct ct_box {
    char type[4];
    uint64_t off;      /* offset in the original file, or CT_BOX_NEW */
    uint64_t size;     /* size in the original file, header included */
    uint8_t hdr_len;   /* header bytes in the original: 8, or 16 with a 64-bit size */
    bool container;    /* children parsed: the payload is the children */
    bool loaded;       /* a leaf whose payload is in DATA; else it stays in the file */
    bool changed;      /* this box's own payload or child list was changed */
    bool retyped;      /* only its type changed (same size): one atomic 4-byte write */
    bool to_eof;       /* its size field is 0: it runs to the end of the file */
    uint8_t *data;     /* a loaded leaf's payload; owned */
    size_t len;
    ct_box *kids;      /* children of a container, owned */
    size_t n_kids, cap_kids;
    /* A chunk-offset table (stco, co64) rendered with SHIFT added to the entries that are
       at least SHIFT_FROM, and widened to co64 when WIDEN. Set by ct_box_shift_offsets(). */
    int64_t shift;
    uint64_t shift_from;
    bool widen;
};

/* True when BOX's four-character code is TYPE. */
bool ct_box_is(const ct_box *box, const char *type);

/* Reads the top-level boxes of F (headers only) into *TOPS (a new array of *N boxes; free
   with ct_box_free_array). A size running past the end of the file is CHAPTAG_ERR_AUDIO. */
chaptag_status ct_box_scan(ct_file *f, ct_box **tops, size_t *n, chaptag_error *err);

/* Parses the children of container BOX (read from F) recursively, loading leaves of at most
   64 KiB and the ones chaptag edits; deeper than 32 levels is CHAPTAG_ERR_AUDIO. */
chaptag_status ct_box_parse(ct_file *f, ct_box *box, chaptag_error *err);

/* Loads the payload of leaf BOX from F if it is not loaded yet. */
chaptag_status ct_box_load(ct_file *f, ct_box *box, chaptag_error *err);

/* The first child of BOX of type TYPE, or NULL; ct_box_path() walks "mdia/minf/stbl". */
ct_box *ct_box_child(const ct_box *box, const char *type);
ct_box *ct_box_path(const ct_box *box, const char *path);

/* Appends a new leaf with a copy of LEN bytes of PAYLOAD to BOX; NULL when memory runs out. */
ct_box *ct_box_add_leaf(ct_box *box, const char *type, const void *payload, size_t len);

/* Appends a new empty container to BOX. */
ct_box *ct_box_add_container(ct_box *box, const char *type);

/* Moves child INDEX of BOX out into *OUT (the caller owns it) and closes the gap. */
void ct_box_take_child(ct_box *box, size_t index, ct_box *out);

/* Removes and frees child INDEX of BOX. */
void ct_box_remove_child(ct_box *box, size_t index);

/* Inserts KID (taken over) as child INDEX of BOX; false when memory runs out (KID is
   freed). ct_box_append() inserts last. */
bool ct_box_insert(ct_box *box, size_t index, ct_box *kid);
bool ct_box_append(ct_box *box, ct_box *kid);

/* Replaces the payload of leaf BOX with a copy of LEN bytes. */
bool ct_box_set_payload(ct_box *box, const void *payload, size_t len);

/* Gives BOX the type TYPE, keeping its size and content (e.g. "free" to retire a box). */
void ct_box_retype(ct_box *box, const char *type);

/* True when BOX or anything in it was changed. */
bool ct_box_dirty(const ct_box *box);



/* The size BOX renders to. */
uint64_t ct_box_size(const ct_box *box);

/* Marks every stco/co64 under BOX to add DELTA to its entries that are at least FROM, widening
   stco to co64 where an entry would pass 4 GiB. Returns true when a table was widened (the
   tree grew). Tables that are not loaded are checked through F. */
chaptag_status ct_box_shift_offsets(ct_file *f, ct_box *box, uint64_t from, int64_t delta,
                                    bool *widened, chaptag_error *err);

/* *HIT is true when chunk-offset table BOX (stco or co64) has an entry in [LO, HI); read in
   blocks, never loaded whole. */
chaptag_status ct_box_table_hits(ct_file *f, const ct_box *box, uint64_t lo, uint64_t hi,
                                 bool *hit, chaptag_error *err);

/* Appends BOX, rendered, to the current edit or step of PLAN: headers and changed payloads as
   bytes, unchanged payloads as ranges of the original. */
bool ct_box_render(const ct_box *box, ct_plan *plan);

/* Appends BOX, rendered, to OUT (loading what is not loaded from F). */
chaptag_status ct_box_render_bytes(ct_file *f, const ct_box *box, ct_buf *out,
                                   chaptag_error *err);

/* Frees what BOX owns (not BOX itself). */
void ct_box_clear(ct_box *box);

/* Frees an array of N boxes and their contents. */
void ct_box_free_array(ct_box *boxes, size_t n);

/* Appends to B the header of a new box of TYPE, its size left 0, and returns where the box
   starts; ct_box_end() writes the size once the payload is appended after it. Boxes built so
   stay below 4 GiB (a 32-bit size). */
size_t ct_box_begin(ct_buf *b, const char *type);
void ct_box_end(ct_buf *b, size_t at);

#endif
