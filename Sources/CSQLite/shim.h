#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot
// import; this gives it a name Swift can call.
static inline sqlite3_destructor_type glaneur_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// SQLite counts every allocation under one process-wide mutex unless told not to, before
// its first use; Glaneur reads no memory statistics. sqlite3_config is variadic, which
// Swift cannot call. Returns SQLITE_MISUSE when SQLite was already initialised.
static inline int glaneur_sqlite_skip_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
