"""Sample enterprises: regenerated identically, clean ones load without a problem, every planted
defect of sample-b is found where it was planted."""

import pandas as pd
import pytest

from cementnb.loader import load_submission
from cementnb.review.record import read_record
from cementnb.samples import PLANTED_DEFECTS, SAMPLES, build_sample, generate_samples

from conftest import ROOT


def test_generator_is_deterministic():
    assert build_sample(SAMPLES[2]) == build_sample(SAMPLES[2])


def test_committed_samples_match_the_generator(tmp_path):
    generate_samples(tmp_path / "samples", tmp_path / "params")
    for spec in SAMPLES:
        fresh = load_submission(tmp_path / "samples" / spec.enterprise_id, 2025)
        committed = load_submission(ROOT / "data" / "samples" / spec.enterprise_id, 2025)
        for name in committed.tables:
            pd.testing.assert_frame_equal(fresh.tables[name], committed.tables[name], check_dtype=False)
        fresh_dir, committed_dir = tmp_path / "samples" / spec.enterprise_id, ROOT / "data" / "samples" / spec.enterprise_id
        assert (fresh_dir / "readings" / "meters.csv.gz").read_bytes() == (committed_dir / "readings" / "meters.csv.gz").read_bytes()
        for a, b in zip(read_record(fresh_dir / "record.xlsx"), read_record(committed_dir / "record.xlsx")):
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b)
            else:
                assert a == b
        assert (tmp_path / "params" / f"{spec.enterprise_id}.yaml").read_text(encoding="utf-8").replace(
            str(tmp_path / "samples"), "data/samples") == (ROOT / "parameters" / f"{spec.enterprise_id}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("enterprise", ["sample-a", "sample-c"])
def test_clean_samples_have_no_problem(enterprise):
    sub = load_submission(ROOT / "data" / "samples" / enterprise, 2025)
    assert sub.problems.empty, sub.problems.to_string()


def test_every_planted_defect_is_found_at_its_place():
    sub = load_submission(ROOT / "data" / "samples" / "sample-b", 2025)
    found = sub.problems
    for sheet, row, column, code in PLANTED_DEFECTS:
        hits = found[(found["sheet"] == sheet) & (found["column"] == column) & (found["code"] == code)]
        if row is not None:
            hits = hits[hits["row"] == row]
        assert len(hits) >= 1, f"planted defect not found: {sheet} row {row} {column} {code}"
    # and nothing but the planted defects and their direct consequences
    assert set(found["code"]) == {code for *_, code in PLANTED_DEFECTS}


def test_sample_b_gaps_are_exactly_the_planted_ones():
    sub = load_submission(ROOT / "data" / "samples" / "sample-b", 2025)
    gaps = sub.problems[sub.problems["code"] == "missing_month"]["message"].tolist()
    assert sorted(gaps) == sorted([
        "L1 烟煤“低位发热量”缺少2个月的数据：2025-03、2025-04",
        "L1 熟料“熟料产量”缺少1个月的数据：2025-11",
        "L1 熟料“CaO含量”缺少1个月的数据：2025-05",  # the fraction-under-% row was rejected
        "L1 烟煤“消耗量”缺少1个月的数据：2025-07",  # "约18864" was rejected
        "全厂 柴油“消耗量”缺少1个月的数据：2025-09",  # the misspelt fuel "柴由" was rejected
    ])
