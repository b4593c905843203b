"""``python -m geobrief`` runs the command-line interface."""

import sys

from geobrief.cli import main

sys.exit(main())
