"""Container entrypoint: all logic lives in the lambda_invoke package."""

import os
import sys

from lambda_invoke.cli import process_main

if __name__ == "__main__":
    sys.exit(process_main(os.environ, as_action=True))
