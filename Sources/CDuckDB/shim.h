#ifndef CONVAI_CDUCKDB_SHIM_H
#define CONVAI_CDUCKDB_SHIM_H
// libduckdb 1.4.1, installed by scripts/bootstrap with a duckdb.pc for pkg-config.
#include <duckdb.h>
#endif
