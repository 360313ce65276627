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

# Chinese glyphs for charts and reports (Debian package). Optional: charts still render without.
if ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null) \
      || echo "提示：未能安装 fonts-noto-cjk，图表中的中文可能无法显示。" >&2
  else
    echo "提示：未找到 Noto Sans CJK 字体（Debian 软件包 fonts-noto-cjk），图表中的中文可能无法显示。" >&2
  fi
fi
