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

# setup_compat: the software of the tests we did not write. For the compatibility matrix
# (tests/compat/): aws-sam-cli (the Runtime Interface Emulator and SAM's local Lambda
# service) and awslambdaric in .venv-compat (their pins clash with ours), and the Serverless
# Framework v3 with serverless-offline (tests/compat/node/package-lock.json); for the job
# summary's charts: the Mermaid CLI (tests/e2e/mermaid/package-lock.json), which renders with
# the machine's chromium instead of downloading a browser of its own; for the sharded
# example under act: GitHub's artifact client (tests/e2e/artifacts/package-lock.json).
# Each part is skipped when nothing it depends on changed since last time.
setup_compat() {
  local digest stamp
  [ -x .venv-compat/bin/python ] || python3 -m venv .venv-compat
  digest=$(sha256sum requirements/compat.txt | cut -c1-16)
  stamp=".venv-compat/.installed-$digest"
  if [ ! -f "$stamp" ]; then
    echo "setting up .venv-compat from requirements/compat.txt ..." >&2
    .venv-compat/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/compat.txt
    touch "$stamp"
  fi
  if command -v npm >/dev/null 2>&1; then
    npm_folder tests/compat/node "serverless v3, serverless-offline"
    PUPPETEER_SKIP_DOWNLOAD=1 npm_folder tests/e2e/mermaid "the Mermaid CLI"
    npm_folder tests/e2e/artifacts "GitHub's artifact client, for act's artifact server"
  else
    echo "warning: npm is not on PATH: the serverless and Mermaid parts of the tests cannot run" >&2
  fi
}

# npm_folder DIR WHAT: node_modules of DIR from its package-lock.json, unless already there.
npm_folder() {
  local digest stamp folder=$1
  digest=$(cat "$folder/package.json" "$folder/package-lock.json" | sha256sum | cut -c1-16)
  stamp="$folder/node_modules/.installed-$digest"
  if [ ! -f "$stamp" ]; then
    echo "setting up $folder/node_modules ($2) ..." >&2
    (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
}
