# Sourced by bin/run and bin/test: make .venv with the newest Python >= 3.11 found
# (3.12+ gets Django 6, 3.11 the Django 5.2 LTS) and install the project into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pick_python() {
  local cand
  for cand in "${PYTHON:-}" python3.13 python3.12 \
      "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3 2>/dev/null | sort -V | tail -n 1)" \
      python3.11 python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys, sqlite3, ssl; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$cand"
      return
    fi
  done
  echo "No Python 3.11 or newer found; set PYTHON=/path/to/python3" >&2
  exit 1
}

ensure_venv() {
  local extras="$1" stamp
  if [ ! -x .venv/bin/python ]; then
    "$(pick_python)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}
