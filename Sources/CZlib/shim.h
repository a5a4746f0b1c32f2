#ifndef GLANEUR_CZLIB_SHIM_H
#define GLANEUR_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro that passes the library's version and the stream's size;
/// Swift cannot call macros, so this wraps it. A negative `windowBits` asks for raw
/// deflate data with no zlib header, which is how ZIP archives store their entries.
static inline int glaneur_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

/// The counterpart of `glaneur_inflate_init_raw`, for writers of ZIP archives (the tests
/// build their fixtures with it).
static inline int glaneur_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

#endif
