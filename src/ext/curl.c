/* Chapter pictures given as http(s) URLs, downloaded for embed --fetch-images with libcurl,
   opened with dlopen on first use: a run that fetches nothing never loads it, and chaptag
   neither links it nor builds against its headers. The few option, info and error numbers used
   are libcurl's stable ABI (include/curl/curl.h: an option is its type's base, CURLOPTTYPE_LONG
   0, _OBJECTPOINT 10000, _FUNCTIONPOINT 20000, plus its index; an info is CURLINFO_LONG
   0x200000 or CURLINFO_STRING 0x100000 plus its index), unchanged since libcurl 7.
   A download is http or https only, redirects included, follows at most 5 redirects, stops
   past 16 MiB (the limit of a local picture), connects within 10 s and ends within 60 s (the
   environment's CHAPTAG_FETCH_TIMEOUT lowers it), and must give JPEG or PNG bytes. */
#include "curl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "chapters.h"
#include "dlsyms.h"

#define MAX_REDIRECTS 5L
#define CONNECT_TIMEOUT_S 10L
#define TOTAL_TIMEOUT_S 60L

/* curl.h's numbers, under curl's names. */
enum {
    CURLOPT_TIMEOUT = 13,
    CURLOPT_FAILONERROR = 45,
    CURLOPT_FOLLOWLOCATION = 52,
    CURLOPT_MAXREDIRS = 68,
    CURLOPT_CONNECTTIMEOUT = 78,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_MAXFILESIZE = 114,
    CURLOPT_PROTOCOLS = 181,       /* deprecated by the _STR ones (7.85), still honoured */
    CURLOPT_REDIR_PROTOCOLS = 182,
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_URL = 10002,
    CURLOPT_ERRORBUFFER = 10010,
    CURLOPT_USERAGENT = 10018,
    CURLOPT_PROTOCOLS_STR = 10318, /* 7.85 on */
    CURLOPT_REDIR_PROTOCOLS_STR = 10319,
    CURLOPT_WRITEFUNCTION = 20011,
};
enum { CURLPROTO_HTTP = 1, CURLPROTO_HTTPS = 2 };
enum { CURLINFO_CONTENT_TYPE = 0x100000 + 18, CURLINFO_RESPONSE_CODE = 0x200000 + 2 };
enum {
    CURLE_OK = 0,
    CURLE_UNSUPPORTED_PROTOCOL = 1,
    CURLE_HTTP_RETURNED_ERROR = 22,
    CURLE_WRITE_ERROR = 23,
    CURLE_OPERATION_TIMEDOUT = 28,
    CURLE_TOO_MANY_REDIRECTS = 47,
    CURLE_FILESIZE_EXCEEDED = 63,
};
#define CURL_GLOBAL_ALL 3L
#define CURL_ERROR_SIZE 256

/* Filled once, under pthread_once, and only read after. */
static struct {
    void *lib;
    int (*global_init)(long);
    void *(*easy_init)(void);
    int (*setopt)(void *, int, ...);
    int (*perform)(void *);
    int (*getinfo)(void *, int, ...);
    void (*cleanup)(void *);
    const char *(*strerror)(int);
    char why[200];
} cu;
static pthread_once_t cu_once = PTHREAD_ONCE_INIT;
static atomic_bool cu_loaded; /* for ct_curl_loaded(), which must not load it */

/* Opens the library into CU.LIB; false (with CU.WHY) when it is not there. */
static bool open_library(void)
{
#ifdef __APPLE__
    /* the system's, by its whole path: a bare name is also looked for in the working folder */
    static const char *const names[] = {"/usr/lib/libcurl.4.dylib"};
#else
    static const char *const names[] = {"libcurl.so.4", "libcurl.so"};
#endif
    /* CHAPTAG_LIBCURL names the library instead (a libcurl built elsewhere) */
    const char *chosen = getenv("CHAPTAG_LIBCURL");
    for (size_t i = 0; chosen == NULL && i < sizeof names / sizeof names[0] && cu.lib == NULL;
         i++)
        cu.lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (chosen != NULL)
        cu.lib = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
    if (cu.lib == NULL) {
        snprintf(cu.why, sizeof cu.why, "libcurl is not installed (Debian: apt-get install "
                 "libcurl4; elsewhere the libcurl package)");
        return false;
    }
    return true;
}

/* Fills the table from CU.LIB; false (with CU.WHY, the library closed) when a function is
   missing. */
static bool find_functions(void)
{
    static const ct_dlsym syms[] = {
        {(void **)&cu.global_init, "curl_global_init"},
        {(void **)&cu.easy_init, "curl_easy_init"},
        {(void **)&cu.setopt, "curl_easy_setopt"},
        {(void **)&cu.perform, "curl_easy_perform"},
        {(void **)&cu.getinfo, "curl_easy_getinfo"},
        {(void **)&cu.cleanup, "curl_easy_cleanup"},
        {(void **)&cu.strerror, "curl_easy_strerror"},
    };
    const char *missing = ct_dlsyms(cu.lib, syms, sizeof syms / sizeof syms[0]);
    if (missing != NULL) {
        snprintf(cu.why, sizeof cu.why, "the installed libcurl lacks %s", missing);
        dlclose(cu.lib);
        cu.lib = NULL;
    }
    return missing == NULL;
}

static void load_once(void)
{
    if (!open_library() || !find_functions())
        return;
    /* not thread-safe, so here, once; it sets up TLS before any handle exists */
    if (cu.global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        snprintf(cu.why, sizeof cu.why, "libcurl cannot be initialised (curl_global_init)");
        dlclose(cu.lib);
        cu.lib = NULL;
        return;
    }
    atomic_store(&cu_loaded, true);
}

/* Fills the function table on first use, once per process whatever the threads. False (with
   CU.WHY) when the library is not there. */
static bool load(void)
{
    pthread_once(&cu_once, load_once);
    return cu.lib != NULL;
}

bool ct_curl_loaded(void)
{
    return atomic_load(&cu_loaded);
}

long ct_curl_timeout(void)
{
    const char *s = getenv("CHAPTAG_FETCH_TIMEOUT");
    char *end;
    long v = s != NULL ? strtol(s, &end, 10) : 0;
    return s != NULL && end != s && *end == '\0' && v >= 1 && v <= TOTAL_TIMEOUT_S
               ? v
               : TOTAL_TIMEOUT_S;
}

/* A download under way: its bytes, and whether it passed CT_PICTURE_MAX. */
typedef struct {
    ct_buf bytes;
    bool too_large;
} download;

/* libcurl's write callback: keeps the bytes; anything but N stops the transfer
   (CURLE_WRITE_ERROR), which is how a picture past CT_PICTURE_MAX is cut short. */
static size_t take_bytes(char *p, size_t size, size_t n, void *opaque)
{
    download *d = opaque;
    size_t k = size * n; /* SIZE is always 1 */
    if (k > CT_PICTURE_MAX - d->bytes.len) {
        d->too_large = true;
        return 0;
    }
    ct_buf_put(&d->bytes, p, k);
    return ct_buf_ok(&d->bytes) ? k : 0;
}

/* *OUT: a new easy handle with every option but the URL and the write target. LINE is the
   chapter that needs it, for the error when libcurl is missing. */
static chaptag_status open_handle(char *errbuf, unsigned line, void **out, chaptag_error *err)
{
    if (!load())
        return ct_fail(err, CHAPTAG_ERR_INPUT, line, "cannot fetch pictures: %s", cu.why);
    void *h = cu.easy_init();
    if (h == NULL)
        return ct_fail_nomem(err);
    long timeout = ct_curl_timeout();
    cu.setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    cu.setopt(h, CURLOPT_WRITEFUNCTION, take_bytes);
    cu.setopt(h, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM for the timeouts: a library's threads */
    cu.setopt(h, CURLOPT_FAILONERROR, 1L);
    cu.setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    cu.setopt(h, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
    cu.setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < CONNECT_TIMEOUT_S ? timeout : CONNECT_TIMEOUT_S);
    cu.setopt(h, CURLOPT_TIMEOUT, timeout);
    cu.setopt(h, CURLOPT_MAXFILESIZE, (long)CT_PICTURE_MAX); /* early, when the size is announced */
    cu.setopt(h, CURLOPT_USERAGENT, "chaptag/" CHAPTAG_VERSION_STRING);
    if (cu.setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) /* before 7.85 */
        cu.setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    if (cu.setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK)
        cu.setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    *out = h;
    return CHAPTAG_OK;
}

/* The error for download RC of the picture of CH that failed, in words. */
static chaptag_status fetch_failed(void *h, const chaptag_chapter *ch, int rc,
                                   const download *d, const char *errbuf, chaptag_error *err)
{
    const char *url = ch->image;
    long status = 0;
    if (d->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: it "
                       "is larger than %u MiB", url, CT_PICTURE_MAX >> 20);
    if (rc == CURLE_WRITE_ERROR)
        return ct_fail_nomem(err);
    if (rc == CURLE_TOO_MANY_REDIRECTS)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: "
                       "more than %ld redirects", url, MAX_REDIRECTS);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: "
                       "timed out (%s)", url, errbuf);
    if (rc == CURLE_HTTP_RETURNED_ERROR && cu.getinfo(h, CURLINFO_RESPONSE_CODE, &status) == 0)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: "
                       "the server answered HTTP %ld", url, status);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL)
        return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: a "
                       "redirect leads elsewhere than http or https", url);
    return ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: %s", url,
                   errbuf[0] != '\0' ? errbuf : cu.strerror(rc));
}

/* Downloads the picture of chapter INDEX with handle H and gives the chapter its bytes;
   *TOTAL counts the bytes of the list's pictures. */
static chaptag_status fetch_picture(void *h, char *errbuf, chaptag_chapters *list, size_t index,
                                    uint64_t *total, chaptag_error *err)
{
    const chaptag_chapter *ch = chaptag_chapters_get(list, index);
    download d = {CT_BUF_INIT, false};
    errbuf[0] = '\0';
    cu.setopt(h, CURLOPT_URL, ch->image);
    cu.setopt(h, CURLOPT_WRITEDATA, &d);
    int rc = cu.perform(h);
    long status = 0;
    const char *type = NULL;
    cu.getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    cu.getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    const char *mime = ct_image_mime(d.bytes.data, d.bytes.len);
    chaptag_status st = CHAPTAG_OK;
    *total += d.bytes.len;
    if (rc != CURLE_OK)
        st = fetch_failed(h, ch, rc, &d, errbuf, err);
    else if (status >= 300) /* a redirect without a Location */
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "cannot fetch the picture %.120s: the "
                     "server answered HTTP %ld", ch->image, status);
    else if (mime == NULL)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the picture %.120s is neither JPEG nor "
                     "PNG (the server calls it %.40s)", ch->image, type ? type : "nothing");
    else if (*total > CT_PICTURES_TOTAL_MAX)
        st = ct_fail(err, CHAPTAG_ERR_INPUT, ch->line, "the pictures of the list pass %u MiB, "
                     "more than an ID3v2 tag can hold", CT_PICTURES_TOTAL_MAX >> 20);
    if (st == CHAPTAG_OK) {
        size_t len;
        uint8_t *data = ct_buf_take(&d.bytes, &len);
        if (data == NULL || !ct_chapters_set_image(list, index, data, len, mime))
            st = ct_fail_nomem(err); /* set_image frees DATA when it fails */
    }
    ct_buf_free(&d.bytes);
    return st;
}

/* True when S is an http or https address. */
static bool web_address(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

chaptag_status chaptag_chapters_fetch_images(chaptag_chapters *list, chaptag_error *err)
{
    uint64_t total = 0;
    for (size_t i = 0; i < chaptag_chapters_count(list); i++)
        total += chaptag_chapters_get(list, i)->image_len;
    void *h = NULL;
    char errbuf[CURL_ERROR_SIZE];
    chaptag_status st = CHAPTAG_OK;
    for (size_t i = 0; i < chaptag_chapters_count(list) && st == CHAPTAG_OK; i++) {
        const chaptag_chapter *ch = chaptag_chapters_get(list, i);
        if (chaptag_chapter_image_kind(ch) != CHAPTAG_IMAGE_LINK || !web_address(ch->image))
            continue;
        if (h == NULL)
            st = open_handle(errbuf, ch->line, &h, err);
        if (st == CHAPTAG_OK)
            st = fetch_picture(h, errbuf, list, i, &total, err);
    }
    if (h != NULL)
        cu.cleanup(h);
    return st;
}
