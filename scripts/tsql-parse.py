"""Parses T-SQL with sqlglot (read="tsql"): each argument is a .sql file, or '-' for stdin.

A golden file holds the statement, then `-- bind:` comment lines, then optionally
`-- total:` and a second statement; each statement is parsed on its own. Prints one
line per failure and a summary; exits 1 when anything fails to parse.
"""
import sys

import sqlglot
from sqlglot.errors import ErrorLevel


def statements(text):
    kept = "\n".join(line for line in text.split("\n") if not line.startswith("-- bind:"))
    return [part for part in kept.split("-- total:\n") if part.strip()]


def main(paths):
    parsed = failed = 0
    for path in paths:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
        for sql in statements(text):
            try:
                sqlglot.parse_one(sql, read="tsql", error_level=ErrorLevel.RAISE)
                parsed += 1
            except Exception as error:  # sqlglot raises ParseError and TokenError
                failed += 1
                print(f"{path}: {str(error).splitlines()[0]}")
    print(f"parsed {parsed} statements, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
