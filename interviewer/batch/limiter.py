"""Concurrency that adapts to rate limits (AIMD, as TCP does).

Each 429 halves the number of requests allowed in flight (never below one); every
``grow_after`` successes add one back, up to the ceiling the user set. Waiters are woken
one by one in FIFO order, so a release costs O(1) however many rows are queued.
"""

from __future__ import annotations

import asyncio
from collections import deque


class AdaptiveLimiter:
    """An async semaphore whose size shrinks on rate limits and grows back on success."""

    def __init__(self, ceiling: int, grow_after: int = 10) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = self.ceiling
        self.grow_after = grow_after
        self.in_flight = 0
        self.max_in_flight = 0
        self.min_limit = self.limit
        self.rate_limited = 0
        self._successes = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def __aenter__(self) -> AdaptiveLimiter:
        if self.in_flight >= self.limit or self._waiters:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # the releaser counted us in before waking us
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self.in_flight -= 1
                    self._wake()
                raise
        else:
            self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.in_flight -= 1
        if exc[0] is None:
            self._successes += 1
            if self._successes >= self.grow_after and self.limit < self.ceiling:
                self.limit += 1
                self._successes = 0
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)

    def on_rate_limited(self) -> None:
        """Called (from the grader's retry loop) when the server answered 429."""
        self.rate_limited += 1
        self.limit = max(1, self.limit // 2)
        self.min_limit = min(self.min_limit, self.limit)
        self._successes = 0
