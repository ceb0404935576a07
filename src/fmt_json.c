/* PLACEHOLDER: replaced by the formats helper. */
#include "formats.h"
static chaptag_status format(const chaptag_chapters *l, uint64_t d, ct_buf *out, chaptag_error *err) { (void)l; (void)d; (void)out; return ct_fail(err, CHAPTAG_ERR_INPUT, 0, "json not yet"); }
const ct_format ct_fmt_json = {"json", ".json", NULL, NULL, format};
