"""tap-clickup-extended: a Singer tap for the ClickUp data Airbyte's connector leaves out."""

__version__ = "0.2.0"
