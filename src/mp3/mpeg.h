/* MPEG audio (MP3) streams: frame headers, the first frame after the tags, Xing/Info, LAME and
   VBRI headers, trailing tags (APEv2, Lyrics3, ID3v1), and the duration without decoding. */
#ifndef CHAPTAG_MPEG_H
#define CHAPTAG_MPEG_H

#include <stdbool.h>
#include <stdint.h>

#include "fileio.h"

/* One frame header, decoded. */
typedef struct {
    unsigned version;      /* 10 = MPEG-1, 20 = MPEG-2, 25 = MPEG-2.5 */
    unsigned layer;        /* 1, 2 or 3 */
    unsigned bitrate_kbps; /* 0: free format */
    unsigned sample_rate;  /* Hz */
    unsigned channels;     /* 1 or 2 */
    unsigned samples;      /* samples per frame */
    unsigned length;       /* bytes of the whole frame; 0 for free format */
    bool crc;              /* a 16-bit CRC follows the header */
} ct_mpeg_frame;

/* Decodes the 4 header bytes at P; false when they are not a valid frame header (sync, no
   reserved version, layer, bitrate or sample rate). */
bool ct_mpeg_header_parse(const uint8_t p[4], ct_mpeg_frame *out);

typedef enum {
    CT_MPEG_VBR_NONE,
    CT_MPEG_VBR_XING, /* "Xing" */
    CT_MPEG_VBR_INFO, /* "Info": Xing layout written for CBR */
    CT_MPEG_VBR_VBRI
} ct_mpeg_vbr;

/* A Xing/Info or VBRI header found in a first frame. */
typedef struct {
    ct_mpeg_vbr kind;
    bool has_frames;
    uint32_t frames;     /* audio frames, the header's own frame excluded */
    bool has_bytes;
    uint32_t bytes;
    bool has_lame;       /* a LAME/Lavf/Lavc extension with trusted delay and padding */
    char encoder[10];    /* "LAME3.100", "Lavf59.27", NUL-terminated; "" if none */
    unsigned delay;      /* encoder delay, samples */
    unsigned padding;    /* end padding, samples */
} ct_mpeg_vbr_info;

/* Looks for a Xing/Info/VBRI header in the LEN bytes of the frame at P (decoded as FR);
   false when there is none. */
bool ct_mpeg_vbr_parse(const uint8_t *p, size_t len, const ct_mpeg_frame *fr,
                       ct_mpeg_vbr_info *out);

/* The stream of an MP3 file. */
typedef struct {
    uint64_t first_frame;   /* offset of the first frame (the Xing/Info/VBRI frame if any) */
    uint64_t audio_end;     /* offset where trailing tags begin, or the file size */
    ct_mpeg_frame frame;    /* the first frame */
    ct_mpeg_vbr_info vbr;   /* kind CT_MPEG_VBR_NONE when there is no such header */
    uint64_t frames;        /* audio frames counted or read from the header */
    uint64_t duration_ms;   /* playing time, encoder delay and padding removed when known */
    const char *duration_source; /* "Xing header", "Info header", "VBRI header", "frame scan" */
} ct_mpeg_info;

/* Whether frames A and B belong to one stream: the same version, layer and sample rate
   (FFmpeg's SAME_HEADER_MASK). */
bool ct_mpeg_same_stream(const ct_mpeg_frame *a, const ct_mpeg_frame *b);

/* The bytes of the ID3v2 tags at the start of F, one after another, in *TOTAL (0: none). A
   tag there that claims more than the file holds is not counted: its claim is in *OVER (else
   0), for the caller to refuse or to leave to the stream search. */
chaptag_status ct_mpeg_tags_extent(ct_file *f, uint64_t *total, uint64_t *over,
                                   chaptag_error *err);

/* Offset where the trailing tags (APEv2, Lyrics3v2, ID3v1, in any of their orders) of F
   begin, searching back from the end but not before AUDIO_START; the file size when there
   are none. */
chaptag_status ct_mpeg_audio_end(ct_file *f, uint64_t audio_start, uint64_t *end,
                                 chaptag_error *err);

/* Whether an MPEG audio stream starts within MAX bytes of FROM in F: a valid frame header
   followed by a frame of the same stream (or holding a Xing/Info/VBRI header), as
   ct_mpeg_probe() finds it. False too when F cannot be read or memory runs out. */
bool ct_mpeg_sniff(ct_file *f, uint64_t from, uint64_t max);

/* Finds the first frame at or after AUDIO_START (validated by the frame that follows it,
   searching at most 1 MiB), reads its VBR header and measures the duration: from the
   Xing/Info frame count (gapless, LAME delay and padding removed) or VBRI, else by walking
   every frame header to the audio end in large blocks. CHAPTAG_ERR_AUDIO when there are no
   MPEG frames. */
chaptag_status ct_mpeg_probe(ct_file *f, uint64_t audio_start, ct_mpeg_info *out,
                             chaptag_error *err);

/* As ct_mpeg_probe() without the scan, for readers that only need the stream's start: when the
   VBR header's count cannot be believed (or there is none), FRAMES and DURATION_MS are 0 and
   DURATION_SOURCE is NULL, and nothing past the first frames has been read. */
chaptag_status ct_mpeg_locate(ct_file *f, uint64_t audio_start, ct_mpeg_info *out,
                              chaptag_error *err);

#endif
