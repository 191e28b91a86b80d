"""The tap's own tests and their shared helpers (``tap_testkit``, ``limiter_replay``).

A package so that the tests import the helpers relatively (``from .tap_testkit import run_tap``)
with nothing put on ``sys.path``: pytest (``--import-mode=importlib``, the repository root on its
``pythonpath``) imports it as ``tap-clickup-extended.tests``, apart from the root's ``tests``.

Imported by: pytest only. Nothing outside this folder imports it.
"""
