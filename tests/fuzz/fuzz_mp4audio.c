/* The MP4 packet source (mp4/mp4_audio.c): the sound track's esds and sample tables from a
   file in memory, then windows at the start, at places the input's last bytes pick, and the
   whole track; every packet must lie in the file, in order, and inside or just before its
   window. */
#include <string.h>

#include "audio.h"
#include "fuzz.h"

/* A crafted table can describe millions of one-byte packets: a window stops after these. */
#define MAX_PACKETS 100000

typedef struct {
    const uint8_t *data;
    size_t size;
    uint64_t last_first;
    size_t n;
} walk;

static chaptag_status check_packet(const ct_packet *p, void *ctx, chaptag_error *err)
{
    walk *w = ctx;
    FUZZ_CHECK(p->data != NULL && p->len > 0 && p->len <= w->size);
    FUZZ_CHECK(w->n == 0 || p->first >= w->last_first);
    volatile uint8_t sink = p->data[0] ^ p->data[p->len - 1]; /* ASan checks the bytes */
    (void)sink;
    w->last_first = p->first;
    if (++w->n >= MAX_PACKETS)
        return ct_fail(err, CHAPTAG_ERR_AUDIO, 0, "enough");
    return CHAPTAG_OK;
}

static void window(ct_audio *a, const uint8_t *data, size_t size, uint64_t from, uint64_t to)
{
    walk w = {data, size, 0, 0};
    chaptag_error err;
    a->packets(a, from, to, check_packet, &w, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ct_file *f = ct_file_memory(data, size);
    if (f == NULL)
        return 0;
    ct_audio *a = NULL;
    chaptag_error err;
    if (ct_mp4_audio_open(f, &a, &err) == CHAPTAG_OK && a != NULL) { /* NULL: libavformat's */
        FUZZ_CHECK(a->info.sample_rate > 0 && a->info.config_len <= sizeof a->info.config);
        FUZZ_CHECK(a->info.codec == CT_CODEC_AAC || a->info.codec == CT_CODEC_MP3);
        uint64_t len = a->info.skip + a->info.samples + 1;
        window(a, data, size, 0, 4000);
        for (size_t i = 0; i + 4 <= size && i < 32; i += 4) {
            uint32_t pick;
            memcpy(&pick, data + size - 4 - i, 4);
            uint64_t from = len * (pick & 0xffff) / 0x10000;
            window(a, data, size, from, from + (pick >> 16));
        }
        window(a, data, size, 0, UINT64_MAX);
        a->close(a);
    }
    ct_file_close(f);
    return 0;
}
