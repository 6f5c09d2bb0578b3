#!/usr/bin/env bash
# Build paperflow's wheel, install it into a clean virtualenv (pinned by constraints.txt) and run it from a
# folder outside the checkout: `summarize` (extractive), `nightly --dry-run` and `serve`'s refusal.
#   bash scripts/check_wheel.sh VENV_DIR     the virtualenv to (re)create; it stays for the tests
#                                            (tests/test_workers.py takes it from $PAPERFLOW_WHEEL_VENV)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$1"
PYTHON=${PYTHON:-python3}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data="${PAPERFLOW_TEST_DATA:-$repo/../shared/data}"

"$repo/.venv/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" "$repo"
rm -rf "$venv"
"$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -U pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$repo/constraints.txt" "$work"/dist/paperflow-*.whl

# A folder of a person's own, far from the checkout; nothing of the checkout on the path.
cd "$work"
unset PYTHONPATH VIRTUAL_ENV
for name in $(env | grep -o '^\(PAPERFLOW\|PREFECT\)_[A-Z_]*' || true); do unset "$name"; done
export DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_HOME="$work/prefect-home"
printf '# papers\n\n# pending list\n\n# 2024.1\n\n## 2024.1.2\n\n《Old》\n\n总体上，好。\n' > log.md
# No network in CI: the PDF's arXiv metadata is asked of a closed local port (the stamp's data is kept).
printf 'output_dir = "out"\n[log]\npath = "log.md"\n[arxiv]\napi_url = "http://127.0.0.1:9/api/query"\n[review]\nenabled = false\n' > paperflow.toml
paperflow="$venv/bin/paperflow"

where=$("$venv/bin/python" -c 'import flows, paperflow.prompts; print(flows.__file__, paperflow.prompts.__file__)')
case "$where" in *"$repo"*) echo "check_wheel: the installed package imports from the checkout: $where" >&2; exit 1;; esac

"$paperflow" summarize "$data/pdf/arxiv_1406.2661v1_gan.pdf" --date 2024-01-03 > summarize.out
grep -q '《Generative Adversarial Nets》' log.md || { cat summarize.out; echo "check_wheel: summarize inserted nothing" >&2; exit 1; }

"$paperflow" nightly --dry-run --date 2024-01-03 > nightly.out 2>&1 || { cat nightly.out; echo "check_wheel: nightly --dry-run failed" >&2; exit 1; }
grep -q '^dry run: 0 papers found, 0 drafted, 0 failed$' nightly.out || { cat nightly.out; exit 1; }

if "$paperflow" serve > serve.out 2>&1; then echo "check_wheel: serve without a server did not refuse" >&2; exit 1; fi
grep -q '^paperflow serve: no Prefect server configured' serve.out || { cat serve.out; exit 1; }

echo "check_wheel: the wheel installs into a clean virtualenv and runs from $work: summarize, nightly --dry-run, serve's refusal"
