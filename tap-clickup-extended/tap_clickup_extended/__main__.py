"""``python -m tap_clickup_extended``: the same CLI as the console script."""

from tap_clickup_extended.tap import TapClickUpExtended

TapClickUpExtended.cli()
