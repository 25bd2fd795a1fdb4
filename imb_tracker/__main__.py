"""``python -m imb_tracker`` runs the command line."""

import sys

from imb_tracker.cli import main

sys.exit(main())
