"""The embedded PostgreSQL 16 (pgserver wheel) that `make demo` and `make psql` use.

The server listens on a unix socket inside its data directory, so the directory path must stay
short (sockets allow ~100 characters): the data lives in `<repo>/.pgdata` unless that path is too
long, in which case a short directory under /tmp is used. The server keeps running after the
command that started it exits; `python -m orchestrate.embedded_postgres stop` stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# ".s.PGSQL.5432" is appended to the directory; the kernel limit for the whole path is 107 bytes.
MAX_SOCKET_DIR_LENGTH = 80


def default_data_dir(repo_root: Path = REPO_ROOT) -> Path:
    """Where the embedded database keeps its files for this checkout."""
    preferred = repo_root / ".pgdata"
    if len(str(preferred)) <= MAX_SOCKET_DIR_LENGTH:
        return preferred
    digest = hashlib.sha256(str(repo_root).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"ce-pg-{digest}"


def _quiet_pgserver() -> None:
    warnings.filterwarnings("ignore", category=Warning, module="platformdirs")
    logging.getLogger("pgserver").setLevel(logging.WARNING)


def start(data_dir: Path | None = None) -> str:
    """Start (or reuse) the embedded server and return its postgresql:// URI."""
    _quiet_pgserver()
    import pgserver

    data_dir = data_dir or default_data_dir()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # pgserver runs the server as its own user when we are root: it must reach the directory.
    os.chmod(data_dir.parent, os.stat(data_dir.parent).st_mode | 0o011)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()


def stop(data_dir: Path | None = None) -> bool:
    """Stop the embedded server if it runs; returns whether it is stopped now."""
    _quiet_pgserver()
    data_dir = data_dir or default_data_dir()
    if not (data_dir / "postmaster.pid").exists():
        return True
    import pgserver

    # As root pgserver runs postgres as another user, so pg_ctl from here cannot signal it:
    # stopping goes through pgserver's own API. It stops the server only when no other live
    # process holds a handle, so handles of processes that have exited are released first.
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    handles = server.global_process_id_list
    for pid in handles.get():
        if pid != os.getpid() and not _process_exists(pid):
            handles.get_and_remove(pid)
    server.cleanup()
    for _ in range(100):
        if not (data_dir / "postmaster.pid").exists():
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def throwaway_database(prefix: str = "pgx") -> Iterator[tuple[str, bool]]:
    """``(url, embedded)``: ``DATABASE_URL`` when set, else a fresh embedded PostgreSQL.

    The embedded one lives in a short directory under /tmp (the socket path limit) that the
    server's own user can reach (pgserver runs PostgreSQL as its own user under root), and it
    is stopped and removed when the block ends. Benchmarks use it.
    """
    external = os.environ.get("DATABASE_URL", "").strip()
    if external:
        yield external, False
        return
    _quiet_pgserver()
    import pgserver

    data_dir = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(data_dir, 0o777)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield server.get_uri(), True
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def resolve_database_url() -> tuple[str, bool]:
    """DATABASE_URL when it is set, else the embedded server's URI; and whether it is embedded."""
    external = os.environ.get("DATABASE_URL", "").strip()
    if external:
        return external, False
    return start(), True


def psql_executable() -> Path:
    """The psql client shipped inside the pgserver wheel."""
    import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin" / "psql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "url", "psql", "status"])
    parser.add_argument("--data-dir", type=Path, default=None)
    args, psql_args = parser.parse_known_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if args.action in {"start", "url"}:
        uri = start(data_dir)
        print(uri if args.action == "url" else f"embedded PostgreSQL running: {uri}")
    elif args.action == "stop":
        print(
            "embedded PostgreSQL stopped" if stop(data_dir) else "embedded PostgreSQL not running"
        )
    elif args.action == "status":
        running = (data_dir / "postmaster.pid").exists()
        print(f"embedded PostgreSQL in {data_dir}: {'running' if running else 'stopped'}")
    else:
        uri = start(data_dir)
        # A child process, not exec: pgserver releases this process's handle when it exits.
        return subprocess.run([str(psql_executable()), uri, *psql_args]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
