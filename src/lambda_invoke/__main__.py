import os
import sys

from lambda_invoke.cli import process_main

sys.exit(process_main(os.environ))
