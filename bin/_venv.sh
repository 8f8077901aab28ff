# Sourced by bin/run, bin/test and bin/manage: make the virtual environment ($CSPO_VENV,
# .venv by default) with the newest Python 3.12 or later found, and install the project.
# Python 3.12 is the floor because Django 6 needs it (pyproject.toml says the same).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${CSPO_VENV:-.venv}"
PY="$VENV/bin/python"

python_ok() {  # a Python that is new enough and has the modules the app needs
  "$1" -c 'import sys, sqlite3, ssl, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

pick_python() {
  local cand seen=()
  if [ -n "${PYTHON:-}" ]; then
    python_ok "$PYTHON" && { echo "$PYTHON"; return; }
    echo "PYTHON=$PYTHON is not Python 3.12 or newer with venv, sqlite3 and ssl" \
      "($("$PYTHON" -V 2>&1 | head -n 1))." >&2
    exit 1
  fi
  for cand in python3.14 python3.13 python3.12 \
      $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
      python3; do
    command -v "$cand" >/dev/null 2>&1 || continue
    python_ok "$cand" && { echo "$cand"; return; }
    seen+=("$cand ($("$cand" -V 2>&1 | head -n 1))")
  done
  {
    echo "CSPO Tracker needs Python 3.12 or newer (Django 6 does)."
    [ ${#seen[@]} -gt 0 ] && echo "Found only: ${seen[*]}."
    echo "Install Python 3.12+ (Debian 13 and Ubuntu 24.04 ship it; elsewhere your package"
    echo "manager, pyenv or python.org), then run again, or name it: PYTHON=/path/to/python3.12 $0"
  } >&2
  exit 1
}

ensure_venv() {
  local extras="$1" stamp
  if [ -x "$PY" ] && ! python_ok "$PY"; then
    echo "==> $VENV was made with $("$PY" -V 2>&1); making it again with Python 3.12+"
    rm -rf "$VENV"
  fi
  if [ ! -x "$PY" ]; then
    local python
    python="$(pick_python)"
    echo "==> Making $VENV with $("$python" -V 2>&1)"
    "$python" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip
  fi
  stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    echo "==> Installing dependencies into $VENV (the first time takes a minute or two)"
    "$PY" -m pip install --quiet --progress-bar off ".${extras:+[$extras]}"
    touch "$stamp"
  fi
}
