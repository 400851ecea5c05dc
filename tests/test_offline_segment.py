"""Finding the STAR parts: labels, discourse cues, and unpunctuated speech."""

from __future__ import annotations

from interviewer.grading.offline.segment import segment
from interviewer.grading.offline.text import split_sentences
from interviewer.grading.offline.words import stem


def parts_of(text: str) -> dict[str, list[str]]:
    seg = segment(split_sentences(text))
    return {part: [s.text for s in sents] for part, sents in seg.parts.items()}


def test_explicit_labels_win_and_last_until_the_next_label() -> None:
    text = (
        "Situation: Our churn model was stale. Nobody had retrained it in a year.\n"
        "Task: I had to refresh it.\n"
        "Action: I rebuilt the features. I retrained it on recent data.\n"
        "Result: Precision rose by 8 points.\n"
        "Lessons learned: Schedule retraining."
    )
    parts = parts_of(text)
    assert parts["situation"] == [
        "Situation: Our churn model was stale.",
        "Nobody had retrained it in a year.",
    ]
    assert parts["task"] == ["Task: I had to refresh it."]
    assert len(parts["action"]) == 2
    assert parts["result"] == ["Result: Precision rose by 8 points."]
    assert parts["lessons_learned"] == ["Lessons learned: Schedule retraining."]


def test_unlabelled_parts_are_found_from_cues_and_position() -> None:
    text = (
        "At my last company our search ranking was running on stale features. "
        "My job was to get relevance back before the sale. "
        "I compared the feature logs with the training data and I rebuilt the join. "
        "As a result, click-through went back up by 12%. "
        "Looking back, I learned to test feature freshness on every release."
    )
    parts = parts_of(text)
    first = lambda part: parts[part][0].split()[0:2]  # noqa: E731
    assert first("situation") == ["At", "my"]
    assert first("task") == ["My", "job"]
    assert first("action") == ["I", "compared"]
    assert first("result") == ["As", "a"]
    assert first("lessons_learned") == ["Looking", "back,"]


def test_a_run_of_speech_with_no_punctuation_is_cut_at_discourse_cues() -> None:
    text = (
        "so um basically we had this fraud model that was like flagging everything and my job "
        "was to sort it out before the audit and so what I did was I pulled a sample of the "
        "alerts and I went through them with the analysts and then I found the threshold was "
        "wrong for new merchants and in the end the alerts dropped by half and I learned that "
        "you have to look at the errors yourself"
    )
    sents = split_sentences(text)
    assert len(sents) >= 4
    assert all(text[s.start : s.end] == s.text for s in sents)
    parts = parts_of(text)
    assert parts["task"] and parts["action"] and parts["result"] and parts["lessons_learned"]


def test_fillers_are_dropped_from_the_features_but_not_from_the_quote() -> None:
    [s] = split_sentences("Um, I, like, basically rebuilt the uh pipeline.")
    assert s.text == "Um, I, like, basically rebuilt the uh pipeline."
    assert "um" not in s.lower.split() and "uh" not in s.lower.split()
    assert stem("pipeline") in s.stems


def test_hypothetical_habits_are_not_counted_as_actions() -> None:
    parts = parts_of("I would usually check the data first. Generally I would retrain after.")
    assert parts["action"] == []


def test_stems_match_across_word_forms() -> None:
    assert stem("debugging") == stem("debug")
    assert stem("analysed") == stem("analyzed")
    assert stem("labels") == stem("label")
