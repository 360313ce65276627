"""Problems found in a user's input, located as the user sees them, worded in Chinese.

Every check in the loader appends :class:`Problem` records to a :class:`ProblemLog`
instead of raising, so that a user sees *every* problem of a submission at once. Only
when nothing useful can be read at all (no file) does loading stop, with a
:class:`SubmissionError` whose message is the same Chinese table: no Python traceback is
shown to the user, also not in a notebook (see :meth:`SubmissionError._render_traceback_`).
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from dataclasses import asdict, dataclass, field
from typing import Iterable

import pandas as pd

__all__ = ["Problem", "ProblemLog", "SubmissionError", "ERROR", "WARNING", "nearest", "format_problems"]

ERROR = "错误"
WARNING = "警告"

PROBLEM_COLUMNS = ["severity", "file", "sheet", "row", "column", "value", "expected", "message", "code"]
PROBLEM_HEADERS_ZH = {
    "severity": "级别",
    "file": "文件",
    "sheet": "工作表",
    "row": "行",
    "column": "列",
    "value": "发现的值",
    "expected": "应为",
    "message": "说明",
    "code": "代码",
}


@dataclass(frozen=True)
class Problem:
    """One problem in a user's input.

    ``row`` is the row number as Excel shows it (the header is row 1), or the line number
    of a CSV file (header = line 1); ``None`` when the problem concerns a whole sheet or
    column.
    """

    severity: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    expected: str | None
    message: str
    code: str

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"列“{self.column}”")
        return "，".join(parts)

    def __str__(self) -> str:
        return f"[{self.severity}] {self.location()}：{self.message}"


def _show(value: object) -> str | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return "（空）"
    except (TypeError, ValueError):
        pass
    if isinstance(value, (datetime, date)):
        return pd.Timestamp(value).isoformat(sep=" ").removesuffix(" 00:00:00")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class ProblemLog:
    """Collects problems for one input file (or a set of files)."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        message: str,
        *,
        code: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
        severity: str = ERROR,
        file: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                severity=severity,
                file=file or self.file,
                sheet=sheet,
                row=None if row is None else int(row),
                column=column,
                value=_show(value),
                expected=expected,
                message=message,
                code=code,
            )
        )

    def extend(self, other: "ProblemLog | Iterable[Problem]") -> None:
        self.problems.extend(other.problems if isinstance(other, ProblemLog) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table of problems, sorted by file, sheet and row."""
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=PROBLEM_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        return frame.sort_values(["file", "sheet", "row"], na_position="first", kind="stable").reset_index(drop=True)


def nearest(name: str, candidates: Iterable[str], cutoff: float = 0.4) -> str | None:
    """The candidate closest to ``name`` (difflib ratio), or None when nothing is close."""
    matches = difflib.get_close_matches(str(name), list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """Chinese hint naming the nearest valid value, or listing the valid values."""
    candidates = list(candidates)
    best = nearest(name, candidates)
    if best is not None:
        return f"是否应为“{best}”？"
    if len(candidates) <= 12:
        return "可用值：" + "、".join(candidates) + "。"
    return ""


def format_problems(problems: Iterable[Problem]) -> str:
    """Chinese plain-text listing, one problem a line, errors first."""
    problems = sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.sheet or "", p.row or 0))
    n_err = sum(p.severity == ERROR for p in problems)
    n_warn = len(problems) - n_err
    lines = [f"发现 {n_err} 个错误、{n_warn} 个警告："]
    lines += [f"  {i}. {p}" for i, p in enumerate(problems, 1)]
    return "\n".join(lines)


class SubmissionError(Exception):
    """Input that cannot be used. Its message lists every problem found, in Chinese."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a Python traceback: the analyst sees the
        # located problems, papermill still records the cell as failed.
        return ["输入数据有误，无法继续：", *str(self).splitlines()]
