// Plain-C access to the system ICU for the normalisation stage.
//
// Only standard C types appear here: the ICU headers are included by the .c file alone,
// because Foundation carries a private ICU whose declarations clash with the system's
// when both reach one Swift module.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the NFC form of `length` bytes of UTF-8 into `out` (not NUL-terminated).
/// Returns the number of bytes the result needs, which may exceed `capacity` (call again
/// with a larger buffer), or -1 if the input is not valid UTF-8 or ICU fails.
int32_t glaneur_icu_nfc(const char *utf8, int32_t length, char *out, int32_t capacity);

/// Transliterates UTF-8 text to Latin script and then to ASCII ("Any-Latin; Latin-ASCII"):
/// "Œufs" gives "OEufs", "Ζαγορά" gives "Zagora". Same return convention as
/// glaneur_icu_nfc. Each thread keeps its own transliterator.
int32_t glaneur_icu_latin_ascii(const char *utf8, int32_t length, char *out, int32_t capacity);

#ifdef __cplusplus
}
#endif
