"""clickup-sandbox: a stateful fake of ClickUp API v2 on 127.0.0.1.

It generates a deterministic workspace from a seed, serves it the way ClickUp does (oddities
included), enforces per-token rate limits, injects faults on demand and exports its canonical ground
truth for correctness checks. Start it with ``clickup-sandbox serve`` or in-process with
:class:`clickup_sandbox.server.SandboxServer`.

Imported by: the demo, the tests and the benchmarks (`clickup-sandbox serve` for everyone
else). It imports nothing of ours: the sandbox stands for ClickUp and must not share code with
the tap it checks.
"""

from clickup_sandbox.config import SandboxConfig

__all__ = ["SandboxConfig"]
__version__ = "0.1.0"
