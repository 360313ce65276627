"""The register of runs: an embedded SQLite database (WAL mode, parameterised SQL only).

One row per run (``runs``): enterprise, review year, run id, status, conclusion, count of
non-conformities, emission totals, the located reason of a failure, times, the run folder and
the SHA-256 of the run's manifest (so a manifest edited after the run is detected). Rows are
only ever inserted: a run is never updated once recorded. A re-execution by ``cementnb verify``
is a run of its own whose ``verifies`` names the run it checked.

Only the coordinating process writes (after each enterprise finishes); WAL mode and a busy
timeout let several ``cementnb`` processes share one register.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterator, Mapping

__all__ = ["Register", "RUN_COLUMNS", "DEFAULT_REGISTER_NAME"]

DEFAULT_REGISTER_NAME = "register.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id               TEXT PRIMARY KEY,
    enterprise_id        TEXT NOT NULL,
    review_year          INTEGER,
    status               TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'interrupted')),
    conclusion           TEXT,
    nonconforming_count  INTEGER,
    total_emission_t     REAL,
    emission_totals      TEXT,
    failure              TEXT,
    started              TEXT NOT NULL,
    ended                TEXT,
    run_dir              TEXT,
    manifest_sha256      TEXT,
    batch_id             TEXT,
    verifies             TEXT,
    identical            INTEGER
);
CREATE INDEX IF NOT EXISTS runs_by_enterprise ON runs (enterprise_id, review_year, started);
"""

#: Columns of ``runs``, in order.
RUN_COLUMNS = (
    "run_id", "enterprise_id", "review_year", "status", "conclusion", "nonconforming_count", "total_emission_t",
    "emission_totals", "failure", "started", "ended", "run_dir", "manifest_sha256", "batch_id", "verifies",
    "identical",
)


class Register:
    """``with Register(path) as reg: reg.record_run({...}); reg.runs("sample-a")``."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise FileNotFoundError(str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._conn:
            self._conn.executescript(_SCHEMA)
            self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION:d}")

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @property
    def journal_mode(self) -> str:
        return self._conn.execute("PRAGMA journal_mode").fetchone()[0]

    def record_run(self, row: Mapping[str, Any]) -> None:
        """Insert one run. ``emission_totals`` may be a mapping (stored as JSON)."""
        values = {c: row.get(c) for c in RUN_COLUMNS}
        if isinstance(values["emission_totals"], Mapping):
            values["emission_totals"] = json.dumps(values["emission_totals"], ensure_ascii=False, sort_keys=True)
        if values["identical"] is not None:
            values["identical"] = int(bool(values["identical"]))
        columns = ", ".join(RUN_COLUMNS)
        marks = ", ".join(f":{c}" for c in RUN_COLUMNS)
        with self._conn:
            self._conn.execute(f"INSERT INTO runs ({columns}) VALUES ({marks})", values)

    def _rows(self, sql: str, params: tuple) -> Iterator[dict[str, Any]]:
        for row in self._conn.execute(sql, params):
            item = dict(row)
            if item.get("emission_totals"):
                item["emission_totals"] = json.loads(item["emission_totals"])
            yield item

    def runs(self, enterprise_id: str | None = None, review_year: int | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, newest first, optionally of one enterprise and year."""
        where, params = [], []
        if enterprise_id is not None:
            where.append("enterprise_id = ?")
            params.append(enterprise_id)
        if review_year is not None:
            where.append("review_year = ?")
            params.append(review_year)
        sql = "SELECT * FROM runs" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY started DESC, run_id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return list(self._rows(sql, tuple(params)))

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        rows = list(self._rows("SELECT * FROM runs WHERE run_id = ?", (run_id,)))
        return rows[0] if rows else None

    def enterprises(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT enterprise_id FROM runs ORDER BY enterprise_id")]
