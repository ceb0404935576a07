/* A stand-in for libavcodec of major version CT_STUB_MAJOR, for the test of chaptag's version
   check (tests/unit/ext/test_avcodec.c). It exports avcodec_version() alone: all chaptag may
   call before it knows that the library is the major it was built for. */
unsigned avcodec_version(void);

unsigned avcodec_version(void)
{
    return (unsigned)CT_STUB_MAJOR << 16 | 37u << 8 | 100u; /* as FFmpeg's AV_VERSION_INT */
}
