#!/usr/bin/env bash
# Install PolicyQA, index the bundled corpus, answer a sample question, then serve the web page.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
python -m pip install -q -e ".[eval]"
policyqa index
policyqa ask "两江新区推进西部陆海新通道建设由哪个部门牵头？"
exec policyqa serve "$@"
