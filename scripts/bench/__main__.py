"""Entry point of `make bench`: python -m scripts.bench."""

import sys

from .run import main

sys.exit(main())
