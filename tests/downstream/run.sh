#!/usr/bin/env bash
# The downstream suite as CI runs it: install the OpenMMLab zoos without their dependencies
# (install.sh), then run tests/downstream with them on PYTHONPATH and required, so that a zoo
# that fails to install or import is a failure, not a skip. Extra arguments go to pytest, e.g.
#   bash tests/downstream/run.sh -k mmdet
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${MMENGINE_DOWNSTREAM_SITE:-$root/.venv-downstream/site}"
cd "$root"

bash "$here/install.sh" "$target"

export MMENGINE_DOWNSTREAM_REQUIRED=1
# The zoos, and the test shim giving mmcv-lite the few compiled ops the detection models need.
export PYTHONPATH="$here/shim:$target${PYTHONPATH:+:$PYTHONPATH}"
set +e
uv run --frozen --group downstream pytest -q -p no:warnings -rfExX tests/downstream "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "FAIL [downstream]: pytest collected no tests (exit code 5)" >&2
  exit 1
fi
exit "$rc"
