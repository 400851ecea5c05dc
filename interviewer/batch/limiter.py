"""Concurrency that adapts to rate limits (AIMD, as TCP does).

Each 429 halves the number of requests allowed in flight (never below one); every
``grow_after`` successes add one back, up to the ceiling the user set.
"""

from __future__ import annotations

import asyncio


class AdaptiveLimiter:
    """An async semaphore whose size shrinks on rate limits and grows back on success."""

    def __init__(self, ceiling: int, grow_after: int = 10) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = self.ceiling
        self.grow_after = grow_after
        self.in_flight = 0
        self.max_in_flight = 0
        self.rate_limited = 0
        self._successes = 0
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> AdaptiveLimiter:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        return self

    async def __aexit__(self, *exc: object) -> None:
        async with self._changed:
            self.in_flight -= 1
            if exc[0] is None:
                self._successes += 1
                if self._successes >= self.grow_after and self.limit < self.ceiling:
                    self.limit += 1
                    self._successes = 0
            self._changed.notify_all()

    def on_rate_limited(self) -> None:
        """Called (from the grader's retry loop) when the server answered 429."""
        self.rate_limited += 1
        self.limit = max(1, self.limit // 2)
        self._successes = 0
