/* The size in pixels of a JPEG or PNG picture, read from its header: what verify checks chapter
   pictures against (players show square pictures of at most 3000 px). */
#ifndef CHAPTAG_PICTURE_H
#define CHAPTAG_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the width and height of the N-byte JPEG (its first SOF marker) or PNG (IHDR) at P into
   *W and *H. False when the bytes are neither or the header is cut or damaged. */
bool ct_picture_size(const unsigned char *p, size_t n, unsigned *w, unsigned *h);

#endif
