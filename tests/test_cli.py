"""The command line: template, check, samples."""

import subprocess
import sys

import openpyxl

from cementnb.cli import main

from conftest import ROOT


def test_template_command(tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(out)]) == 0
    assert "月度数据" in openpyxl.load_workbook(out).sheetnames


def test_check_clean_and_defective(capsys):
    assert main(["check", str(ROOT / "data" / "samples" / "sample-a"), "--year", "2025"]) == 0
    assert "未发现问题" in capsys.readouterr().out
    assert main(["check", str(ROOT / "data" / "samples" / "sample-b"), "--year", "2025"]) == 1
    out = capsys.readouterr().out
    assert "统一社会信用代码校验位错误" in out and "工作表“企业信息”，第3行" in out


def test_check_missing_folder_is_a_message_not_a_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cementnb.cli", "check", str(tmp_path / "none")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "找不到报送文件" in proc.stderr and "Traceback" not in proc.stderr


def test_help_is_bilingual():
    proc = subprocess.run([sys.executable, "-m", "cementnb.cli", "--help"], capture_output=True, text=True)
    assert "水泥企业碳排放计量审查" in proc.stdout and "carbon-emission metrology review" in proc.stdout


def test_record_command_prefills_and_never_overwrites(tmp_path, capsys):
    from cementnb.review.record import read_record

    out = tmp_path / "record.xlsx"
    assert main(["record", str(ROOT / "parameters" / "sample-b.yaml"), "--out", str(out)]) == 0
    entries, info, problems = read_record(out)
    assert len(entries) == 52 and problems.empty
    assert main(["record", str(ROOT / "parameters" / "sample-b.yaml"), "--out", str(out)]) == 2
    assert "不会被覆盖" in capsys.readouterr().err


def test_report_command_renders_a_run(sample_batch, capsys):
    run = sample_batch["rows"]["sample-c"]["out_dir"]
    (run / "report.html").unlink()
    assert main(["report", str(run), "--reports", str(sample_batch["reports"])]) == 0
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "基本符合规范要求，需要整改" in html and "<script" not in html
    assert main(["report", str(sample_batch["reports"] / "nope")]) == 2
    assert "找不到运行记录" in capsys.readouterr().err
