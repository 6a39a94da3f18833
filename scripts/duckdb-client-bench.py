"""Times SQL statements with DuckDB's own Python client, as the baseline for convai's driver.

Usage: duckdb-client-bench.py DATABASE_FILE STATEMENTS_JSON REPEAT
STATEMENTS_JSON is a JSON list of SQL strings. Each statement runs once to warm up, then
REPEAT times, fetching every row; prints a JSON list of median milliseconds, one per
statement.
"""
import json
import statistics
import sys
import time

import duckdb


def main(path, statements_file, repeat):
    with open(statements_file, encoding="utf-8") as handle:
        statements = json.load(handle)
    connection = duckdb.connect(path, read_only=True)
    medians = []
    for sql in statements:
        connection.execute(sql).fetchall()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            connection.execute(sql).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        medians.append(statistics.median(times))
    connection.close()
    print(json.dumps(medians))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
