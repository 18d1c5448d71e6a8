import pytest

from intake.questionnaire.scoring import (
    GAD2,
    GAD7,
    GAD7_ITEMS,
    PHQ2,
    PHQ2_ITEMS,
    PHQ4,
    Band,
    Instrument,
    score,
    score_all,
)


def gad7(*values: int) -> dict[str, str]:
    return {link_id: str(v) for link_id, v in zip(GAD7_ITEMS, values, strict=True)}


def phq2(*values: int) -> dict[str, str]:
    return {link_id: str(v) for link_id, v in zip(PHQ2_ITEMS, values, strict=True)}


def phq4(g1: int, g2: int, p1: int, p2: int) -> dict[str, str]:
    # GAD items 3-7 are answered too, to show they do not count towards PHQ-4.
    return gad7(g1, g2, 3, 3, 3, 3, 3) | phq2(p1, p2)


@pytest.mark.parametrize(
    "answers, total, band, positive",
    [
        (gad7(0, 0, 0, 0, 0, 0, 0), 0, "Minimal", False),
        (gad7(1, 1, 1, 1, 0, 0, 0), 4, "Minimal", False),
        (gad7(1, 1, 1, 1, 1, 0, 0), 5, "Mild", False),
        (gad7(3, 3, 3, 0, 0, 0, 0), 9, "Mild", False),
        (gad7(3, 3, 3, 1, 0, 0, 0), 10, "Moderate", True),
        (gad7(2, 2, 2, 2, 2, 2, 2), 14, "Moderate", True),
        (gad7(3, 3, 3, 3, 3, 0, 0), 15, "Severe", True),
        (gad7(3, 3, 3, 3, 3, 3, 3), 21, "Severe", True),
    ],
)
def test_it_scores_gad7_at_every_boundary(answers, total, band, positive):
    result = score(GAD7, answers)
    assert (result.total, result.band, result.positive) == (total, band, positive)
    assert result.complete and result.missing == ()


@pytest.mark.parametrize(
    "instrument, answers, total, positive",
    [
        (GAD2, gad7(1, 1, 3, 3, 3, 3, 3), 2, False),
        (GAD2, gad7(2, 1, 0, 0, 0, 0, 0), 3, True),
        (GAD2, gad7(3, 3, 0, 0, 0, 0, 0), 6, True),
        (PHQ2, phq2(0, 2), 2, False),
        (PHQ2, phq2(1, 2), 3, True),
        (PHQ2, phq2(3, 3), 6, True),
    ],
)
def test_it_screens_gad2_and_phq2_at_three(instrument, answers, total, positive):
    result = score(instrument, answers)
    assert (result.total, result.positive, result.band) == (total, positive, None)


def test_it_scores_gad2_from_gad7_items_one_and_two_only():
    assert GAD2.item_link_ids == ("stress.gad7.1", "stress.gad7.2")
    assert score(GAD2, gad7(0, 0, 3, 3, 3, 3, 3)).total == 0


@pytest.mark.parametrize(
    "answers, total, band",
    [
        (phq4(0, 0, 0, 0), 0, "Normal"),
        (phq4(1, 0, 1, 0), 2, "Normal"),
        (phq4(1, 1, 1, 0), 3, "Mild"),
        (phq4(2, 1, 1, 1), 5, "Mild"),
        (phq4(2, 2, 1, 1), 6, "Moderate"),
        (phq4(2, 2, 2, 2), 8, "Moderate"),
        (phq4(3, 2, 2, 2), 9, "Severe"),
        (phq4(3, 3, 3, 3), 12, "Severe"),
    ],
)
def test_it_scores_phq4_at_every_boundary(answers, total, band):
    result = score(PHQ4, answers)
    assert (result.total, result.band, result.positive) == (total, band, None)


@pytest.mark.parametrize(
    "instrument, answers, missing",
    [
        (GAD7, gad7(3, 3, 3, 3, 3, 3, 3) | {"stress.gad7.4": None}, ("stress.gad7.4",)),
        (
            GAD7,
            {k: v for k, v in gad7(1, 1, 1, 1, 1, 1, 1).items() if k != "stress.gad7.7"},
            ("stress.gad7.7",),
        ),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.2": "4"}, ("stress.gad7.2",)),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.3": "often"}, ("stress.gad7.3",)),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.5": ""}, ("stress.gad7.5",)),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.6": "-1"}, ("stress.gad7.6",)),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.1": 2}, ("stress.gad7.1",)),
        (GAD7, gad7(1, 1, 1, 1, 1, 1, 1) | {"stress.gad7.1": ["2"]}, ("stress.gad7.1",)),
        (PHQ2, {"stress.phq2.1": "3"}, ("stress.phq2.2",)),
        (PHQ2, {"stress.phq2.1": " 3", "stress.phq2.2": "3"}, ("stress.phq2.1",)),
        (PHQ4, gad7(3, 3, 3, 3, 3, 3, 3), PHQ2_ITEMS),
        (GAD2, {}, ("stress.gad7.1", "stress.gad7.2")),
    ],
)
def test_it_marks_incomplete_and_never_gives_a_number(instrument, answers, missing):
    result = score(instrument, answers)
    assert result.total is None
    assert result.band is None and result.positive is None
    assert not result.complete
    assert result.missing == missing
    assert result.label.startswith("Incomplete")


@pytest.mark.parametrize(
    "instrument, answers, at_least, label",
    [
        # GAD-7 cut-points 5, 10, 15 (Spitzer et al., Arch Intern Med 2006); a missing item
        # adds 0 to 3, so the answered items are a floor for the total.
        (GAD7, gad7(3, 3, 3, 3, 3, 3, 3) | {"stress.gad7.4": None}, 18,
         "Incomplete, at least 18 (already at or above 15: Severe, further evaluation recommended)"),
        (GAD7, gad7(2, 2, 2, 2, 1, 1, 0) | {"stress.gad7.7": None}, 10,
         "Incomplete, at least 10 (already at or above 10: Moderate, further evaluation recommended)"),
        (GAD7, gad7(1, 1, 1, 1, 1, 0, 0) | {"stress.gad7.7": None}, 5,
         "Incomplete, at least 5 (already at or above 5: Mild)"),
        (GAD7, gad7(1, 1, 1, 1, 0, 0, 0) | {"stress.gad7.7": None}, 4, "Incomplete"),
        # PHQ-2 and GAD-2: 3 or more is a positive screen (Kroenke et al. 2003, 2007).
        (PHQ2, {"stress.phq2.1": "3"}, 3, "Incomplete, at least 3 (already at or above 3: positive screen)"),
        (PHQ2, {"stress.phq2.1": "2"}, 2, "Incomplete"),
        (GAD2, {}, 0, "Incomplete"),
    ],
)  # fmt: skip
def test_an_incomplete_score_gives_the_floor_and_the_threshold_it_already_reaches(
    instrument, answers, at_least, label
):
    result = score(instrument, answers)
    assert (result.total, result.at_least, result.label) == (None, at_least, label)


def test_an_incomplete_score_at_the_cut_off_is_already_positive_but_never_complete():
    result = score(GAD7, gad7(3, 3, 3, 1, 0, 0, 0) | {"stress.gad7.7": None})
    assert result.already_positive and result.positive is None and not result.complete
    assert not score(GAD7, gad7(3, 3, 3, 0, 0, 0, 0) | {"stress.gad7.7": None}).already_positive


def test_it_scores_all_instruments_in_a_fixed_order():
    results = score_all(phq4(3, 3, 0, 0))
    assert [r.instrument.name for r in results] == ["GAD-7", "GAD-2", "PHQ-2", "PHQ-4"]
    assert [r.total for r in results] == [21, 6, 0, 6]


def test_it_scores_all_as_incomplete_when_nothing_is_answered():
    assert all(not r.complete and r.total is None for r in score_all({}))


def test_it_writes_a_one_line_label():
    assert score(GAD7, gad7(2, 2, 2, 2, 2, 2, 0)).label == (
        "12 of 21, Moderate, further evaluation recommended"
    )
    assert score(PHQ2, phq2(0, 1)).label == "1 of 6"
    assert score(GAD2, gad7(3, 0, 0, 0, 0, 0, 0)).label == "3 of 6, positive screen"


def test_it_rejects_instrument_data_whose_bands_leave_a_gap():
    with pytest.raises(ValueError, match="bands"):
        Instrument("x", "X", ("a", "b"), 6, bands=(Band(0, 2, "Low"), Band(4, 6, "High")))


def test_it_rejects_instrument_data_whose_maximum_does_not_match_its_items():
    with pytest.raises(ValueError, match="max_score"):
        Instrument("x", "X", ("a", "b"), 9)


def test_it_accepts_a_new_instrument_as_data_only():
    five_point = Instrument(
        "new",
        "New",
        ("a", "b"),
        8,
        bands=(Band(0, 3, "Low"), Band(4, 8, "High")),
        item_max=4,
    )
    result = score(five_point, {"a": "4", "b": "1"})
    assert (result.total, result.band) == (5, "High")
