"""uvicorn's HTTP protocol with a header deadline and a hard connection cap (slow clients).

uvicorn cuts idle keep-alive connections (``timeout_keep_alive``) but never a client that sends
its request headers a byte at a time, and accepts any number of connections. This protocol:

- closes a connection whose request headers are not complete ``header_timeout`` seconds after
  it opened (or after its previous response, on a kept-alive connection);
- closes a new connection at once while ``max_connections`` are open.

The body has its own deadline in the application (``app._read_body``: 408).
"""

from __future__ import annotations

import asyncio
import logging
import typing as t

from uvicorn.protocols.http.auto import AutoHTTPProtocol

log = logging.getLogger("clickup_webhook_receiver.protocol")


def guarded_protocol(header_timeout: float, max_connections: int) -> type[asyncio.Protocol]:
    """A subclass of uvicorn's HTTP protocol enforcing the two limits."""
    base: t.Any = AutoHTTPProtocol

    class GuardedProtocol(base):
        _header_timer: asyncio.TimerHandle | None = None
        _armed_for: t.Any = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            if len(self.connections) >= max_connections:
                log.warning(
                    "connection refused: %d connections open (max_connections)", max_connections
                )
                transport.abort()
                return
            super().connection_made(transport)
            self._arm_header_deadline()

        def _arm_header_deadline(self) -> None:
            self._armed_for = self.cycle
            self._header_timer = self.loop.call_later(header_timeout, self._header_deadline)

        def _header_deadline(self) -> None:
            self._header_timer = None
            if self.cycle is self._armed_for and not self.transport.is_closing():
                # No request got its headers complete since the deadline was armed.
                log.info(
                    "connection closed: request headers incomplete after %.1f s", header_timeout
                )
                self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._cancel_header_deadline()
                self._arm_header_deadline()

        def _cancel_header_deadline(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_header_deadline()
            if self.transport is None:  # refused in connection_made: nothing was set up
                return
            super().connection_lost(exc)

    return GuardedProtocol
