# Sourced by test stages: creates (once) the virtual environment .venv at the
# repository root and installs the packages given as arguments into it.
# Afterwards $VENV_PYTHON is the venv's interpreter.

ensure_venv() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    VENV_DIR="$root/.venv"
    if [ ! -x "$VENV_DIR/bin/python" ]; then
        python3 -m venv "$VENV_DIR"
        "$VENV_DIR/bin/python" -m pip install --quiet --upgrade pip
    fi
    VENV_PYTHON="$VENV_DIR/bin/python"
    if [ "$#" -gt 0 ]; then
        "$VENV_PYTHON" -m pip install --quiet "$@"
    fi
    export VENV_DIR VENV_PYTHON
}
