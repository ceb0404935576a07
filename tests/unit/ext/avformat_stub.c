/* A stand-in for libavformat of major version CT_STUB_MAJOR, for the tests of chaptag's
   version check (tests/unit/ext/test_avformat.c, tests/integration/optional_parts.py). It
   exports avformat_version() alone: all chaptag may call before it knows that the library is
   the major it was built for. */
unsigned avformat_version(void);

unsigned avformat_version(void)
{
    return (unsigned)CT_STUB_MAJOR << 16 | 76u << 8 | 100u; /* as FFmpeg's AV_VERSION_INT */
}
