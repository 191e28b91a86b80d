"""Names of the Meltano plugins `make install` installs: all but those annotated ``install: lazy``.

Airflow is big and only needed where it runs, so `make airflow` and the Airflow tests install it
(`meltano install airflow`) instead of every `make install`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def eager_plugins(meltano_yml: Path = PROJECT_ROOT / "meltano.yml") -> list[str]:
    """Every plugin name in declaration order, except the lazily installed ones."""
    document = yaml.safe_load(meltano_yml.read_text()) or {}
    names: list[str] = []
    for plugins in (document.get("plugins") or {}).values():
        for plugin in plugins or []:
            annotations = (plugin.get("annotations") or {}).get("clickup-extras") or {}
            if annotations.get("install") != "lazy":
                names.append(str(plugin["name"]))
    return names


if __name__ == "__main__":
    print(" ".join(eager_plugins()))
    sys.exit(0)
