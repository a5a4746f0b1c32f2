#include "glaneur_icu.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

// Texts are short (one field); a stack buffer covers them, longer ones go to the heap.
enum { STACK_UNITS = 512 };

// Converts UTF-8 to UTF-16 in `stack` or in a heap block the caller frees.
// Returns the UTF-16 pointer, or NULL on failure; `*units` receives the length.
static UChar *to_utf16(const char *utf8, int32_t length, UChar *stack, int32_t *units,
                       UChar **heap) {
    UErrorCode status = U_ZERO_ERROR;
    *heap = NULL;
    u_strFromUTF8(stack, STACK_UNITS, units, utf8, length, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        *heap = malloc(sizeof(UChar) * (size_t)(*units + 1));
        if (*heap == NULL) return NULL;
        status = U_ZERO_ERROR;
        u_strFromUTF8(*heap, *units + 1, units, utf8, length, &status);
        return U_FAILURE(status) ? NULL : *heap;
    }
    return U_FAILURE(status) ? NULL : stack;
}

static int32_t to_utf8(const UChar *text, int32_t units, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = 0;
    u_strToUTF8(out, capacity, &needed, text, units, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) {
        return needed;
    }
    return U_FAILURE(status) ? -1 : needed;
}

int32_t glaneur_icu_nfc(const char *utf8, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return -1;

    UChar stack[STACK_UNITS];
    UChar *heap = NULL;
    int32_t units = 0;
    const UChar *source = to_utf16(utf8, length, stack, &units, &heap);
    if (source == NULL) { free(heap); return -1; }

    // NFC may grow text a little (rare compositions exclusions); three times is ample.
    int32_t room = units * 3 + 16;
    UChar *normal = malloc(sizeof(UChar) * (size_t)room);
    if (normal == NULL) { free(heap); return -1; }
    int32_t normalUnits = unorm2_normalize(nfc, source, units, normal, room, &status);
    int32_t result = U_FAILURE(status) ? -1 : to_utf8(normal, normalUnits, out, capacity);
    free(normal);
    free(heap);
    return result;
}

// A transliterator is not safe to share between threads: each thread opens its own once.
static _Thread_local UTransliterator *latin_ascii = NULL;

int32_t glaneur_icu_latin_ascii(const char *utf8, int32_t length, char *out, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    if (latin_ascii == NULL) {
        static const char id[] = "Any-Latin; Latin-ASCII";
        UChar idUnits[sizeof id];
        u_charsToUChars(id, idUnits, (int32_t)sizeof id);
        latin_ascii = utrans_openU(idUnits, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
        if (U_FAILURE(status)) { latin_ascii = NULL; return -1; }
    }

    UChar stack[STACK_UNITS];
    UChar *heap = NULL;
    int32_t units = 0;
    const UChar *source = to_utf16(utf8, length, stack, &units, &heap);
    if (source == NULL) { free(heap); return -1; }

    // Transliteration works in place and may lengthen the text ("Œ" -> "OE", Greek and
    // Cyrillic letters to two Latin ones): leave room for four times the input.
    int32_t room = units * 4 + 16;
    UChar *buffer = malloc(sizeof(UChar) * (size_t)room);
    if (buffer == NULL) { free(heap); return -1; }
    memcpy(buffer, source, sizeof(UChar) * (size_t)units);
    int32_t textLength = units;
    int32_t limit = units;
    utrans_transUChars(latin_ascii, buffer, &textLength, room, 0, &limit, &status);
    int32_t result = U_FAILURE(status) ? -1 : to_utf8(buffer, textLength, out, capacity);
    free(buffer);
    free(heap);
    return result;
}
