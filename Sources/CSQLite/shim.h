#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot
// import; this gives it a name Swift can call.
static inline sqlite3_destructor_type glaneur_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}
