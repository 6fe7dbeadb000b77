"""Estimates with their margins of error, and small-group suppression: arithmetic only."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: z for a two-sided 95 % interval (normal approximation).
Z95 = 1.96
#: Agreement levels counted as agreeing ("Instämmer i stor grad" and "helt").
AGREEING = (4, 5)
NO_ANSWER_LABEL = _l("Uppgift saknas")
AGREEING_LABEL = _l("Instämmer i stor grad eller helt")


@dataclass(frozen=True)
class Estimate:
    """A mean or an index with its 95 % margin of error (None when n < 2) and its n."""

    value: float
    moe: float | None
    n: int


def proportion_moe(count: int, n: int) -> float | None:
    """95 % margin of error of the proportion p = count/n: 1.96·√(p(1−p)/n) (a fraction)."""
    if n <= 0:
        return None
    p = count / n
    return Z95 * math.sqrt(p * (1 - p) / n)


def sample_sd(n: int, total: float, total_sq: float) -> float | None:
    """Sample standard deviation from n, Σx and Σx²: √((Σx² − (Σx)²/n) / (n − 1))."""
    if n < 2:
        return None
    return math.sqrt(max(total_sq - total * total / n, 0.0) / (n - 1))


def mean_estimate(n: int, total: float, total_sq: float) -> Estimate | None:
    """The mean Σx/n with its 95 % margin of error 1.96·s/√n (s: sample standard deviation)."""
    if n <= 0:
        return None
    sd = sample_sd(n, total, total_sq)
    return Estimate(total / n, None if sd is None else Z95 * sd / math.sqrt(n), n)


def index_estimate(mean: Estimate | None, low: int, high: int) -> Estimate | None:
    """SCB-style index 0–100: (mean − min) / (max − min) × 100; the margin of error scales
    by the same 100 / (max − min)."""
    if mean is None or high <= low:
        return None
    factor = 100 / (high - low)
    moe = None if mean.moe is None else mean.moe * factor
    return Estimate((mean.value - low) * factor, moe, mean.n)


def suppressed(sizes: Mapping, k: int, always: Iterable = ()) -> set:
    """The groups to hide, given each group's number of respondents.

    Primary suppression hides every group with 1 to k − 1 respondents (and ``always``).
    Secondary suppression then hides the next smallest groups until the hidden groups
    number at least two and hold at least k respondents together, so no hidden group can
    be worked out from the total and the groups shown. Empty groups stay visible: they
    describe nobody, and hiding them would protect nothing.
    """
    hidden = {group for group, n in sizes.items() if 0 < n < k}
    hidden |= set(always) & set(sizes)
    if not hidden:
        return hidden
    candidates = sorted((g for g, n in sizes.items() if g not in hidden and n > 0), key=sizes.get)
    while candidates and (len(hidden) < 2 or sum(sizes[g] for g in hidden) < k):
        hidden.add(candidates.pop(0))
    return hidden


@dataclass(frozen=True)
class Share:
    """``count`` of ``base`` as a percentage, with its 95 % margin in percentage points."""

    key: object
    label: str
    count: int
    base: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.base if self.base else None

    @property
    def moe(self) -> float | None:
        moe = proportion_moe(self.count, self.base)
        return None if moe is None else 100 * moe


def at_least(estimate: Estimate | None, k: int) -> Estimate | None:
    return estimate if estimate and estimate.n >= k else None
