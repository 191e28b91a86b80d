"""The repository's cross-component tests; each package's unit tests live in its own `tests/`.

Imported by: pytest only. Test folders may import every package and `orchestrate`; no shipped
package may import anything here.
"""
