"""The questionnaire model: plain frozen data that every other part of the app reads.

Nothing here knows about Flask, WTForms or SQLAlchemy. Answers are a dict keyed by
`link_id`; the value's Python type follows the item type:

    single, open text, email, phone  -> str (a choice code for `single`)
    multi                            -> list[str] of choice codes, in choice order
    boolean, consent                 -> bool
    integer, scale                   -> int
    date                             -> "YYYY-MM-DD"
    month_year                       -> "YYYY-MM"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Iterator, Mapping

from intake.questionnaire.dates import age_on, parse_date

# The page after the last step, where the patient checks every answer before sending.
REVIEW = "review"


def N_(text: str) -> str:
    """Mark a string for translation without translating it (Babel extracts `N_`)."""
    return text


def NP_(context: str, text: str) -> str:
    """`N_` with a gettext context, for words that translate differently by use.

    The ends of a 0-10 scale use the context "scale": "Not at all" there is "Nada" in
    Spanish, while the GAD-7 and PHQ option "Not at all" is "Ningún día".
    Whatever shows such a text translates it with `pgettext(context, text)`.
    """
    return text


class ItemType(StrEnum):
    SINGLE = "single"  # radio buttons
    MULTI = "multi"  # checkbox group; a choice may be exclusive ("None of these")
    BOOLEAN = "boolean"  # yes / no radio pair
    CONSENT = "consent"  # one checkbox that must be ticked
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # a text area with a length limit
    EMAIL = "email"
    PHONE = "phone"
    INTEGER = "integer"  # bounded whole number
    SCALE = "scale"  # 0-10 rating
    DATE = "date"
    MONTH_YEAR = "month_year"


CHOICE_TYPES = frozenset({ItemType.SINGLE, ItemType.MULTI})
TEXT_TYPES = frozenset({ItemType.TEXT, ItemType.LONG_TEXT, ItemType.EMAIL, ItemType.PHONE})
NUMBER_TYPES = frozenset({ItemType.INTEGER, ItemType.SCALE})


class Operator(StrEnum):
    EQUALS = "="  # for a multi item: the answer list contains the code
    NOT_EQUALS = "!="
    EXISTS = "exists"  # answered (answer=True) or not answered (answer=False)


@dataclass(frozen=True)
class Choice:
    code: str
    display: str
    exclusive: bool = False  # ticking it clears every other choice ("None of these")
    ordinal: int | None = None  # score value of the option (GAD-7, PHQ)
    # The gettext context of `display` (see `NP_`): each instrument's options have their
    # own, so that each follows its publisher's translation word for word.
    context: str | None = None


@dataclass(frozen=True)
class EnableWhen:
    question: str
    operator: Operator
    answer: str | bool

    def holds(self, answers: Mapping[str, Any]) -> bool:
        given = answers.get(self.question)
        if self.operator is Operator.EXISTS:
            return (given not in (None, "", [])) is self.answer
        matched = self.answer in given if isinstance(given, list) else given == self.answer
        return matched if self.operator is Operator.EQUALS else not matched


@dataclass(frozen=True)
class Coding:
    """A standard code for an item (e.g. LOINC for GAD-7 questions)."""

    system: str
    code: str
    display: str


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str
    type: ItemType
    required: bool = False
    # What an unanswered required item says, in the patient's words ("Enter your first name").
    required_message: str | None = None
    help: str | None = None
    choices: tuple[Choice, ...] = ()
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: str = "any"  # "any" or "all", as in FHIR
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    not_future: bool = False  # dates and months
    max_years_ago: int | None = None  # e.g. 120 for a date of birth
    choices_from: str | None = None  # offer only the codes answered to this item
    fixed_wording: bool = False  # validated instrument text: never reworded
    code: Coding | None = None
    min_label: str | None = None  # what the ends of a scale mean
    max_label: str | None = None
    time_frame: str | None = None  # an instrument's period, beside each of its items
    # Shown only when a step rule asks it (AskWhenUnder) or it holds an answer.
    asked_by_rule: bool = False
    figure: str | None = None  # a line drawing shown beside the question (templates/figures/)

    def enabled(self, answers: Mapping[str, Any]) -> bool:
        # "Which of the places you chose did it start in?" means nothing for one place.
        if self.choices_from and len(answers.get(self.choices_from) or []) < 2:
            return False
        if not self.enable_when:
            return True
        results = (condition.holds(answers) for condition in self.enable_when)
        return all(results) if self.enable_behavior == "all" else any(results)

    def earlier_pages_allow(self, answers: Mapping[str, Any], on_this_page: frozenset[str]) -> bool | None:
        """What the conditions on other pages' answers say (their result alone when every
        condition is on another page, the page can hide the question itself), or None
        when the item has no such condition."""
        elsewhere = [c for c in self.enable_when if c.question not in on_this_page]
        if not elsewhere:
            return None
        results = [c.holds(answers) for c in elsewhere]
        return all(results) if self.enable_behavior == "all" else any(results)

    def choice(self, code: str) -> Choice | None:
        return next((c for c in self.choices if c.code == code), None)

    @property
    def exclusive_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.choices if c.exclusive)


@dataclass(frozen=True)
class AtLeastOne:
    """A step rule: at least one of these items must be answered. The page asks them as one
    question, `legend` ("Email or mobile phone (at least one)"), with one message."""

    link_ids: tuple[str, ...]
    message: str
    legend: str | None = None


@dataclass(frozen=True)
class AskWhenUnder:
    """A step rule: when the date of birth is under `age` and the respondent said they are
    the patient, `item` must be answered (who is really filling in the form)."""

    item: str
    birth_date: str
    respondent: str
    age: int
    message: str

    def applies(self, answers: Mapping[str, Any], today: date) -> bool:
        born = answers.get(self.birth_date)
        if not isinstance(born, str) or answers.get(self.respondent, "patient") != "patient":
            return False
        birth = parse_date(born)
        return birth is not None and age_on(birth, today) < self.age


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None
    rules: tuple[AtLeastOne | AskWhenUnder, ...] = ()
    footnote: str | None = None  # e.g. the GAD-7 reproduction notice


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    url: str
    steps: tuple[Step, ...]
    copyright: str | None = None  # the instruments' reproduction notice
    _items: dict[str, Item] = field(init=False, repr=False, compare=False)
    _step_of: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items = {item.link_id: item for step in self.steps for item in step.items}
        step_of = {item.link_id: step for step in self.steps for item in step.items}
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_step_of", step_of)

    def items(self) -> Iterator[Item]:
        for step in self.steps:
            yield from step.items

    def item(self, link_id: str) -> Item:
        return self._items[link_id]

    def has_item(self, link_id: str) -> bool:
        return link_id in self._items

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def step_of(self, link_id: str) -> Step:
        return self._step_of[link_id]

    def step_index(self, step_id: str) -> int:
        return [s.id for s in self.steps].index(step_id)

    # --- where a patient may go: the steps in order, then the review page ---------------

    def page_index(self, page: str) -> int:
        """Position of a page: a step's, with the review page after the last step."""
        return len(self.steps) if page == REVIEW else self.step_index(page)

    def next_page(self, step: Step) -> str:
        index = self.step_index(step.id)
        return self.steps[index + 1].id if index + 1 < len(self.steps) else REVIEW

    def previous_page(self, step: Step) -> str:
        return self.steps[max(self.step_index(step.id) - 1, 0)].id

    def answers_outside(self, step: Step, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers of every other step: what one step's checks may depend on."""
        return {k: v for k, v in answers.items() if self.has_item(k) and self.step_of(k).id != step.id}

    def first_incomplete_step(self, answers: Mapping[str, Any]) -> Step | None:
        return next((step for step in self.steps if self.missing_required(step, answers)), None)

    def enabled_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Drop answers to unknown items and to items their enableWhen turns off.

        Items are walked in order, so a chain (C depends on B depends on A) collapses
        when A changes.
        """
        kept: dict[str, Any] = {}
        for item in self.items():
            if item.link_id in answers and item.enabled(kept):
                kept[item.link_id] = answers[item.link_id]
        return kept

    def missing_required(self, step: Step, answers: Mapping[str, Any]) -> list[Item]:
        return [
            item
            for item in step.items
            if item.required and item.enabled(answers) and answers.get(item.link_id) in (None, "", [])
        ]
