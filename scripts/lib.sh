# Shared by scripts/demo.sh and scripts/test.sh: a virtualenv in .venv with pinned packages.
# shellcheck shell=bash

# setup_venv REQUIREMENTS_FILE: create .venv if needed and install the pinned list and
# this project (editable). Skipped when nothing it depends on changed since last time.
setup_venv() {
  local requirements=$1 digest stamp
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: python3 3.11 or newer is needed (found: $(python3 --version 2>&1))" >&2
    return 1
  fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  digest=$(cat requirements/*.txt pyproject.toml | sha256sum | cut -c1-16)
  stamp=".venv/.installed-$(basename "$requirements" .txt)-$digest"
  if [ ! -f "$stamp" ]; then
    echo "setting up .venv from $requirements ..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
  PATH="$PWD/.venv/bin:$PATH"
  export PATH
}

# Fake credentials and loopback-only endpoints: nothing here may reach AWS.
sandbox_aws() {
  export AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKEFAKE
  export AWS_SECRET_ACCESS_KEY=fake-secret-for-local-use-only
  export AWS_EC2_METADATA_DISABLED=true
  export AWS_REGION=us-east-1
  export AWS_CONFIG_FILE=/dev/null
  export AWS_SHARED_CREDENTIALS_FILE=/dev/null
}
