#ifndef CONVAI_CFREETDS_SHIM_H
#define CONVAI_CFREETDS_SHIM_H
// FreeTDS db-lib from Debian's freetds-dev (scripts/bootstrap installs it).
// MSDBLIB stays undefined: dbopen is then tdsdbopen(login, server, 0), and the date
// structures use the Sybase field names, which the Swift side never reads directly.
#include <sybfront.h>
#include <sybdb.h>
#include <string.h>

// db-lib's dbopen is a macro; Swift sees only functions.
static inline DBPROCESS *convai_dbopen(LOGINREC *login, const char *server) {
    return tdsdbopen(login, server, 0);
}

// DBDATETIMEALL carries its flags in bitfields; building and reading it in C keeps the
// layout the compiler's, not a guess in Swift.
static inline DBDATETIMEALL convai_datetimeall(DBINT days_since_1900, DBUBIGINT ticks_100ns, int has_time) {
    DBDATETIMEALL v;
    memset(&v, 0, sizeof v);
    v.date = days_since_1900;
    v.time = ticks_100ns;
    v.has_date = 1;
    v.has_time = has_time ? 1 : 0;
    v.time_prec = has_time ? 7 : 0;
    return v;
}

static inline int convai_datetimeall_has_time(const DBDATETIMEALL *v) { return v->has_time; }
static inline int convai_datetimeall_has_date(const DBDATETIMEALL *v) { return v->has_date; }

#endif
