#!/usr/bin/env bash
# Run paperflow, installing it into ./.venv first if needed:  bash scripts/run.sh summarize 1706.03762
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$here/.venv/bin/paperflow" ]; then
  bash "$here/scripts/install.sh" >&2
fi
exec "$here/.venv/bin/paperflow" "$@"
