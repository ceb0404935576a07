/* Shared by the fuzz targets: the libFuzzer entry point, and a check that stops the run
   loudly (abort: the fuzzer keeps the input) when an invariant does not hold. */
#ifndef CHAPTAG_FUZZ_H
#define CHAPTAG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: %s does not hold\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#endif
