"""`python -m kapiserver`."""

import sys

from kapiserver import cli

sys.exit(cli.main())
