#!/usr/bin/env bash
# Set up cementnb on a fresh machine: a virtual environment in .venv with the package
# (editable) and its test extras, and the Jupyter kernel "cementnb" the notebooks name.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.cementnb-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import cementnb" # fail here, clearly, if the install did not work
  touch "$stamp"
fi

# The kernel the notebooks name, installed inside the venv so that jupyter lab and papermill
# started from .venv find it.
.venv/bin/python -m ipykernel install --sys-prefix --name cementnb --display-name "Python (cementnb)" >/dev/null

# System packages (Debian): Chinese glyphs for charts and reports, headless Chromium for the
# PDF reports and the browser tests, poppler-utils (pdftotext, pdfinfo) for the PDF tests.
need=()
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk fontconfig)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "提示：未能安装 ${need[*]}：PDF 报告和浏览器测试需要它们。" >&2
  else
    echo "提示：请安装 Debian 软件包 ${need[*]}（PDF 报告、中文字体和浏览器测试需要）。" >&2
  fi
fi
