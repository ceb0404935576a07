/* Ogg files holding Vorbis, Opus, FLAC or Speex audio: the first such logical stream's comment
   packet (the second packet of the stream) carries the chapters as Vorbis comments. Opening
   scans every page once; the stream's header pages are read whole and their CRCs checked.
   Planning (ogg_plan.c) re-paginates the new comment packet; every other stream and every
   audio page keeps its bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ogg_state.h"

/* What the scan reads at a page's offset: the header and the largest segment table. */
#define PAGE_HEAD (CT_OGG_HEADER + CT_OGG_MAX_SEGS)
/* A comment packet bigger than this is taken for damage (cover art is a few MiB). */
#define COMMENT_MAX (256u << 20)

const ct_ogg_codec ct_ogg_codecs[] = {
    {"Ogg Vorbis", "Vorbis comment header", "\x03vorbis", 7},
    {"Ogg Opus", "OpusTags packet", "OpusTags", 8},
    {"Ogg FLAC", "VORBIS_COMMENT packet", "", 4},
    {"Ogg Speex", "Speex comment packet", "", 0},
};

/* The codec of the identification header of N bytes at P (-1: none chaptag writes), with its
   sample rate and (Opus) pre-skip. */
static int identify(const uint8_t *p, size_t n, uint32_t *rate, uint32_t *pre_skip)
{
    *pre_skip = 0;
    if (n >= 30 && memcmp(p, "\x01vorbis", 7) == 0) {
        *rate = ct_load_u32le(p + 12);
        return CT_OGG_VORBIS;
    }
    if (n >= 19 && memcmp(p, "OpusHead", 8) == 0) {
        *rate = 48000; /* the granule position counts 48 kHz samples whatever the input rate */
        *pre_skip = (uint32_t)p[10] | (uint32_t)p[11] << 8;
        return CT_OGG_OPUS;
    }
    if (n >= 47 && p[0] == 0x7F && memcmp(p + 1, "FLAC", 4) == 0 &&
        memcmp(p + 9, "fLaC", 4) == 0) {
        *rate = (uint32_t)p[27] << 12 | (uint32_t)p[28] << 4 | p[29] >> 4;
        return CT_OGG_FLAC;
    }
    if (n >= 80 && memcmp(p, "Speex   ", 8) == 0) {
        *rate = ct_load_u32le(p + 36);
        return CT_OGG_SPEEX;
    }
    return -1;
}

/* The codec of the page at P (a BOS page, AVAIL bytes there) when its first packet is an
   identification header alone on the page (as every mapping wants); -1 otherwise. */
static int page_codec(const uint8_t *p, size_t avail, uint32_t *rate, uint32_t *pre_skip)
{
    ct_ogg_page pg;
    if (!ct_ogg_page_header(p, avail, &pg) || pg.len > avail || !(pg.flags & CT_OGG_BOS) ||
        pg.n_segs == 0 || p[CT_OGG_HEADER + pg.n_segs - 1] == 255)
        return -1;
    for (size_t i = 0; i + 1 < pg.n_segs; i++)
        if (p[CT_OGG_HEADER + i] < 255)
            return -1; /* a second packet on the identification header's page */
    size_t hdr = CT_OGG_HEADER + pg.n_segs;
    return identify(p + hdr, pg.len - hdr, rate, pre_skip);
}

/* "OggS" at 0, and among the BOS pages at the start an audio stream chaptag writes (an Ogg
   of Theora video alone is left to libavformat). */
static bool ogg_sniff(ct_file *f, const uint8_t *head, size_t n)
{
    (void)f;
    size_t off = 0;
    ct_ogg_page pg;
    uint32_t rate, pre_skip;
    while (off < n && ct_ogg_page_header(head + off, n - off, &pg) && (pg.flags & CT_OGG_BOS)) {
        if (page_codec(head + off, n - off, &rate, &pre_skip) >= 0)
            return true;
        off += pg.len;
    }
    return false;
}

static bool add_page(ogg_state *s, const ct_ogg_page *pg)
{
    if (s->n_pages == s->cap_pages) {
        size_t cap = s->cap_pages ? 2 * s->cap_pages : 64;
        ct_ogg_page *v = realloc(s->pages, cap * sizeof *v);
        if (v == NULL)
            return false;
        s->pages = v, s->cap_pages = cap;
    }
    s->pages[s->n_pages++] = *pg;
    return true;
}

/* Reads the page PG whole into BUF (at least 65307 bytes) and checks its CRC. */
chaptag_status ct_ogg_read_page(ct_file *f, const ct_ogg_page *pg, uint8_t *buf,
                                chaptag_error *err)
{
    chaptag_status st = ct_file_read(f, pg->off, buf, pg->len, NULL, err);
    if (st == CHAPTAG_OK && ct_load_u32le(buf + 22) != ct_ogg_page_crc(buf, pg->len))
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the Ogg page at offset %" PRIu64
                     " fails its CRC check: the file is damaged", pg->off);
    return st;
}

/* The first audio stream's BOS page at OFF (header PG): takes the stream when chaptag knows
   its codec. */
static chaptag_status try_stream(ogg_state *s, const ct_ogg_page *pg, chaptag_error *err)
{
    uint8_t *buf = ct_malloc(pg->len);
    if (buf == NULL)
        return ct_fail_nomem(err);
    chaptag_status st = ct_ogg_read_page(s->f, pg, buf, err);
    int codec = st == CHAPTAG_OK ? page_codec(buf, pg->len, &s->rate, &s->pre_skip) : -1;
    if (codec >= 0) {
        s->codec = codec;
        s->serial = ct_load_u32le(buf + 14);
        s->chosen = true;
        if (s->rate == 0)
            st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %s stream's header gives a sample "
                         "rate of 0: the file is damaged", ct_ogg_codecs[codec].name);
    }
    free(buf);
    return st;
}

/* Walks every page of the file, keeping those of the chosen stream. A page cut short by the
   end of the file ends the walk (a download cut short: the rest plays); anything else that is
   not a page is damage. */
static chaptag_status scan(ogg_state *s, chaptag_error *err)
{
    uint64_t size = ct_file_size(s->f), off = 0;
    chaptag_status st = CHAPTAG_OK;
    while (st == CHAPTAG_OK && size - off >= CT_OGG_HEADER) {
        uint8_t h[PAGE_HEAD];
        size_t got;
        ct_ogg_page pg;
        st = ct_file_read(s->f, off, h, sizeof h, &got, err);
        if (st != CHAPTAG_OK)
            break;
        bool is_page = ct_ogg_page_header(h, got, &pg);
        if (!is_page && got >= 4 && memcmp(h, "OggS", 4) == 0 && off + got == size)
            break;
        if (!is_page)
            return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no Ogg page at offset %" PRIu64
                           " (of %" PRIu64 " bytes): the file is damaged", off, size);
        if (pg.len > size - off)
            break;
        pg.off = off;
        if (!s->chosen && (pg.flags & CT_OGG_BOS))
            st = try_stream(s, &pg, err);
        if (st == CHAPTAG_OK && s->chosen && ct_load_u32le(h + 14) == s->serial && !add_page(s, &pg))
            st = ct_fail_nomem(err);
        off += pg.len;
    }
    if (st == CHAPTAG_OK && !s->chosen)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "no Vorbis, Opus, FLAC or Speex stream in "
                     "this Ogg file");
    return st;
}

/* Reads the stream's pages from the second on until the comment packet ends: their bytes,
   lacing values and bodies. */
static chaptag_status load_comment_pages(ogg_state *s, chaptag_error *err)
{
    ct_buf raw = CT_BUF_INIT, lace = CT_BUF_INIT, data = CT_BUF_INIT;
    chaptag_status st = CHAPTAG_OK;
    bool ended = false;
    size_t i = 1;
    for (; i < s->n_pages && !ended && st == CHAPTAG_OK; i++) {
        const ct_ogg_page *pg = &s->pages[i];
        size_t at = raw.len;
        if (!ct_buf_reserve(&raw, pg->len) || raw.len + pg->len > COMMENT_MAX) {
            st = raw.failed ? ct_fail_nomem(err)
                            : ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the comment packet is "
                                      "larger than 256 MiB: the file is damaged");
            break;
        }
        st = ct_ogg_read_page(s->f, pg, raw.data + at, err);
        raw.len += pg->len;
        const uint8_t *p = raw.data + at, *segs = p + CT_OGG_HEADER;
        if (st == CHAPTAG_OK && i == 1 && (pg->flags & CT_OGG_CONTINUED))
            st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the page at offset %" PRIu64 " continues "
                         "a packet the stream never began: the file is damaged", pg->off);
        for (size_t k = 0; k < pg->n_segs && st == CHAPTAG_OK; k++) {
            if (!ended)
                s->packet_segs++, s->packet_len += segs[k];
            ended = ended || segs[k] < 255;
        }
        ct_buf_put(&lace, segs, pg->n_segs);
        ct_buf_put(&data, segs + pg->n_segs, pg->len - CT_OGG_HEADER - pg->n_segs);
    }
    if (st == CHAPTAG_OK && !ended)
        st = ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %s stream's comment packet is cut short: "
                     "the file is damaged", ct_ogg_codecs[s->codec].name);
    if (st == CHAPTAG_OK && (!ct_buf_ok(&raw) || !ct_buf_ok(&lace) || !ct_buf_ok(&data)))
        st = ct_fail_nomem(err);
    s->n_comment_pages = i - 1;
    s->raw = raw.data, s->raw_len = raw.len;
    s->lace = lace.data, s->n_lace = lace.len;
    s->data = data.data, s->data_len = data.len;
    return st;
}

chaptag_status ct_ogg_parse_comments(const ogg_state *s, const uint8_t *packet, size_t len,
                                     ct_vorbis_comments *vc, size_t *end, chaptag_error *err)
{
    const ct_ogg_codec *c = &ct_ogg_codecs[s->codec];
    if (len == 0) /* Speex's comment packet has no magic to find missing: say it here */
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %s stream's %s is empty: the file is "
                       "damaged", c->name, c->packet);
    bool magic_ok = len >= c->magic_len && memcmp(packet, c->magic, strlen(c->magic)) == 0;
    if (s->codec == CT_OGG_FLAC && len >= 4) {
        magic_ok = (packet[0] & 0x7F) == 4;
        uint32_t block = ct_load_u24be(packet + 1);
        len = block < len - 4 ? block + 4 : len;
    }
    if (!magic_ok)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "the %s stream's second packet is not its %s:"
                       " the file is damaged", c->name, c->packet);
    size_t used;
    chaptag_status st = ct_vorbis_parse(packet + c->magic_len, len - c->magic_len, vc, &used,
                                        err);
    *end = c->magic_len + used;
    return st;
}

/* The duration in ms the last page with a granule position gives. */
static uint64_t measure(const ogg_state *s)
{
    for (size_t i = s->n_pages; i-- > 0;) {
        uint64_t g = s->pages[i].granule;
        if (g == CT_OGG_NO_GRANULE)
            continue;
        if (s->codec == CT_OGG_OPUS)
            g = g > s->pre_skip ? g - s->pre_skip : 0;
        return g / s->rate * 1000 + g % s->rate * 1000 / s->rate;
    }
    return 0;
}

static void state_free(ogg_state *s)
{
    if (s == NULL)
        return;
    ct_vorbis_free(&s->vc);
    free(s->pages);
    free(s->raw);
    free(s->lace);
    free(s->data);
    free(s);
}

static chaptag_status ogg_open(ct_file *f, const char *path, void **state, chaptag_error *err)
{
    (void)path;
    ogg_state *s = ct_calloc(1, sizeof *s);
    if (s == NULL)
        return ct_fail_nomem(err);
    s->f = f;
    chaptag_status st = scan(s, err);
    if (st == CHAPTAG_OK)
        st = load_comment_pages(s, err);
    if (st == CHAPTAG_OK)
        st = ct_ogg_parse_comments(s, s->data, s->packet_len, &s->vc, &s->list_end, err);
    if (st != CHAPTAG_OK) {
        state_free(s);
        return st;
    }
    s->duration_ms = measure(s);
    *state = s;
    return CHAPTAG_OK;
}

static void ogg_close(void *state)
{
    state_free(state);
}

static uint64_t ogg_duration(void *state)
{
    return ((const ogg_state *)state)->duration_ms;
}

void ct_ogg_fill_info(const ogg_state *s, size_t n_chapters, chaptag_file_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->container, sizeof info->container, "%s", ct_ogg_codecs[s->codec].name);
    snprintf(info->tag, sizeof info->tag, "VorbisComment");
    if (n_chapters > 0)
        snprintf(info->flavours, sizeof info->flavours, "VorbisComment CHAPTERxxx (%zu)",
                 n_chapters);
    else
        snprintf(info->flavours, sizeof info->flavours, "none");
    info->duration_ms = s->duration_ms;
    snprintf(info->duration_source, sizeof info->duration_source, "granule position");
    info->file_size = ct_file_size(s->f);
}

/* The standard tags dump shows, as list metadata: the first of each key. */
static chaptag_status read_standard_tags(const ct_vorbis_comments *vc, chaptag_chapters *list,
                                         chaptag_error *err)
{
    static const char *const map[][2] = {
        {"TITLE", "title"}, {"ARTIST", "artist"}, {"ALBUM", "album"}, {"DATE", "year"}};
    chaptag_status st = CHAPTAG_OK;
    for (size_t m = 0; m < sizeof map / sizeof map[0] && st == CHAPTAG_OK; m++) {
        size_t klen = strlen(map[m][0]);
        for (size_t i = 0; i < vc->n; i++) {
            const ct_vorbis_comment *c = &vc->v[i];
            if (c->n <= klen || c->p[klen] != '=' ||
                strncasecmp((const char *)c->p, map[m][0], klen) != 0)
                continue;
            size_t n = c->n - klen - 1;
            if (m == 3 && n > 4)
                n = 4; /* a date; the year is what players show */
            char *v = ct_malloc(n + 1);
            if (v == NULL)
                return ct_fail_nomem(err);
            memcpy(v, c->p + klen + 1, n);
            v[n] = '\0';
            st = chaptag_chapters_set_meta(list, map[m][1], v, err);
            free(v);
            break;
        }
    }
    return st;
}

static chaptag_status ogg_read(void *state, chaptag_chapters *list, chaptag_file_info *info,
                               chaptag_error *err)
{
    const ogg_state *s = state;
    chaptag_status st = ct_vorbis_chapters(&s->vc, list, err);
    if (st == CHAPTAG_OK)
        st = read_standard_tags(&s->vc, list, err);
    ct_ogg_fill_info(s, chaptag_chapters_count(list), info);
    return st;
}

static chaptag_status ogg_lint(void *state, ct_findings *out, chaptag_error *err)
{
    (void)err;
    const ogg_state *s = state;
    ct_vorbis_lint(&s->vc, s->duration_ms, out);
    return CHAPTAG_OK;
}

const ct_backend ct_backend_ogg = {"Ogg",        ogg_sniff, ogg_open, ogg_duration, ogg_read,
                                   ct_ogg_plan, NULL,      ogg_lint, ogg_close, NULL};
