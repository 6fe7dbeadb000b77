"""Aggregation for staff and board pages: counts, shares, means, indices, margins of error
and small-group suppression.

Every figure is counted in SQL (GROUP BY on indexed columns); Python only turns a handful
of aggregated rows into estimates, so a page costs about the same at 100k responses as at
1k. Real and simulated responses (``Channel.SIMULATED``) are never mixed: every result is
computed either from the real responses or, when asked for, from the simulated ones.

The board reads free text only as ``Answer.redacted_text``; nothing here selects
``Answer.text``.

The modules, each building on those before it: ``formulas`` (estimates, suppression),
``cache`` (aggregates kept per process), ``scope`` (which responses count), ``tallies``
(the GROUP BY queries and the result per question), ``breakdowns``, ``surveys``,
``rounds``, ``trends`` and ``texts`` (free text). What other parts of the app use is
imported here.
"""

from .breakdowns import QuestionBreakdown, breakdown, breakdown_questions
from .formulas import (
    Estimate,
    Share,
    index_estimate,
    mean_estimate,
    proportion_moe,
    sample_sd,
    suppressed,
)
from .rounds import RoundOverview, get_round, round_overview
from .scope import Scope, response_counts, rounds_with_surveys
from .surveys import SurveyResults, survey_results, survey_scope
from .tallies import QuestionResult
from .texts import TextPage, free_texts
from .trends import Trend, trends

__all__ = [
    "Estimate",
    "QuestionBreakdown",
    "QuestionResult",
    "RoundOverview",
    "Scope",
    "Share",
    "SurveyResults",
    "TextPage",
    "Trend",
    "breakdown",
    "breakdown_questions",
    "free_texts",
    "get_round",
    "index_estimate",
    "mean_estimate",
    "proportion_moe",
    "response_counts",
    "round_overview",
    "rounds_with_surveys",
    "sample_sd",
    "suppressed",
    "survey_results",
    "survey_scope",
    "trends",
]
