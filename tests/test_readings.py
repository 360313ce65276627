"""Meter readings: CSV in UTF-8 (with/without BOM) and GB18030, parquet; bad rows located, good kept."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cementnb.readings import load_readings

CSV = "管理编号,时间,数值,单位\nM1,2025-01-01 00:00,100.5,kWh\nM1,2025-01-01 00:15,101.0,kWh\nM2,2025-01-01 00:00,7,t\n"


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")])
def test_encodings_read_identically(tmp_path, encoding, prefix):
    folder = tmp_path / "readings"
    folder.mkdir()
    (folder / "r.csv").write_bytes(prefix + CSV.encode(encoding))
    readings, problems, inputs = load_readings(tmp_path, known_meters=["M1", "M2"])
    assert problems.empty
    assert list(readings["meter_id"]) == ["M1", "M1", "M2"]
    assert_allclose(readings["value"], [100.5, 101.0, 7.0])
    assert readings["timestamp"].iloc[1] == pd.Timestamp("2025-01-01 00:15")
    assert inputs.iloc[0]["encoding"] == {"utf-8": "utf-8-sig" if prefix else "utf-8", "gb18030": "gb18030"}[encoding]


def test_bad_rows_are_located_and_dropped(tmp_path):
    text = ("管理编号,时间,数值\n"
            "M1,2025-01-01 00:00,1\n"
            "M1,2025-13-01 00:00,2\n"     # line 3: bad month
            "M1,2025-01-01 00:30,abc\n"   # line 4: not a number
            "M1,2025-01-01 00:45,１２\n"  # line 5: full-width digits, read as 12
            "MX,2025-01-01 00:00,3\n")    # line 6: meter not in the ledger
    (tmp_path / "r.csv").write_text(text, encoding="gb18030")
    readings, problems, _ = load_readings(tmp_path, known_meters=["M1"])
    by_code = problems.set_index("code")
    assert by_code.loc["not_a_date", "row"] == 3 and by_code.loc["not_a_date", "value"] == "2025-13-01 00:00"
    assert by_code.loc["not_a_number", "row"] == 4 and by_code.loc["not_a_number", "message"] == "数值不是数字（第4）"
    assert by_code.loc["fullwidth_digits", "severity"] == "警告"
    assert by_code.loc["unknown_reference", "row"] == 6
    assert by_code.loc["unknown_reference", "message"].startswith("计量器具“MX”不在计量器具台账中（1行，第6）")
    assert list(readings["line"]) == [2, 5] and list(readings["value"]) == [1.0, 12.0]


def test_missing_column_names_the_nearest_header(tmp_path):
    (tmp_path / "r.csv").write_text("管理编号,时刻,数值\nM1,2025-01-01,1\n", encoding="utf-8")
    readings, problems, _ = load_readings(tmp_path)
    assert readings.empty
    assert problems.iloc[0]["code"] == "missing_column" and "时刻" in problems.iloc[0]["message"]


def test_parquet(tmp_path):
    pd.DataFrame({"meter_id": ["M1"], "timestamp": ["2025-01-01 00:00:00"], "value": [1.5]}).to_parquet(tmp_path / "r.parquet")
    readings, problems, _ = load_readings(tmp_path)
    assert problems.empty and readings["value"].tolist() == [1.5]
