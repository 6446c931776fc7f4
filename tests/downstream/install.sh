#!/usr/bin/env bash
# Install the OpenMMLab zoos the downstream suite runs (tests/downstream/requirements.txt) into
# a target folder, WITHOUT their dependencies: they name upstream `mmengine`, which must never
# be installed next to this project. Their other dependencies are the lock's `downstream`
# dependency group, which this script syncs into the project's .venv first.
#
#   tests/downstream/install.sh [TARGET]      (default: .venv-downstream/site, git-ignored)
#
# Then use the zoos with PYTHONPATH=TARGET (see docs/zoos.md). Idempotent: a stamp file holds
# the requirements' hash and the Python version; when both match, nothing is downloaded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${1:-${MMENGINE_DOWNSTREAM_SITE:-$root/.venv-downstream/site}}"
cd "$root"

# The interpreter the suite runs on (this also installs the `downstream` group into .venv).
python="$(uv run --frozen --group downstream python -c 'import sys; print(sys.executable)')"
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1) python$pyver"
stamp="$target/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "downstream zoos already installed in $target"
  exit 0
fi

rm -rf "$target"
mkdir -p "$target"
# Wheels only: every pin has one (mmcv-lite 2.1.0 is a py2.py3-none-any wheel; regex has
# binary wheels per CPython version, hence the Python version in the stamp).
uv pip install --python "$python" --no-deps --only-binary :all: --target "$target" \
  -r "$here/requirements.txt"
# mmsegmentation 1.2.2's wheel also installs its own top-level `tests` package; drop it so it
# cannot shadow anything named `tests` on PYTHONPATH.
rm -rf "$target/tests"
# The uv recipe of docs/zoos.md: with its override, resolving mmcv-lite and the zoos (with their
# dependencies) names no mmengine. Checked here, where the network is used anyway.
overrides="$target/.overrides.txt"
echo "mmengine; sys_platform == 'never'" >"$overrides"
resolved="$(grep -E '^(mmcv-lite|mmpretrain|mmdet|mmsegmentation|mmaction2)==' "$here/requirements.txt" |
  uv pip compile --quiet --python "$python" --override "$overrides" --no-header --no-annotate -)"
if grep -qiE '^mmengine(-lite)?==' <<<"$resolved"; then
  echo "install.sh: the documented uv override no longer keeps mmengine out:" >&2
  echo "$resolved" >&2
  exit 1
fi
if [ -e "$target/mmengine" ]; then
  echo "install.sh: upstream mmengine ended up in $target; it must never be installed" >&2
  exit 1
fi
echo "$want" >"$stamp"
echo "downstream zoos installed in $target"
