"""Command line: ``cementnb <command>`` (help in Chinese and English).

Commands
--------
template OUT.xlsx        write the submission template for enterprises
check FOLDER             load a submission and list every problem (exit 1 on errors)
samples DIR              (re)generate the sample enterprises and their parameter files
review PARAMS.yaml       review one enterprise: every notebook, recorded run
batch PARAMS_DIR|GLOB    review every enterprise in parallel (progress bars, summary table)
history [ENTERPRISE]     list the runs in the register
verify RUN               re-execute a recorded run and compare every result

To add a command, write ``_cmd_<name>(args) -> int`` and register it in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import glob
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["main", "build_parser"]

KERNEL_NAME = "cementnb"

STATUS_ZH = {"ok": "完成", "failed": "失败", "interrupted": "中断"}


class UserError(Exception):
    """Bad input from the user: printed as a message, never as a traceback."""


# --------------------------------------------------------------------------------------------
# Text tables with Chinese characters (two columns wide in a terminal)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out, used = [], 0
    for c in text:
        w = _width(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = (),
           max_last: int = 70) -> str:
    rows = [list(r[:-1]) + [_clip(r[-1], max_last)] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i], i in right) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i], i in right) for i, c in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines)


def _tonnes(value: Any) -> str:
    return f"{value:,.1f}" if isinstance(value, (int, float)) else "—"


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _oneline(text: str) -> str:
    from .runner import one_line

    return one_line(text)


# --------------------------------------------------------------------------------------------
# Existing commands


def _cmd_template(args) -> int:
    from .template import write_template

    path = write_template(args.out)
    print(f"已写出报送模板 / template written: {path}")
    return 0


def _cmd_check(args) -> int:
    from .loader import load_submission
    from .problems import Problem, SubmissionError, format_problems

    try:
        sub = load_submission(args.folder, args.year)
    except SubmissionError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    problems = [Problem(**{k: (None if v != v or v is None else v) for k, v in row.items()})
                for row in sub.problems.astype(object).to_dict("records")]
    if not problems:
        print("未发现问题 / no problems found.")
        return 0
    print(format_problems(problems))
    return 1 if any(p.severity == "错误" for p in problems) else 0


def _cmd_samples(args) -> int:
    from .samples import generate_samples

    folders = generate_samples(args.dir, args.parameters, extra=args.extra)
    print(f"已生成 {len(folders)} 个样例企业 / {len(folders)} sample enterprises written to {args.dir}")
    return 0


# --------------------------------------------------------------------------------------------
# Progress


def _progress(args, single: bool = False):
    from .runner import BatchProgress

    if getattr(args, "no_progress", False):
        return BatchProgress()
    if sys.stderr.isatty():
        return _Bars(sys.stderr)
    return _Lines(sys.stdout, quiet=single)


class _Lines:
    """Without a terminal: one line per finished enterprise."""

    def __init__(self, stream, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet
        self.total = 0
        self.done = 0

    def batch_started(self, reviews):
        self.total = len(reviews)

    def notebook_started(self, index, notebook):
        pass

    def notebook_finished(self, index, notebook, status):
        pass

    def enterprise_finished(self, row):
        self.done += 1
        if self.quiet:
            return
        detail = _oneline(row["failure"]) if row["status"] != "ok" else f"排放总量 {_tonnes(row['total_t'])} tCO2"
        print(f"[{self.done}/{self.total}] {STATUS_ZH.get(row['status'], row['status'])} {row['enterprise_id']}："
              f"{_clip(detail, 100)}", file=self.stream, flush=True)

    def close(self):
        pass


class _Bars:
    """tqdm bars: one for the whole batch, one per enterprise being reviewed (by notebook)."""

    def __init__(self, stream):
        self.stream = stream
        self.overall = None
        self.bars: dict[int, Any] = {}
        self.running: dict[int, list[str]] = {}
        self.reviews: dict[int, Mapping[str, Any]] = {}

    def batch_started(self, reviews):
        from tqdm import tqdm

        self.reviews = {r["index"]: r for r in reviews}
        self.overall = tqdm(total=len(reviews), desc="全部企业", unit="家", file=self.stream, position=0,
                            dynamic_ncols=True, leave=True)

    def _bar(self, index):
        from tqdm import tqdm

        if index not in self.bars:
            info = self.reviews[index]
            self.bars[index] = tqdm(total=len(info["notebooks"]), desc=f"  {info['enterprise_id']}", unit="本",
                                    file=self.stream, dynamic_ncols=True, leave=False)
            self.running[index] = []
        return self.bars[index]

    def notebook_started(self, index, notebook):
        bar = self._bar(index)
        self.running[index].append(notebook)
        bar.set_postfix_str("运行 " + "、".join(self.running[index]), refresh=True)

    def notebook_finished(self, index, notebook, status):
        bar = self._bar(index)
        if notebook in self.running[index]:
            self.running[index].remove(notebook)
        bar.update(1)
        bar.set_postfix_str(("运行 " + "、".join(self.running[index])) if self.running[index] else "", refresh=True)

    def enterprise_finished(self, row):
        bar = self.bars.pop(row["index"], None)
        if bar is not None:
            bar.close()
        if row["status"] != "ok" and self.overall is not None:
            self.overall.write(f"失败 {row['enterprise_id']}：{_clip(_oneline(row['failure'] or ''), 100)}",
                               file=self.stream)
        if self.overall is not None:
            self.overall.update(1)

    def close(self):
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        if self.overall is not None:
            self.overall.close()


# --------------------------------------------------------------------------------------------
# review / batch


def _param_files(target: str) -> list[Path]:
    path = Path(target)
    if path.is_dir():
        return sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    if path.is_file():
        return [path]
    return sorted(Path(p) for p in glob.glob(target))


def _run_options(args) -> dict[str, Any]:
    return dict(reports_dir=args.reports, register=args.register, jobs=args.jobs, scheduler=args.scheduler,
                timeout=args.timeout, html=not args.no_html, kernel_template=not args.plain_kernels,
                pdf=getattr(args, "pdf", False))


def _print_summary(rows: Sequence[Mapping[str, Any]], reports: Path | None) -> None:
    table = [[r["enterprise_id"], _text(r.get("review_year")), STATUS_ZH.get(r["status"], r["status"]),
              _text(r.get("conclusion")), _text(r.get("nonconforming_count")), _tonnes(r.get("total_t")),
              _oneline(r.get("failure") or r.get("message") or "")] for r in rows]
    print()
    print(_table(["企业", "年度", "状态", "结论", "不符合项", "排放总量 (tCO2)", "说明 / 失败原因"], table, right=(4, 5)))
    failed = [r for r in rows if r["status"] != "ok"]
    if failed:
        print("\n失败原因：")
        for r in failed:
            where = f"（运行记录 {r['out_dir']}）" if r.get("out_dir") else ""
            print(f"  {r['enterprise_id']}：{_oneline(r.get('failure') or '')}{where}")
    problems = [r["register_error"] for r in rows if r.get("register_error")]
    for text in dict.fromkeys(problems):
        print(f"\n警告：{text}", file=sys.stderr)
    print(f"\n共 {len(rows)} 家企业，{len(rows) - len(failed)} 家完成，{len(failed)} 家失败。")
    if reports is not None:
        print(f"运行记录：{reports}/<企业>/<年度>/<运行编号>/（latest 指向最新一次）")


def _reports_path(args) -> Path:
    from .params import project_root

    return Path(args.reports).resolve() if args.reports else project_root() / "reports"


def _cmd_batch(args) -> int:
    from .runner import run_batch

    files = _param_files(args.params)
    if not files:
        raise UserError(f"没有找到参数文件 / no parameter files: {args.params}")
    rows = run_batch(files, progress=_progress(args), **_run_options(args))
    _print_summary(rows, _reports_path(args))
    return 1 if any(r["status"] != "ok" for r in rows) else 0


def _cmd_review(args) -> int:
    from .runner import run_enterprise

    path = Path(args.params)
    if path.is_dir():
        raise UserError(f"{path} 是目录：review 只审查一家企业，请给出一个参数文件（多家企业请用 cementnb batch）")
    if not path.is_file():
        raise UserError(f"找不到参数文件 / parameter file not found: {path}")
    row = run_enterprise(path, progress=_progress(args, single=True), **_run_options(args))
    print()
    print(f"企业：{row['enterprise_id']}    审查年度：{_text(row.get('review_year'))}    "
          f"状态：{STATUS_ZH.get(row['status'], row['status'])}")
    print(f"结论：{_text(row.get('conclusion'))}    不符合项：{_text(row.get('nonconforming_count'))}    "
          f"排放总量：{_tonnes(row.get('total_t'))} tCO2")
    if row.get("notebooks"):
        print()
        print(_table(["笔记本", "状态", "用时 (s)", "说明"],
                     [[name, STATUS_ZH.get(st["status"], st["status"]),
                       f"{st['seconds']:.1f}" if isinstance(st.get("seconds"), (int, float)) else "—",
                       _oneline(st.get("message") or "")] for name, st in row["notebooks"].items()],
                     right=(2,), max_last=90))
    if row["status"] != "ok":
        print(f"\n失败原因：{_oneline(row.get('failure') or '')}")
    elif row.get("message"):
        print(f"\n{row['message']}")
    if row.get("register_error"):
        print(f"\n警告：{row['register_error']}", file=sys.stderr)
    if row.get("out_dir"):
        print(f"运行记录：{row['out_dir']}")
    return 0 if row["status"] == "ok" else 1


def _cmd_record(args) -> int:
    from .params import load_parameters_file, resolve_path
    from .review.record import write_record_for

    path = Path(args.params)
    if not path.is_file():
        raise UserError(f"找不到参数文件 / parameter file not found: {path}")
    values = load_parameters_file(path)
    try:
        out = write_record_for(resolve_path(values["enterprise_dir"]), values["review_year"], values["review_date"],
                               out=args.out)
    except FileExistsError as exc:
        raise UserError(str(exc)) from None
    print(f"已写出预填的审查记录 / record written: {out}")
    return 0


def _cmd_report(args) -> int:
    from .report import build_index, render_html, render_pdf
    from .runner import find_run

    try:
        run = find_run(args.run, _reports_path(args))
    except Exception as exc:  # noqa: BLE001 - a located message, no traceback
        raise UserError(f"找不到运行记录 / run not found: {args.run}（{exc}）") from None
    notebook = run / "report.ipynb"
    if not notebook.is_file():
        raise UserError(f"{run} 中没有执行后的 report.ipynb：请先用 cementnb review 或 batch 运行 / no executed report.ipynb")
    html = render_html(notebook)
    print(f"HTML：{html}")
    if args.pdf:
        try:
            print(f"PDF：{render_pdf(html)}")
        except RuntimeError as exc:
            raise UserError(str(exc)) from None
    print(f"总览：{build_index(run.parent.parent.parent)}")
    return 0


# --------------------------------------------------------------------------------------------
# history / verify


def _register_path(args) -> Path:
    from .register import DEFAULT_REGISTER_NAME

    return Path(args.register).resolve() if args.register else _reports_path(args) / DEFAULT_REGISTER_NAME


def _local_time(stamp: str | None) -> str:
    if not stamp:
        return "—"
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def _cmd_history(args) -> int:
    from .register import Register

    path = _register_path(args)
    if not path.is_file():
        raise UserError(f"找不到登记库 / register not found: {path}（先运行 cementnb batch 或 cementnb review）")
    import sqlite3

    try:
        with Register(path) as register:
            rows = register.runs(args.enterprise, args.year, args.limit)
            known = register.enterprises()
    except sqlite3.Error as exc:
        raise UserError(f"无法读取登记库 / cannot read the register {path}：{exc}") from None
    if not rows:
        if args.enterprise and args.enterprise not in known:
            from .problems import nearest

            hint = nearest(args.enterprise, known)
            raise UserError(f"登记库中没有企业“{args.enterprise}”的运行记录" + (f"，是否应为“{hint}”？" if hint else ""))
        print("登记库中没有符合条件的运行记录。")
        return 0
    table = []
    for r in rows:
        if r.get("verifies"):
            note = f"复核 {r['verifies']}：" + ({1: "结果一致", 0: "结果不一致"}.get(r.get("identical"), "未比较"))
        else:
            note = _oneline(r.get("failure") or "")
        table.append([r["run_id"], r["enterprise_id"], _text(r.get("review_year")), STATUS_ZH.get(r["status"], r["status"]),
                      _text(r.get("conclusion")), _text(r.get("nonconforming_count")), _tonnes(r.get("total_emission_t")),
                      _local_time(r.get("started")), (r.get("manifest_sha256") or "—")[:12], note])
    print(_table(["运行编号", "企业", "年度", "状态", "结论", "不符合项", "排放总量 (tCO2)", "开始时间", "清单 SHA-256", "备注"],
                 table, right=(5, 6), max_last=60))
    print(f"\n共 {len(rows)} 次运行（登记库 {path}）。")
    return 0


def _cmd_verify(args) -> int:
    from .runner import verify_run

    report = verify_run(args.run, reports_dir=args.reports, register=args.register, jobs=args.jobs,
                        scheduler=args.scheduler, timeout=args.timeout, progress=_progress(args, single=True),
                        kernel_template=not args.plain_kernels)
    print(f"复核运行 {report['run_id']}（{report['enterprise_id']}，{_text(report['review_year'])} 年度）：{report['run_dir']}")
    for text in report["warnings"]:
        print(f"提示：{text}")
    for text in report["record"]:
        print(f"记录异常：{text}")
    if report["status"] == "inputs_changed":
        print("\n以下输入文件与运行清单记录的 SHA-256 不一致，未重新执行：")
        for item in report["inputs"]:
            detail = (f"清单 {item['expected'][:12]}…，现为 {item['found'][:12]}…" if item["found"]
                      else f"清单 {item['expected'][:12]}…")
            print(f"  {item['path']}：{item['problem']}（{detail}）")
        print("\n结论：输入已改变，无法复核。")
        return 1
    new = report["new_run"]
    n_results = len(new.get("results") or {})
    print(f"输入文件 SHA-256 全部一致；已重新执行，新运行记录：{new['out_dir']}")
    if new["status"] != "ok":
        print(f"重新执行失败：{_oneline(new.get('failure') or '')}")
    comparison = report["comparison"]
    if report["status"] == "identical" and not report["record"]:
        print(f"\n结论：全部 {n_results} 个结果文件逐字节一致。")
        return 0
    if report["status"] == "identical":
        print(f"\n结论：重新执行的 {n_results} 个结果文件与清单一致，但运行记录本身有异常（见上）。")
        return 1
    print("\n以下结果文件不一致：")
    for key, label in (("different", "内容不同"), ("missing", "重新执行时没有生成"), ("extra", "原运行没有此文件")):
        for name in comparison[key]:
            print(f"  {name}：{label}")
    print("\n结论：结果不一致。")
    return 1


# --------------------------------------------------------------------------------------------
# Parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数 / must be a positive integer: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正数 / must be a positive number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"应为正数 / must be a positive number: {text!r}")
    return value


def _add_location_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reports", default=None, metavar="DIR",
                   help="运行记录目录（默认：项目的 reports/）/ folder of run records (default: the project's reports/)")
    p.add_argument("--register", default=None, metavar="FILE",
                   help="登记库（默认：<reports>/register.sqlite）/ the SQLite register (default: <reports>/register.sqlite)")


def _add_run_options(p: argparse.ArgumentParser, verify: bool = False) -> None:
    from .runner import DEFAULT_TIMEOUT, default_jobs

    _add_location_options(p)
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                   help=f"同时执行的笔记本数（默认：可用核数，本机 {default_jobs()}）/ notebooks at once (default: cores available)")
    if verify:
        p.add_argument("--timeout", type=_positive_float, default=None, metavar="SEC",
                       help="每个笔记本的时限（默认：原运行的时限）/ hard limit per notebook (default: the run's own)")
    else:
        p.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT, metavar="SEC",
                       help=f"每个笔记本的时限，超时终止内核（默认 {DEFAULT_TIMEOUT} 秒）/ hard limit per notebook in seconds")
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="在已有的 Dask 集群上执行（工作节点需安装本包并以相同路径访问项目和输入）"
                        " / run on an existing Dask distributed cluster (workers need the package and shared paths)")
    p.add_argument("--plain-kernels", action="store_true",
                   help="每个内核都作为新的 Python 进程启动，不从预先导入了库的内核模板派生（较慢）"
                        " / start every kernel as a new Python process instead of forking it from the template (slower)")
    if not verify:
        p.add_argument("--no-html", action="store_true", help="不生成HTML / skip the HTML rendering")
        p.add_argument("--pdf", action="store_true",
                       help="同时生成PDF审查报告并更新 reports/index.html（需要 Chromium）"
                            " / also print the review report to PDF and rebuild reports/index.html (needs Chromium)")
    p.add_argument("--no-progress", action="store_true", help="不显示进度 / no progress bars")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cementnb",
        description="水泥企业碳排放计量审查工具 / carbon-emission metrology review of cement enterprises",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令/command")

    p = sub.add_parser("template", help="生成企业报送模板 (.xlsx) / write the submission template")
    p.add_argument("out", help="输出文件，如 报送模板.xlsx / output .xlsx")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("check", help="检查企业报送数据并列出所有问题 / validate a submission")
    p.add_argument("folder", help="企业审查文件夹或 submission.xlsx / review folder or workbook")
    p.add_argument("--year", type=int, default=None, help="审查年度 / review year")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("samples", help="生成样例企业 / generate the sample enterprises")
    p.add_argument("dir", help="样例目录，如 data/samples / output folder")
    p.add_argument("--parameters", default=None, help="同时写出参数文件的目录，如 parameters / also write parameter YAMLs here")
    p.add_argument("--extra", type=int, default=0, help="额外生成的合成企业数 / number of extra synthetic enterprises")
    p.set_defaults(func=_cmd_samples)

    p = sub.add_parser(
        "review", help="审查一家企业：执行全部笔记本并记录本次运行 / review one enterprise (all notebooks, recorded run)",
        description="审查一家企业：各审查区域笔记本和排放量复核笔记本，然后是结论笔记本；运行记录写入 "
                    "reports/<企业>/<年度>/<运行编号>/ / review one enterprise: every notebook, then the conclusion; "
                    "the run is recorded in reports/<enterprise>/<year>/<run-id>/")
    p.add_argument("params", help="企业的参数文件，如 parameters/sample-a.yaml / the enterprise's parameter file")
    _add_run_options(p)
    p.set_defaults(func=_cmd_review)

    p = sub.add_parser(
        "batch", help="并行审查每家企业，显示进度和汇总表 / review every enterprise in parallel, with a summary",
        description="并行审查每家企业（每个笔记本一个新内核），显示进度条，最后给出汇总表；任一企业失败时退出码非零 / "
                    "review every enterprise in parallel (a fresh kernel per notebook) with progress bars and a "
                    "summary table; exit code 1 if any enterprise failed")
    p.add_argument("params", help="参数文件目录或通配符，如 parameters/ / parameter folder or glob")
    _add_run_options(p)
    p.set_defaults(func=_cmd_batch)

    p = sub.add_parser("history", help="列出登记库中的运行记录 / list the runs in the register",
                       description="列出登记库中的运行记录（最新的在前）/ list the register's runs, newest first")
    p.add_argument("enterprise", nargs="?", default=None, help="企业标识，如 sample-a（默认：全部）/ enterprise id (default: all)")
    p.add_argument("--year", type=int, default=None, help="审查年度 / review year")
    p.add_argument("--limit", type=_positive_int, default=None, help="最多列出的条数 / at most this many runs")
    _add_location_options(p)
    p.set_defaults(func=_cmd_history)

    p = sub.add_parser(
        "verify", help="按运行清单重新执行并逐一比较结果 / re-execute a run from its manifest and compare results",
        description="先核对运行清单中每个输入文件的 SHA-256，再按清单重新执行，逐一比较结果文件；"
                    "一致时退出码为 0 / check the inputs' SHA-256 against the manifest, re-execute the run, compare "
                    "every result file; exit code 0 when identical")
    p.add_argument("run", help="运行目录、latest 链接或运行编号 / run folder, its latest link, or run id")
    _add_run_options(p, verify=True)
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("record", help="生成预填的审查记录 record.xlsx / write the pre-filled analyst record",
                       description="运行各审查区域的自动检查，生成预填自动结论和依据的 record.xlsx，供审查员填写；"
                                   "已存在的审查记录不会被覆盖 / run every automatic check and write record.xlsx pre-filled "
                                   "with the automatic verdicts and their evidence; an existing record is never overwritten")
    p.add_argument("params", help="企业的参数文件，如 parameters/sample-a.yaml / the enterprise's parameter file")
    p.add_argument("--out", default=None, help="输出文件（默认：企业文件夹中的 record.xlsx）/ output file "
                                               "(default: record.xlsx in the enterprise folder)")
    p.set_defaults(func=_cmd_record)

    p = sub.add_parser("report", help="由一次运行生成HTML（及PDF）审查报告 / render a run's review report (HTML, PDF)",
                       description="由运行目录中执行后的 report.ipynb 生成自包含的HTML审查报告，可选PDF，并更新 "
                                   "reports/index.html / render the run's report.ipynb to a self-contained HTML report, "
                                   "optionally PDF, and rebuild reports/index.html")
    p.add_argument("run", help="运行目录、latest 链接或运行编号 / run folder, its latest link, or run id")
    p.add_argument("--pdf", action="store_true", help="同时生成PDF（需要 Chromium）/ also print to PDF (needs Chromium)")
    _add_location_options(p)
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .executors import ExecutorError
    from .runner import RunError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UserError, RunError, ExecutorError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断 / interrupted：已完成的运行记录保留，未完成的运行记为“中断”。", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
