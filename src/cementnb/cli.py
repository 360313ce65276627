"""Command line: ``cementnb <command>`` (help in Chinese and English).

Commands
--------
template OUT.xlsx        write the submission template for enterprises
check FOLDER             load a submission and list every problem (exit 1 on errors)
samples DIR              (re)generate the sample enterprises and their parameter files
batch PARAMS_DIR|GLOB    run the emissions notebook for every enterprise (papermill)
"""

from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

__all__ = ["main"]

KERNEL_NAME = "cementnb"


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


def _param_files(target: str) -> list[Path]:
    path = Path(target)
    if path.is_dir():
        return sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    if path.is_file():
        return [path]
    return sorted(Path(p) for p in glob.glob(target))


def _cmd_batch(args) -> int:
    from .runner import run_enterprise

    files = _param_files(args.params)
    if not files:
        print(f"没有找到参数文件 / no parameter files: {args.params}", file=sys.stderr)
        return 2
    rows = []
    for path in files:
        outcome = run_enterprise(path, reports_dir=Path(args.reports), html=not args.no_html)
        rows.append(outcome)
        mark = "完成" if outcome["status"] == "ok" else "失败"
        print(f"[{mark}] {outcome['enterprise_id']}: {outcome['message']}", flush=True)
    print()
    print(f"{'企业':<16}{'状态':<6}{'排放总量 (tCO2)':>18}  说明")
    for r in rows:
        total = f"{r['total_t']:,.1f}" if r.get("total_t") is not None else "—"
        print(f"{r['enterprise_id']:<16}{'完成' if r['status'] == 'ok' else '失败':<6}{total:>18}  {r['message']}")
    failed = sum(r["status"] != "ok" for r in rows)
    print(f"\n共 {len(rows)} 家企业，{len(rows) - failed} 家完成，{failed} 家失败。")
    return 1 if failed else 0


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

    p = sub.add_parser("batch", help="对每家企业执行笔记本 / run the notebooks for every enterprise")
    p.add_argument("params", help="参数文件目录或通配符，如 parameters/ / parameter folder or glob")
    p.add_argument("--reports", default="reports", help="报告输出目录 / output folder (default: reports)")
    p.add_argument("--no-html", action="store_true", help="不生成HTML / skip the HTML rendering")
    p.set_defaults(func=_cmd_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
