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
