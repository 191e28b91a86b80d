"""Run AutoIDM's tap-clickup against another base URL: ``python tap_clickup_launcher.py URL ARGS``.

Executed by the python of tap-clickup's own virtualenv (it imports nothing of ours). The tap
reads its API base from the class attribute ``ClickUpStream.url_base``; this sets only that,
then hands the remaining arguments to the tap's own command line. Run it with ``python -P``
(this folder holds a ``tap_clickup.py`` of its own that must not shadow the tap's package).
"""

import sys

from tap_clickup.client import ClickUpStream
from tap_clickup.tap import TapClickUp

if __name__ == "__main__":
    ClickUpStream.url_base = sys.argv.pop(1)
    TapClickUp.cli()
