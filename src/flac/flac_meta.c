/* FLAC metadata blocks (FLAC format, RFC 9639 §8): the stream marker, perhaps behind ID3v2
   tags that some taggers put in front (ID3v2.4.0 §3.1; kept as they are), then the blocks, each
   a 4-byte header (last flag, type, 24-bit length) and a body, the first STREAMINFO. Every
   block is measured against the file before it is believed: a damaged file is refused here,
   once, so that the planner may trust the model. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flac_int.h"

/* More blocks than this is no FLAC metadata but damage (a real file has a handful). */
#define BLOCKS_MAX 100000u

/* The size of the ID3v2 tag whose 10-byte header is at P (0: none): sync-safe size, header,
   and a footer when the flags say so. */
static uint64_t id3_size(const uint8_t p[10])
{
    if (memcmp(p, "ID3", 3) != 0 || p[3] == 0xFF || p[4] == 0xFF ||
        ((p[6] | p[7] | p[8] | p[9]) & 0x80))
        return 0;
    uint64_t body = (uint64_t)p[6] << 21 | (uint64_t)p[7] << 14 | (uint64_t)p[8] << 7 | p[9];
    return 10 + body + (p[5] & 0x10 ? 10 : 0);
}

uint64_t ct_flac_id3_prefix(ct_file *f, const uint8_t *head, size_t n, bool *flac)
{
    uint8_t b[10];
    uint64_t off = 0, size;
    while (ct_file_read_sniffed(f, head, n, off, b, sizeof b) && (size = id3_size(b)) > 0)
        off += size;
    *flac = ct_file_read_sniffed(f, head, n, off, b, 4) && memcmp(b, "fLaC", 4) == 0;
    return off;
}

void ct_flac_header(uint8_t p[4], uint8_t type, bool last, uint32_t len)
{
    p[0] = (uint8_t)(type | (last ? 0x80 : 0));
    p[1] = (uint8_t)(len >> 16), p[2] = (uint8_t)(len >> 8), p[3] = (uint8_t)len;
}

void ct_flac_file_free(ct_flac_file *m)
{
    free(m->v);
    free(m->comment_raw);
    ct_vorbis_free(&m->vc);
    memset(m, 0, sizeof *m);
    m->comment = SIZE_MAX;
}

static bool add_block(ct_flac_file *m, const ct_flac_block *b)
{
    ct_flac_block *v = ct_grow(m->v, m->n, &m->cap, sizeof *v);
    if (v == NULL)
        return false;
    m->v = v;
    m->v[m->n++] = *b;
    return true;
}

/* Walks the block headers from OFF (just past "fLaC") to the last one, into M. */
static chaptag_status walk_blocks(ct_file *f, uint64_t off, ct_flac_file *m, chaptag_error *err)
{
    uint64_t size = ct_file_size(f);
    for (bool last = false; !last;) {
        uint8_t h[4];
        if (size - off < 4)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC metadata ends early, at offset "
                           "%" PRIu64 ", before its last block", off);
        chaptag_status st = ct_file_read(f, off, h, 4, NULL, err);
        if (st != CHAPTAG_OK)
            return st;
        ct_flac_block b = {(uint8_t)(h[0] & 0x7F), (h[0] & 0x80) != 0, off,
                           (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3]};
        last = b.last;
        if (b.type == 127)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC metadata block at offset %" PRIu64
                           " has the invalid type 127", off);
        if (b.len > size - off - 4)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC metadata block at offset %" PRIu64
                           " claims %" PRIu32 " bytes, past the end of the file", off, b.len);
        if ((m->n == 0) != (b.type == FLAC_STREAMINFO) || (m->n == 0 && b.len != 34))
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC metadata block at offset %" PRIu64
                           " is %s", off, m->n == 0 ? "not a 34-byte STREAMINFO, which must come "
                           "first" : "a second STREAMINFO");
        if (b.type == FLAC_VORBIS_COMMENT && m->comment != SIZE_MAX)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC file has a second VORBIS_COMMENT "
                           "block, at offset %" PRIu64, off);
        if (m->n >= BLOCKS_MAX)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC file has more than %u metadata "
                           "blocks", BLOCKS_MAX);
        if (b.type == FLAC_VORBIS_COMMENT)
            m->comment = m->n;
        if (!add_block(m, &b))
            return ct_fail_nomem(err);
        off += 4 + (uint64_t)b.len;
    }
    m->audio_off = off;
    return CHAPTAG_OK;
}

/* The duration STREAMINFO gives (total samples over the sample rate), and the check that the
   first frame's sync code follows the metadata: a length that lies shows there. */
static chaptag_status read_streaminfo(ct_file *f, ct_flac_file *m, chaptag_error *err)
{
    uint8_t s[34], sync[2];
    chaptag_status st = ct_file_read(f, m->v[0].off + 4, s, sizeof s, NULL, err);
    if (st != CHAPTAG_OK)
        return st;
    uint32_t rate = (uint32_t)s[10] << 12 | (uint32_t)s[11] << 4 | s[12] >> 4;
    uint64_t samples = (uint64_t)(s[13] & 0x0F) << 32 | (uint64_t)s[14] << 24 |
                       (uint64_t)s[15] << 16 | (uint64_t)s[16] << 8 | s[17];
    if (rate == 0)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC STREAMINFO gives a sample rate of 0");
    m->duration_ms = samples * 1000 / rate; /* 36-bit samples: no overflow */
    if (m->audio_off == ct_file_size(f))
        return CHAPTAG_OK; /* metadata only: no frames to find */
    st = ct_file_read(f, m->audio_off, sync, 2, NULL, err);
    if (st == CHAPTAG_OK && (sync[0] != 0xFF || (sync[1] & 0xFE) != 0xF8))
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no FLAC frame follows the metadata blocks (at "
                     "offset %" PRIu64 ")", m->audio_off);
    return st;
}

/* Reads and parses the VORBIS_COMMENT block, if there is one. */
static chaptag_status read_comment(ct_file *f, ct_flac_file *m, chaptag_error *err)
{
    if (m->comment == SIZE_MAX)
        return CHAPTAG_OK;
    const ct_flac_block *b = &m->v[m->comment];
    m->comment_raw = ct_malloc(b->len ? b->len : 1);
    if (m->comment_raw == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_file_read(f, b->off + 4, m->comment_raw, b->len, NULL, err);
    size_t used;
    chaptag_error e;
    if (st == CHAPTAG_OK && ct_vorbis_parse(m->comment_raw, b->len, &m->vc, &used, &e) != CHAPTAG_OK)
        st = e.code == CHAPTAG_ERR_NOMEM ? ct_fail_nomem(err)
             : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the FLAC VORBIS_COMMENT block at offset %" PRIu64
                       " is damaged: %s", b->off, e.msg);
    return st;
}

chaptag_status ct_flac_file_read(ct_file *f, ct_flac_file *out, chaptag_error *err)
{
    ct_flac_file m;
    memset(&m, 0, sizeof m);
    m.comment = SIZE_MAX;
    bool flac;
    m.start = ct_flac_id3_prefix(f, NULL, 0, &flac);
    chaptag_status st = flac ? CHAPTAG_OK
                             : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no FLAC stream marker (fLaC)");
    if (st == CHAPTAG_OK)
        st = walk_blocks(f, m.start + 4, &m, err);
    if (st == CHAPTAG_OK)
        st = read_streaminfo(f, &m, err);
    if (st == CHAPTAG_OK)
        st = read_comment(f, &m, err);
    if (st != CHAPTAG_OK) {
        ct_flac_file_free(&m);
        return st;
    }
    *out = m;
    return CHAPTAG_OK;
}
