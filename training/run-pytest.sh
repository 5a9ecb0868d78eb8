#!/bin/sh
# pytest for training/, with Debian's python (the pyenv python first on PATH has no torch).
set -e
cd "$(dirname "$0")"
PY=/usr/bin/python3
if ! "$PY" -c "import torch, numpy, PIL, onnx" 2>/dev/null; then
  if [ -n "$CI" ]; then echo "torch is required in CI (run scripts/setup-ci.sh)" >&2; exit 1; fi
  echo "training: torch/numpy/PIL/onnx missing for $PY; skipping Python tests (scripts/setup-ci.sh installs them)"
  exit 0
fi
exec "$PY" -m pytest -q tests "$@"
