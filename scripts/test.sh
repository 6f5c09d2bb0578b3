#!/usr/bin/env bash
# Run the whole test suite, installing what it needs first (including the local llama.cpp test server).
# First the wheel: built, installed into a clean virtualenv and run from outside the checkout
# (scripts/check_wheel.sh); tests/test_workers.py runs Prefect workers from that same virtualenv.
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -k weekly_log
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's clock time and the slowest tests are printed, so a slow or stuck CI run says where it was.
step() { echo "test.sh: $(date -u +%H:%M:%S) $*"; }
step "install"
bash scripts/install.sh --llm
# In CI the real-LLM tests must run, never skip.
if [ "${CI:-}" = "true" ]; then export PAPERFLOW_REQUIRE_LLM=1; fi
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false
wheel_dir="$(mktemp -d)"
trap 'rm -rf "$wheel_dir"' EXIT
step "wheel check"
bash scripts/check_wheel.sh "$wheel_dir/venv"
step "tests"
status=0
PAPERFLOW_WHEEL_VENV="$wheel_dir/venv" .venv/bin/python -m pytest -o console_output_style=times --durations=15 "$@" \
    || status=$?
step "done (pytest exit $status)"
exit "$status"
