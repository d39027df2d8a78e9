import os
import sys

from lambda_invoke.cli import main

sys.exit(main(os.environ))
