"""The same person's submissions side by side (issue 27, part 7): pure, table-tested."""

from datetime import date

from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.questionnaire.visits import CHART_HEIGHT, CHART_PAD, CHART_WIDTH, Visit, bother_chart, compare
from tests.answers import MARIA

BEFORE = {**MARIA, "twitch.bother": 8, "history.botox_effect": "much_better", "history.botox_weeks": 10}
NOW = {**MARIA, "twitch.bother": 4, "twitch.spread": "no"}


def visits():
    return [Visit(date(2026, 12, 1), "NOWW-2222", NOW), Visit(date(2026, 9, 1), "BFOR-2222", BEFORE)]


def test_it_compares_oldest_first_and_marks_what_changed():
    rows = {row.label: (row.values, row.changed) for row in compare(QUESTIONNAIRE, visits())}
    assert rows["Bother"] == (("8/10", "4/10"), True)
    assert rows["Spread"] == (("Yes", "No"), True)
    assert rows["Botox effect"] == (("Much better", "A little better"), True)
    assert rows["Botox: weeks it helped"] == (("10", "6"), True)
    assert rows["GAD-7 total"][1] is False, "the same score both times"


def test_a_measure_nobody_answered_is_left_out():
    bare = [Visit(date(2026, 1, 1), "A", {}), Visit(date(2026, 2, 1), "B", {"twitch.bother": 3})]
    assert [row.label for row in compare(QUESTIONNAIRE, bare)] == ["Bother"]
    assert compare(QUESTIONNAIRE, bare)[0].values == ("", "3/10")


def test_the_chart_puts_10_at_the_top_and_spreads_the_dates():
    first, last = bother_chart(visits())
    assert (first.x, last.x) == (CHART_PAD, CHART_WIDTH - CHART_PAD)
    assert first.y == round(CHART_PAD + (CHART_HEIGHT - 2 * CHART_PAD) * 0.2, 1)  # 8 of 10
    assert last.y == round(CHART_PAD + (CHART_HEIGHT - 2 * CHART_PAD) * 0.6, 1)  # 4 of 10
    assert (first.label, last.label) == ("Sep 2026: 8/10", "Dec 2026: 4/10")


def test_one_score_draws_no_chart():
    assert bother_chart(visits()[:1]) == ()
