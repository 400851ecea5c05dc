"""Which questions a practice session asks.

Explicit ids win; ``--theme`` narrows the pool; ``--random N`` samples it (seedable).
By default a short session of three questions that together cover as many key themes as
possible, preferring the questions you have practised least.
"""

from __future__ import annotations

import random

from interviewer.core.bank import Bank
from interviewer.core.errors import ConfigError, NotFoundError

DEFAULT_COUNT = 3


def select_questions(
    bank: Bank,
    *,
    ids: list[str] | None = None,
    theme: str | None = None,
    count: int | None = None,
    seed: int | None = None,
    answered: dict[str, int] | None = None,
    default_count: int = DEFAULT_COUNT,
    among: list[str] | None = None,
) -> list[str]:
    """Return the question ids to ask, in order; ``among`` limits the pool (scripted runs)."""
    if ids:
        if theme or count:
            raise ConfigError("use either --questions or --random/--theme, not both")
        for qid in ids:
            bank.question(qid)  # NotFoundError naming the known ids
        if len(set(ids)) != len(ids):
            raise ConfigError(f"--questions lists a question twice: {','.join(ids)}")
        return list(ids)
    if count is not None and count < 1:
        raise ConfigError(f"--random must be at least 1 (got {count})")
    pool = [q for q in bank.questions if among is None or q.id in among]
    if theme:
        bank.theme(theme)  # NotFoundError for an unknown theme
        pool = [q for q in pool if theme in q.themes]
        if not pool:
            raise NotFoundError(f"no question in bank {bank.id!r} probes theme {theme!r}")
    rng = random.Random(seed)
    if count is not None:
        return [q.id for q in rng.sample(pool, min(count, len(pool)))]
    answered = answered or {}
    # Least practised first, random among equals; then greedily add the question that
    # brings the most themes not covered yet.
    order = sorted(pool, key=lambda q: (answered.get(q.id, 0), rng.random()))
    chosen: list[str] = []
    covered: set[str] = set()
    while order and len(chosen) < default_count:
        best = max(order, key=lambda q: len(set(q.themes) - covered))  # first on ties
        order.remove(best)
        chosen.append(best.id)
        covered |= set(best.themes)
    return chosen
