"""Parameter validation: unknown or misspelt names stop the run with a Chinese message."""

import pytest

from cementnb.params import ParameterError, load_parameters_file, validate_parameters


def namespace(**extra):
    base = dict(enterprise_id="sample-a", enterprise_dir="data/samples/sample-a", review_year=2025)
    base.update(extra)
    return base


def test_defaults_fill_missing_parameters():
    p = validate_parameters("emissions", namespace())
    assert p.grid_factor_series == "ets_national" and p.grid_factor_year == 2022 and p.factor_overrides == {}


def test_misspelt_parameter_is_rejected_with_the_nearest_name():
    with pytest.raises(ParameterError) as exc:
        validate_parameters("emissions", namespace(reveiw_year=2024))
    assert "未知参数“reveiw_year”，是否应为“review_year”？" in str(exc.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ParameterError) as exc:
        validate_parameters("emissions", namespace(review_year="2025", method="gbt", foo=1))
    text = str(exc.value)
    assert "参数“review_year”应为整数，实为str（'2025'）" in text
    assert "参数“method”的值“gbt”无效" in text and "gbt32151" in text
    assert "未知参数“foo”" in text
    assert len(exc.value.problems) == 3


def test_ipython_names_modules_and_functions_are_not_parameters():
    import math

    ns = namespace(In=[], Out={}, get_ipython=lambda: None, math=math, _private=1)
    validate_parameters("emissions", ns)


def test_exception_renders_without_traceback_in_ipython():
    with pytest.raises(ParameterError) as exc:
        validate_parameters("emissions", namespace(foo=1))
    lines = exc.value._render_traceback_()
    assert lines[0].startswith("笔记本“emissions”的参数有误") and not any("Traceback" in x for x in lines)


def test_bool_is_not_an_integer():
    with pytest.raises(ParameterError, match="review_year"):
        validate_parameters("emissions", namespace(review_year=True))


def test_yaml_file_is_validated(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("enterprise_id: '0012'\nenterprise_dir: data/samples/sample-a\nreview_year: 2025\ngrid_factor_yaer: 2023\n",
                    encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        load_parameters_file(path)
    assert "未知参数“grid_factor_yaer”，是否应为“grid_factor_year”？" in str(exc.value)
    path.write_text("enterprise_id: '0012'\nenterprise_dir: data/samples/sample-a\nreview_year: 2025\n", encoding="utf-8")
    assert load_parameters_file(path)["enterprise_id"] == "0012"  # a quoted ID stays text


def test_sample_parameter_files_are_valid():
    from conftest import ROOT

    files = sorted((ROOT / "parameters").glob("*.yaml"))
    assert {f.stem for f in files} >= {"sample-a", "sample-b", "sample-c"}
    for f in files:
        load_parameters_file(f)
