/* One native container (CT_FUZZ_BACKEND: ct_backend_mp4, _ogg, _flac or _wav) on the bytes in
   memory: open, read, lint, and a plan to embed chapters, then to strip them, whose edits must
   lie in order inside the file. Ogg's input is run a second time with its pages' CRCs made
   right (CT_FUZZ_OGG), so mutations get past the check. */
#include "api.h"
#include "fuzz.h"

#include <string.h>

/* Plans an embed of LIST (NULL: strip) and checks the edits are in order and in the file. */
static void plan(ct_file *f, size_t size, const chaptag_chapters *list)
{
    chaptag_embed_opts o;
    chaptag_embed_opts_init(&o);
    ct_plan p = CT_PLAN_INIT;
    struct chaptag_report rep = {0};
    chaptag_error err;
    if (ct_backend_plan(&CT_FUZZ_BACKEND, f, list, &o, &p, &rep, &err) == CHAPTAG_OK) {
        uint64_t pos = 0;
        for (size_t i = 0; i < p.n; i++) {
            FUZZ_CHECK(p.v[i].off >= pos && p.v[i].off + p.v[i].old_len <= size);
            pos = p.v[i].off + p.v[i].old_len;
        }
    }
    ct_plan_free(&p);
    ct_buf_free(&rep.plan);
    ct_warnings_clear(&rep.warnings);
}

static void run(const uint8_t *data, size_t size)
{
    ct_file *f = ct_file_memory(data, size);
    chaptag_chapters *read = chaptag_chapters_new(), *list = chaptag_chapters_new();
    chaptag_error err;
    if (f == NULL || read == NULL || list == NULL)
        goto out;
    chaptag_file_info info;
    ct_findings findings = {0};
    if (ct_backend_read(&CT_FUZZ_BACKEND, f, "fuzz", read, &info, &err) == CHAPTAG_OK) {
        ct_backend_lint(&CT_FUZZ_BACKEND, f, &findings, &err);
        chaptag_chapter ch = {0};
        ch.end_ms = CHAPTAG_TIME_NONE;
        ch.title = "Fuzz";
        chaptag_chapters_add(list, &ch, &err);
        plan(f, size, list);
        plan(f, size, NULL);
    }
    ct_findings_clear(&findings);
out:
    chaptag_chapters_free(read);
    chaptag_chapters_free(list);
    ct_file_close(f);
}

#ifdef CT_FUZZ_OGG
#include "ogg_int.h"

/* A copy of the N bytes at P with every page's CRC made right: a mutation almost never keeps
   a CRC right, so without this the fuzzer would stop at the check and never reach the pages'
   contents. Its own copy of P, to be freed; NULL when out of memory. */
static uint8_t *ogg_crcs_made_right(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    if (q == NULL)
        return NULL;
    memcpy(q, p, n);
    for (size_t at = 0; at < n;) {
        ct_ogg_page pg;
        if (!ct_ogg_page_header(q + at, n - at, &pg) || pg.len > n - at) {
            at++;
            continue;
        }
        ct_store_u32le(q + at + 22, ct_ogg_page_crc(q + at, pg.len));
        at += pg.len;
    }
    return q;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size); /* as given: the CRC check, and what a wrong CRC leads to */
#ifdef CT_FUZZ_OGG
    uint8_t *right = ogg_crcs_made_right(data, size);
    if (right != NULL)
        run(right, size);
    free(right);
#endif
    return 0;
}
