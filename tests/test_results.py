"""Every figure on the board's pages, checked against values computed by hand.

The ten responses in ``board_factories.TEN`` give (k = 5 unless said otherwise):

- Q1 single, n = 10: Bra 6 (60 %), Dåligt 3 (30 %), Vet inte 1 (10 %).
  Margin for 60 %: 1.96·√(0.6·0.4/10) = 0.303642 → 30.3642 percentage points.
- Q2 multi, 10 respondents: Skola 6, Vård 4, Vägar 3, Kultur 1 (60/40/30/10 %).
- Q3 agree5: "Vet ej" 2, so 8 valid: levels 1–5 = 1, 1, 1, 3, 2 (12.5 … 37.5, 25 %).
  Agreeing (4–5) 5/8 = 62.5 % ± 1.96·√(0.625·0.375/8) = 33.5480 pp.
  Mean 28/8 = 3.5; Σx² = 112, s² = (112 − 28²/8)/7 = 2, margin 1.96·√2/√8 = 0.98.
  Index (3.5 − 1)/4·100 = 62.5 ± 0.98·25 = 24.5.
- Q4 scale 1–10: Σx = 62, mean 6.2, Σx² = 448, s² = (448 − 384.4)/9 = 7.06667,
  s = 2.658320, margin 1.96·s/√10 = 1.647644; index 5.2/9·100 = 57.7778 ± 18.30716.
- Age band (Q7): 16–34: 3, 35–64: 5, 65+: 1, no answer: 1.
"""

from datetime import date

import pytest

from consult.extensions import db
from consult.models import Channel, RoundState
from consult.results import (
    Estimate,
    Scope,
    TextPage,
    free_texts,
    get_round,
    index_estimate,
    mean_estimate,
    proportion_moe,
    response_counts,
    round_overview,
    sample_sd,
    suppressed,
    survey_results,
    survey_scope,
    trends,
)

from .board_factories import TEN, add_codes, add_response, add_responses, question
from .factories import make_survey

approx = pytest.approx


def by_label(result):
    return {share.label: (share.count, share.percent) for share in result.shares}


# Formulas -----------------------------------------------------------------------------------


def test_proportion_margin_of_error():
    assert proportion_moe(6, 10) == approx(0.303642, abs=1e-6)
    assert proportion_moe(1, 10) == approx(0.185942, abs=1e-6)
    assert proportion_moe(0, 10) == 0
    assert proportion_moe(0, 0) is None


def test_mean_and_its_margin_from_sums():
    assert sample_sd(10, 62, 448) == approx(2.658320, abs=1e-6)
    mean = mean_estimate(10, 62, 448)
    assert mean == Estimate(approx(6.2), approx(1.647644, abs=1e-6), 10)
    assert mean_estimate(1, 7, 49) == Estimate(7.0, None, 1)  # one answer: no margin
    assert mean_estimate(0, 0, 0) is None


def test_index_rescales_mean_and_margin():
    index = index_estimate(Estimate(6.2, 1.647644, 10), 1, 10)
    assert index.value == approx(57.7778, abs=1e-4)
    assert index.moe == approx(18.30716, abs=1e-5)
    assert index_estimate(Estimate(1.0, 0.0, 3), 1, 10).value == 0
    assert index_estimate(Estimate(10.0, 0.0, 3), 1, 10).value == 100


# Suppression --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "k", "hidden"),
    [
        ({"a": 10, "b": 8, "c": 6}, 5, set()),  # nothing small
        ({"a": 10, "b": 8, "c": 3}, 5, {"c", "b"}),  # c alone could be worked out: hide b
        ({"a": 10, "b": 2, "c": 2, "d": 7}, 5, {"b", "c", "d"}),  # b + c = 4 < 5: one more
        ({"a": 10, "b": 3, "c": 4}, 5, {"b", "c"}),  # two small ones with 7 together
        ({"a": 10, "b": 0, "c": 3, "d": 6}, 5, {"c", "d"}),  # an empty group protects nothing
        ({"a": 4}, 5, {"a"}),
        ({"a": 20, "b": 0}, 5, set()),  # empty groups are shown as 0
    ],
)
def test_primary_and_secondary_suppression(sizes, k, hidden):
    assert suppressed(sizes, k) == hidden


def test_suppression_keeps_groups_hidden_elsewhere_hidden():
    assert suppressed({"a": 10, "b": 9, "c": 8}, 5, always={"c"}) == {"b", "c"}


def test_a_hidden_group_can_never_be_worked_out_from_the_totals():
    """Exhaustively: whenever something is hidden, at least two groups with k together are."""
    import itertools

    for sizes in itertools.product(range(0, 8), repeat=4):
        groups = dict(enumerate(sizes))
        hidden = suppressed(groups, 5)
        assert all(groups[g] == 0 or groups[g] >= 5 or g in hidden for g in groups)
        if hidden:
            visible_nonempty = [g for g in groups if g not in hidden and groups[g] > 0]
            covered = len(hidden) >= 2 and sum(groups[g] for g in hidden) >= 5
            assert covered or not visible_nonempty


# A survey's results -------------------------------------------------------------------------


@pytest.fixture
def request_ctx(app):
    """Labels are translated lazily, in the language of a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def survey(request_ctx):
    survey = make_survey()
    add_responses(survey, TEN)
    return survey


def test_choice_questions_as_counts_and_shares_largest_first(survey):
    results = survey_results(survey, k=5)
    single, multi = results.questions[0], results.questions[1]
    assert results.n == 10 and single.respondents == 10 and single.shown
    assert [(s.label, s.count) for s in single.shares] == [
        ("Bra", 6),
        ("Dåligt", 3),
        ("Vet inte", 1),
    ]
    assert [s.percent for s in single.shares] == approx([60, 30, 10])
    assert [s.moe for s in single.shares] == approx([30.3642, 28.4031, 18.5942], abs=1e-4)
    assert multi.respondents == 10
    assert by_label(multi) == {
        "Skola": (6, approx(60)),
        "Vård": (4, approx(40)),
        "Vägar": (3, approx(30)),
        "Kultur": (1, approx(10)),
    }


def test_agreement_scale_leaves_dont_know_out_of_shares_and_mean(survey):
    agree = survey_results(survey, k=5).questions[2]
    assert agree.respondents == 10 and agree.dont_know == 2
    assert [(s.key, s.count) for s in agree.shares] == [(1, 1), (2, 1), (3, 1), (4, 3), (5, 2)]
    assert [s.percent for s in agree.shares] == approx([12.5, 12.5, 12.5, 37.5, 25])
    assert str(agree.shares[0].label) == "Instämmer inte alls"
    assert agree.agreeing.percent == approx(62.5)
    assert agree.agreeing.moe == approx(33.5480, abs=1e-4)
    assert agree.mean == Estimate(approx(3.5), approx(0.98), 8)
    assert agree.index == Estimate(approx(62.5), approx(24.5), 8)


def test_rating_scale_distribution_mean_and_index(survey):
    scale = survey_results(survey, k=5).questions[3]
    assert [(s.key, s.count) for s in scale.shares] == [
        (1, 0), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 2), (9, 1), (10, 1),
    ]  # fmt: skip
    assert scale.shares[7].percent == approx(20)
    assert scale.mean == Estimate(approx(6.2), approx(1.647644, abs=1e-6), 10)
    assert scale.index == Estimate(approx(57.7778, abs=1e-4), approx(18.30716, abs=1e-5), 10)


def test_survey_index_averages_each_respondents_rescaled_scale_answers(request_ctx):
    survey = make_survey()
    add_responses(survey, TEN)
    # The only rating scale is Q4, so the survey index equals its index.
    index = survey_results(survey, k=5).index
    assert index == Estimate(approx(57.7778, abs=1e-4), approx(18.30716, abs=1e-5), 10)


def test_free_text_counts_only_what_the_board_may_read(survey):
    first = add_response(survey, {}, texts={5: "Lugnt", 6: "Ring 070-123 45 67"})
    add_response(survey, {}, texts={5: "Fint"}).answers[0].hidden = True
    db.session.commit()
    results = survey_results(survey, k=5)
    short, long = results.questions[4], results.questions[5]
    assert (short.respondents, short.visible_texts) == (2, 1)
    assert (long.respondents, long.visible_texts) == (1, 1)
    assert results.n == 12 and first.id


def test_a_survey_below_k_shows_its_count_only(request_ctx):
    survey = make_survey()
    add_responses(survey, TEN[:4])
    results = survey_results(survey, k=5)
    assert results.n == 4 and not results.shown
    assert results.questions == [] and results.index is None


def test_a_question_answered_by_fewer_than_k_is_not_shown(survey):
    add_response(survey, {}, texts={5: "Ett ord"})
    db.session.commit()
    results = survey_results(survey, k=5)
    assert results.questions[0].respondents == 10 and results.questions[0].shown
    assert survey_results(survey, k=11).shown
    assert not survey_results(survey, k=11).questions[0].shown


# Simulated responses never mix with real ones -----------------------------------------------


def test_simulated_responses_are_counted_apart(survey):
    add_responses(survey, TEN[:3], channel=Channel.SIMULATED)
    real = survey_results(survey, k=5)
    simulated = survey_results(survey, k=3, simulated=True)
    assert real.n == 10 and real.has_other_kind and not real.scope.pure
    assert real.questions[0].respondents == 10
    assert simulated.n == 3 and [s.count for s in simulated.questions[0].shares] == [3, 0, 0]
    assert response_counts() == {survey.id: 10}


def test_a_survey_without_simulated_responses_skips_the_channel_join(survey):
    assert survey_scope(survey) == (Scope(simulated=False, pure=True), 10)
    assert survey_scope(survey, simulated=True) == (Scope(simulated=True, pure=False), 0)


# Breakdowns ---------------------------------------------------------------------------------


def group_sizes(breakdown):
    return {str(g.label): (None if g.hidden else g.size) for g in breakdown.groups}


def test_breakdown_hides_small_groups_and_one_more_so_none_can_be_worked_out(survey):
    age = question(survey, 7)
    results = survey_results(survey, k=3, by=age)
    # 65+ (1) and "no answer" (1) hold 2 < 3 together: the next smallest, 16–34 (3), goes too.
    assert group_sizes(results.breakdown) == {
        "16–34": None, "35–64": 5, "65+": None, "Uppgift saknas": None,
    }  # fmt: skip
    single = dict(
        (str(g.label), r) for g, r in results.breakdown.questions[question(survey, 1).id].rows
    )
    assert single["16–34"] is None and single["65+"] is None
    assert by_label(single["35–64"]) == {
        "Bra": (3, approx(60)), "Dåligt": (1, approx(20)), "Vet inte": (1, approx(20)),
    }  # fmt: skip
    agree = dict(
        (str(g.label), r) for g, r in results.breakdown.questions[question(survey, 3).id].rows
    )
    assert agree["35–64"].dont_know == 1 and agree["35–64"].mean.value == approx(3.5)


def test_breakdown_with_default_k_hides_all_small_groups(survey):
    results = survey_results(survey, k=5, by=question(survey, 7))
    assert group_sizes(results.breakdown) == {
        "16–34": None, "35–64": 5, "65+": None, "Uppgift saknas": None,
    }  # fmt: skip
    assert question(survey, 7).id not in results.breakdown.questions  # not by itself
    assert question(survey, 5).id not in results.breakdown.questions  # never free text


def test_breakdown_suppresses_per_question_by_who_answered_it(request_ctx):
    """Both groups have 4 members (k = 3), but only two in one group answered Q3: that cell
    is hidden, and so is the other group's, or it could be worked out from the total."""
    survey = make_survey()
    rows = [{1: "Bra", 3: 4, 7: "16–34"}] * 2 + [{1: "Bra", 7: "16–34"}] * 2
    rows += [{1: "Dåligt", 3: 2, 7: "35–64"}] * 4
    add_responses(survey, rows)
    results = survey_results(survey, k=3, by=question(survey, 7))
    assert group_sizes(results.breakdown) == {"16–34": 4, "35–64": 4, "65+": 0, "Uppgift saknas": 0}
    single = [r for _, r in results.breakdown.questions[question(survey, 1).id].rows]
    agree = [r for _, r in results.breakdown.questions[question(survey, 3).id].rows]
    assert [r is None for r in single] == [False, False, False, False]
    assert [r is None for r in agree] == [True, True, False, False]
    assert results.questions[2].respondents == 6  # the overall figure is still shown


# Overview of a round ------------------------------------------------------------------------


def test_round_overview_counts_by_channel_day_and_response_rate(request_ctx):
    survey = make_survey()
    other = make_survey("andra")
    add_responses(survey, TEN[:6], day=date(2026, 5, 4))
    add_responses(survey, TEN[6:8], day=date(2026, 5, 5), channel=Channel.PAPER)
    add_responses(other, TEN[:2], day=date(2026, 5, 5))
    add_responses(survey, TEN[:5], channel=Channel.SIMULATED)
    add_codes(survey, 16, used=6)

    overview = round_overview(get_round(survey.round_id), k=5)
    (area,) = overview.areas
    (row,) = area.surveys
    assert row.channels == {Channel.WEB: 6, Channel.PAPER: 2} and row.n == 8
    assert row.codes == 16 and row.response_rate == approx(50)
    area_id = survey.target_area_id
    assert [(d.day, d.channels, d.areas) for d in overview.days] == [
        (date(2026, 5, 4), {Channel.WEB: 6}, {area_id: 6}),
        (date(2026, 5, 5), {Channel.PAPER: 2}, {area_id: 2}),
    ]
    assert overview.has_other_kind
    # Index of the area from Q4's 8 answers: 8 7 9 3 6 2 10 5 → mean 6.25.
    assert area.index.value == approx((6.25 - 1) / 9 * 100)
    assert area.index.n == 8

    other_round = round_overview(get_round(other.round_id), k=5)
    assert other_round.areas[0].index is None  # 2 respondents < k
    assert other_round.areas[0].surveys[0].response_rate is None  # no codes


def test_target_area_index_pools_the_areas_surveys(request_ctx):
    survey = make_survey()
    add_responses(survey, TEN)
    overview = round_overview(get_round(survey.round_id), k=5)
    assert overview.areas[0].index == Estimate(
        approx(57.7778, abs=1e-4), approx(18.30716, abs=1e-5), 10
    )


# Trends -------------------------------------------------------------------------------------


def test_trends_follow_question_keys_across_rounds(request_ctx):
    first = make_survey("v1", state=RoundState.CLOSED)
    second = make_survey("v2")
    add_responses(first, TEN)
    add_responses(second, [{3: 5, 4: 10, 1: "Bra"}] * 5 + [{3: 1, 4: 1, 1: "Dåligt"}] * 5)
    found = {trend.key: trend for trend in trends(k=5)}
    assert set(found) == {"safe", "grade"}  # age_band is a background question
    grade = found["grade"].series[0].points
    assert [p.round.id for p in grade] == [first.round_id, second.round_id]
    assert grade[0].value == approx(57.7778, abs=1e-4)
    assert grade[0].moe == approx(18.30716, abs=1e-5)
    # Second round: five 10s and five 1s: mean 5.5, s² = (505 − 55²/10)/9 = 22.5.
    assert grade[1].value == approx(50)
    assert grade[1].moe == approx(1.96 * 22.5**0.5 / 10**0.5 * 100 / 9)
    safe = found["safe"].series[0].points
    assert [p.value for p in safe] == approx([62.5, 50])
    assert safe[1].moe == approx(1.96 * (0.25 / 10) ** 0.5 * 100)


def test_trends_leave_out_rounds_below_k(request_ctx):
    first = make_survey("v1", state=RoundState.CLOSED)
    second = make_survey("v2")
    add_responses(first, TEN)
    add_responses(second, TEN[:3])
    (grade, safe) = sorted(trends(k=5), key=lambda trend: trend.key)
    assert [len(s.points) for s in grade.series + safe.series] == [1, 1]


# Free text ----------------------------------------------------------------------------------


def test_free_text_is_redacted_searchable_and_never_the_original(request_ctx):
    survey = make_survey()
    add_response(survey, {}, texts={6: "Ring mig på 070-123 45 67 om parken"})
    add_response(survey, {}, texts={6: "Mejla anna@example.se om skolan"})
    hidden = add_response(survey, {}, texts={6: "Dölj mig, parken"})
    hidden.answers[0].hidden = True
    db.session.commit()
    long = question(survey, 6)
    scope, _ = survey_scope(survey)

    page = free_texts(long, scope)
    assert isinstance(page, TextPage) and page.total == 2
    assert [row.redacted_text for row in page.items] == [
        "Mejla [e-postadress] om skolan",
        "Ring mig på [telefonnummer] om parken",
    ]
    assert free_texts(long, scope, search="PARKEN").total == 1
    assert free_texts(long, scope, search="070").total == 0  # redacted away: not findable
    assert free_texts(long, scope, search="anna").total == 0
    assert free_texts(long, scope, search="%").total == 0  # LIKE wildcards are literal
    assert free_texts(long, scope, include_hidden=True).total == 3
