"""Agreement between a grader's scores and human labels (stdlib only).

- exact-match rate and within-one rate on the 0-5 scale;
- quadratic weighted kappa (Cohen's kappa with squared-distance weights), the usual
  agreement figure for ordinal rating scales;
- Spearman's rank correlation (average ranks for ties), for the 0-100 overall.
"""

from __future__ import annotations

from collections.abc import Sequence


def exact_rate(expected: Sequence[int], actual: Sequence[int]) -> float:
    pairs = list(zip(expected, actual, strict=True))
    return sum(e == a for e, a in pairs) / len(pairs) if pairs else 0.0


def within_one_rate(expected: Sequence[int], actual: Sequence[int]) -> float:
    pairs = list(zip(expected, actual, strict=True))
    return sum(abs(e - a) <= 1 for e, a in pairs) / len(pairs) if pairs else 0.0


def quadratic_weighted_kappa(
    expected: Sequence[int], actual: Sequence[int], low: int = 0, high: int = 5
) -> float:
    """1 = perfect agreement, 0 = chance, < 0 = worse than chance."""
    n = len(expected)
    if n == 0 or n != len(actual):
        raise ValueError("kappa needs two equally long, non-empty lists")
    k = high - low + 1
    observed = [[0.0] * k for _ in range(k)]
    for e, a in zip(expected, actual, strict=True):
        observed[e - low][a - low] += 1
    hist_e = [sum(row) for row in observed]
    hist_a = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * hist_e[i] * hist_a[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1 - num / den


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation of the ranks; 0.0 when either side is constant."""
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("spearman needs two equally long lists of at least 2")
    rx, ry = _ranks(x), _ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0
