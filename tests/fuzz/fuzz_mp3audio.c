/* The MP3 packet source: tags skipped, the stream found, CBR arithmetic or the header walk,
   resync over junk; a whole pass and windows at the start, through the stream and past its
   end, each packet checked against the interface's promises. */
#include "audio.h"
#include "fuzz.h"

typedef struct {
    uint64_t next_first; /* packets come in order, never overlapping */
    uint64_t n;
    size_t size;
} seen;

static chaptag_status check(const ct_packet *pkt, void *ctx, chaptag_error *err)
{
    (void)err;
    seen *s = ctx;
    FUZZ_CHECK(pkt->samples == 384 || pkt->samples == 576 || pkt->samples == 1152);
    FUZZ_CHECK(pkt->first % pkt->samples == 0);
    FUZZ_CHECK(pkt->first >= s->next_first);
    FUZZ_CHECK(pkt->len >= 4 && pkt->len <= 2881 && pkt->len <= s->size);
    FUZZ_CHECK(pkt->data[0] == 0xFF);
    s->next_first = pkt->first + pkt->samples;
    s->n++;
    return CHAPTAG_OK;
}

/* The packets of [FROM, TO); their count. */
static uint64_t run(ct_audio *a, uint64_t from, uint64_t to, size_t size)
{
    seen s = {0, 0, size};
    chaptag_error err;
    if (a->packets(a, from, to, check, &s, &err) != CHAPTAG_OK)
        return 0;
    return s.n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ct_file *f = ct_file_memory(data, size);
    if (f == NULL)
        return 0;
    chaptag_error err;
    ct_audio *a = NULL;
    if (ct_mp3_audio_open(f, &a, &err) == CHAPTAG_OK && a != NULL) { /* NULL: libavformat's */
        const ct_audio_info *in = &a->info;
        FUZZ_CHECK(in->codec == CT_CODEC_MP3 && in->sample_rate >= 8000 && in->channels >= 1);
        FUZZ_CHECK(in->preroll >= 1 && in->preroll <= 32);
        uint64_t all = run(a, 0, UINT64_MAX, size);
        FUZZ_CHECK(all <= size / 4);
        uint64_t total = all * 1152;
        for (unsigned i = 0; i <= 8; i++) {
            uint64_t from = total / 8 * i + i * 101, to = from + in->sample_rate;
            FUZZ_CHECK(run(a, from, to, size) <= in->preroll + in->sample_rate / 384 + 2);
        }
        run(a, total + 10000, UINT64_MAX, size);
        run(a, UINT64_MAX - 1, UINT64_MAX, size);
        a->close(a);
    }
    ct_file_close(f);
    return 0;
}
