"""Developer tools of the repository (not shipped in any package)."""
