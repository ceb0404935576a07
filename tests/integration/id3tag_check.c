/* An independent reader for the integration tests: parses the ID3v2 tag of a file with
   libid3tag and prints one line per frame ("CHAP 42 bytes"), then "frames N". Exit 1 when
   libid3tag finds no tag or cannot parse it. */
#include <id3tag.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: id3tag_check FILE\n");
        return 2;
    }
    struct id3_file *file = id3_file_open(argv[1], ID3_FILE_MODE_READONLY);
    if (file == NULL) {
        fprintf(stderr, "id3tag_check: libid3tag cannot open %s\n", argv[1]);
        return 1;
    }
    struct id3_tag *tag = id3_file_tag(file);
    if (tag == NULL || tag->nframes == 0) {
        fprintf(stderr, "id3tag_check: libid3tag finds no frames in %s\n", argv[1]);
        id3_file_close(file);
        return 1;
    }
    for (unsigned i = 0; i < tag->nframes; i++) {
        const struct id3_frame *fr = tag->frames[i];
        id3_length_t len = 0;
        /* frames libid3tag does not know (CHAP, CTOC) keep their raw body in one field */
        if (fr->nfields > 0 && fr->fields[0].type == ID3_FIELD_TYPE_BINARYDATA)
            id3_field_getbinarydata(&fr->fields[0], &len);
        printf("%s %lu\n", fr->id, (unsigned long)len);
    }
    printf("frames %u\n", tag->nframes);
    id3_file_close(file);
    return 0;
}
