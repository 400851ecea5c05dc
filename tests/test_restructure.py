"""The offline "stronger version": the candidate's own sentences in STAR order, placeholders
for the missing parts, nothing invented."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from interviewer.grading.offline.text import split_sentences
from interviewer.views.restructure import STAR_ORDER, placeholders, restructure
from tests.cli_helpers import run_cli
from tests.test_report import make_session

RETAIL = (
    "We had queues out of the door every Saturday at the Leeds store. My job as shift lead "
    "was to get the wait under five minutes. I moved two people from the stockroom to the "
    "tills at peak hours and I opened a click-and-collect desk. Average wait fell from 12 "
    "minutes to 4 and complaints dropped by half. I learned to read the footfall data before "
    "I plan a rota."
)
# No result and no lesson.
NURSING = (
    "On a night shift on the cardiac ward, a patient's potassium came back dangerously high. "
    "I was the nurse responsible for him that night. I paused the infusion, called the "
    "registrar and repeated the bloods."
)
TEACHING = (
    "My Year 9 class was two grades behind in reading at the start of the spring term. "
    "I had to close the gap before their mock exams in June. I re-planned the unit around "
    "weekly quizzes, and I paired weaker readers with confident ones; I also sent parents a "
    "short reading list. Reading scores went from 54% to 71% by the summer."
)
# Labelled, and scrambled: the labels say which part each sentence is.
ENGINEERING = (
    "Result: Builds took 9 minutes instead of 40.\n"
    "Action: I cached the dependencies and split the tests across 8 runners.\n"
    "Lesson: I now measure a pipeline before I tune it.\n"
    "Situation: Our CI pipeline took 40 minutes per merge request.\n"
    "Task: I owned build speed for the platform team."
)
FIELDS = {"retail": RETAIL, "nursing": NURSING, "teaching": TEACHING, "engineering": ENGINEERING}

WORDS = re.compile(r"[A-Za-z0-9%$'’-]+")


def _words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORDS.findall(text))


def _without_placeholders(text: str) -> str:
    for placeholder in placeholders().values():
        text = text.replace(placeholder, " ")
    return text


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_every_sentence_appears_exactly_once_and_nothing_is_invented(field: str) -> None:
    answer = FIELDS[field]
    result = restructure(answer)
    assert [p.part for p in result.parts] == list(STAR_ORDER)
    shown = [s for p in result.parts for s in p.sentences]
    own = [s.text for s in split_sentences(answer)]
    assert sorted(shown) == sorted(own)  # each of the candidate's sentences, once, unchanged
    text = result.text()
    for sentence in own:
        assert text.count(sentence) == 1, sentence
    # the same words, as often as the candidate said them: none added outside placeholders
    assert _words(_without_placeholders(text)) == _words(answer)


def test_missing_result_and_lesson_become_placeholders() -> None:
    result = restructure(NURSING)
    assert {"result", "lessons_learned"} <= set(result.missing)
    text = result.text()
    assert "[Result: what changed, with a number]" in text
    assert "[Lessons: what you do differently since]" in text
    parts = {p.part: p for p in result.parts}
    assert parts["result"].placeholder == placeholders()["result"]
    assert text.index("On a night shift") < text.index("I paused the infusion")


def test_a_complete_answer_needs_no_placeholder() -> None:
    result = restructure(RETAIL)
    assert result.missing == []
    assert "[" not in result.text()


def test_labelled_answer_is_put_in_star_order() -> None:
    text = restructure(ENGINEERING).text()
    order = ["Situation:", "Task:", "Action:", "Result:", "Lesson:"]
    assert [text.index(label) for label in order] == sorted(text.index(x) for x in order)
    # the candidate's own labels stay, and no second one is added
    labelled = restructure(ENGINEERING).text(labels=True)
    assert "Situation: Situation:" not in labelled and labelled.count("Action:") == 1


def test_labels_name_each_part_and_sentences_keep_their_punctuation() -> None:
    text = restructure(TEACHING).text(labels=True)
    assert "Action: I re-planned the unit" in text
    assert text.index("Situation: ") < text.index("Action: ") < text.index("Result: ")
    # the splitter cuts at "; ", the paragraph keeps it
    assert "confident ones; I also sent parents" in text


def test_a_piece_moved_away_from_its_sentence_ends_as_one() -> None:
    # "; " splits the first sentence; its second half is the result, told before the lesson
    answer = (
        "Our checkout page was timing out at lunchtime. I rewrote the slowest query, and "
        "timeouts went from 40 a day to 2; what I learned is to profile before guessing"
    )
    result = restructure(answer)
    parts = {p.part: p for p in result.parts}
    for part in parts.values():
        assert not part.body or part.body.endswith((".", "!", "?")), part
    assert "what I learned is to profile before guessing" in result.text()


def test_an_empty_answer_is_all_placeholders() -> None:
    result = restructure("")
    assert result.missing == list(STAR_ORDER)
    assert result.text() == "\n\n".join(placeholders()[p] for p in STAR_ORDER)


def test_placeholders_come_from_the_report_data_file_and_stay_bracketed() -> None:
    texts = placeholders()
    assert set(texts) == set(STAR_ORDER)
    assert all(t.startswith("[") and t.endswith("]") for t in texts.values())
    own = restructure(NURSING, {p: f"[fill in {p}]" for p in STAR_ORDER}).text()
    assert "[fill in result]" in own and "[fill in lessons_learned]" in own


def test_coach_command_without_an_llm_shows_the_answer_in_star_order(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    make_session(db, {"q1": NURSING})
    result = run_cli("coach", "last", "q1", "--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "[Result: what changed, with a number]" in out
    assert "[Lessons: what you do differently since]" in out
    for sentence in split_sentences(NURSING):
        assert out.count(sentence.text) == 1
    assert out.index("On a night shift") < out.index("I paused the infusion")
    assert "needs an LLM" not in result.output and "No LLM is configured" in result.stderr
