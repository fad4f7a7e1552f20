"""Do two ingests of one corpus hold the same data? A digest per table of two archive databases.

Why: a change that should only make ingest faster (e.g. `bench/prepare.py`'s parts) must leave
every stored row as it was. Run `bench/ingest.py` with each code version (two worktrees), then:

    python bench/compare_archives.py <tree A>/bench/out/data-10k/archive.db <tree B>/bench/out/data-10k/archive.db

Rows are compared in sorted order, without `ingested_at` (the time of the run) and without the
autoincrement ids of mention rows; SQLite only.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys


def digest(path: str) -> dict[str, tuple[int, str]]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'alembic%' AND name NOT LIKE 'sqlite%' ORDER BY name")]
    for table in tables:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                if r[1] != "ingested_at" and not (r[1] == "id" and table != "reports")]
        h = hashlib.sha256()
        n = 0
        for row in con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {', '.join(cols)}"):
            h.update(repr(row).encode())
            n += 1
        out[table] = (n, h.hexdigest()[:16])
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    a, b = digest(argv[0]), digest(argv[1])
    same = True
    for table in sorted(set(a) | set(b)):
        ok = a.get(table) == b.get(table)
        same &= ok
        print(f"{table:20s} {a.get(table)!s:32s} {b.get(table)!s:32s} {'same' if ok else 'DIFFERENT'}")
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
