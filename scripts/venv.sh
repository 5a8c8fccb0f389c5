# Sourced by run.sh and test.sh: use the active virtual environment, else the checkout's own
# .venv (created on first use), so nothing is installed into the system Python.
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "creating a virtual environment in $(pwd)/.venv" >&2
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
