"""Finding the candidate, the questions and the answers in a transcript, and matching each
question to a bank question or the general rubric."""

from __future__ import annotations

import pytest

from interviewer.core.bank import Bank, Question, Theme, get_bank, list_banks
from interviewer.core.errors import DataError, NotFoundError
from interviewer.debrief.match import Matcher, debrief_bank
from interviewer.debrief.plan import plan_debrief
from interviewer.debrief.segment import kind_of, segment
from interviewer.debrief.transcript import parse_transcript
from tests.debrief_helpers import INTERRUPTED_TXT, SRT, THREE_QUESTIONS_VTT


def read(text: str, name: str = "call.vtt"):  # type: ignore[no-untyped-def]
    return parse_transcript(text.encode(), name)


@pytest.fixture(scope="module")
def banks() -> list[Bank]:
    return [b for b, _ in list_banks()]


# --- a video call with three questions ---------------------------------------------------


def test_three_questions_found_with_their_answers(banks: list[Bank]) -> None:
    plan = plan_debrief(read(THREE_QUESTIONS_VTT), banks)
    seg = plan.segmented
    assert seg.candidate == "Ravi Menon"
    assert "guess" in seg.how and not seg.ambiguous
    assert [e.question for e in plan.exchanges] == [
        "Tell me about a time you disagreed with a colleague about how a piece of work should "
        "be done.",
        "Describe a time you made a mistake at work that affected other people.",
        "Tell me about a time you had more to do than you could get done. How did you decide "
        "what came first?",
    ]
    first = plan.exchanges[0].answer
    assert first.startswith("Last year a senior colleague") and first.endswith("arguing.")
    assert plan.exchanges[2].answer.endswith("delivered the other two on time.")
    # the greeting and the candidate's own questions at the end are not graded
    assert seg.skipped == ["Hello Ravi, can you hear me okay?",
                           "Lovely. Do you have any questions for us?"]  # fmt: skip
    assert all("team I would join" not in e.answer for e in plan.exchanges)


def test_each_question_is_matched_to_its_bank_question(banks: list[Bank]) -> None:
    plan = plan_debrief(read(THREE_QUESTIONS_VTT), banks)
    assert [(m.bank_id, m.question_id) for m in plan.matches] == [
        ("general-behavioural", "q1"), ("general-behavioural", "q2"), ("general-behavioural", "q8")
    ]  # fmt: skip
    general = get_bank("general-behavioural")
    assert plan.bank.question("q3").themes == general.question("q8").themes
    assert plan.bank.question("q3").probes == general.question("q8").probes


# --- plain notes with small talk and interruptions ---------------------------------------


def test_interjections_do_not_break_the_answer_and_a_follow_up_attaches(
    banks: list[Bank],
) -> None:
    plan = plan_debrief(read(INTERRUPTED_TXT, "notes.txt"), banks)
    assert plan.segmented.candidate == "Me"
    assert plan.segmented.how == "the label 'Me'"
    [exchange] = plan.exchanges  # one question: small talk and logistics are set aside
    assert exchange.question == (
        "So first, tell me about a time you dealt with a difficult or angry customer."
    )
    answer = exchange.answer
    # "Mm-hm.", "Right." and "And then?" interrupted one answer: it is whole, in order
    assert answer.startswith("At the bike shop where I work weekends")
    assert "I rebuilt the wheel while he waited" in answer
    assert answer.endswith("has bought two more bikes from us since.")
    assert "Mm-hm" not in answer and "And then" not in answer
    assert [q for q, _ in exchange.follow_up_answers] == ["What did you learn from it?"]
    assert exchange.follow_up_answers[0][1].startswith("I learned to check every wheel")
    assert any("How are you today" in s for s in plan.segmented.skipped)
    assert any("forty minutes" in s for s in plan.segmented.skipped)
    assert all("nervous" not in e.answer and "hear back" not in e.answer for e in plan.exchanges)
    assert (plan.matches[0].bank_id, plan.matches[0].question_id) == ("customer-and-projects", "q1")


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("Mm-hm.", "interjection"),
        ("Right, okay.", "interjection"),
        ("And then?", "interjection"),
        ("What was the result?", "follow_up"),
        ("How did you measure that?", "follow_up"),
        ("Can you hear me now?", "small_talk"),
        ("Tell me about yourself.", "small_talk"),
        ("Thanks for that. Now tell me about a time you failed.", "main"),
        ("Walk me through a project you are proud of.", "main"),
        ("Why do you want to work here?", "question"),
        ("Let me tell you a little about the role first, it is a mixed one.", "statement"),
    ],
)
def test_what_an_interviewer_turn_is(said: str, kind: str) -> None:
    assert kind_of(said) == kind


def test_a_reworded_question_before_any_answer_is_one_question() -> None:
    text = (
        "Interviewer: Tell me about a time you missed a deadline.\n"
        "Interviewer: Or a time you came close to missing one?\n"
        "Me: In 2021 our grant report was due on a Friday and our data arrived on Thursday.\n"
        "Me: I split the sections across three of us and we sent it by 5pm.\n"
    )
    [exchange] = segment(read(text, "a.txt")).exchanges
    assert exchange.question == (
        "Tell me about a time you missed a deadline. Or a time you came close to missing one?"
    )
    assert exchange.answer.endswith("we sent it by 5pm.")


# --- who is the candidate ----------------------------------------------------------------


def test_me_picks_the_candidate_by_name_or_first_name() -> None:
    transcript = read(SRT, "call.srt")
    assert segment(transcript, me="tom").candidate == "TOM"
    assert segment(transcript).candidate == "TOM"  # the guess agrees


def test_me_naming_nobody_lists_the_speakers() -> None:
    with pytest.raises(NotFoundError) as err:
        segment(read(THREE_QUESTIONS_VTT), me="Ravi Patel")
    assert str(err.value) == (
        "call.vtt: no speaker 'Ravi Patel' in the transcript; the speakers are: "
        "Dana Whitfield, Ravi Menon"
    )


def test_me_as_the_interviewer_finds_no_questions_and_says_so() -> None:
    with pytest.raises(DataError) as err:
        segment(read(SRT, "call.srt"), me="Priya")
    assert str(err.value) == (
        "call.srt: no interview questions found in what TOM said (nothing like 'Tell me about "
        "a time ...' or a question mark); you were taken to be 'PRIYA': if not, name yourself "
        "with --me (the speakers: PRIYA, TOM)"
    )


def test_a_two_person_panel_with_a_close_guess_is_flagged_ambiguous() -> None:
    text = (
        "Ann: Tell me about a time you led a team through a hard change?\n"
        "Ben: Last year I moved our team of six to a new rota over two weeks and kept cover.\n"
        "Ann: What was the result?\n"
        "Ben: Overtime fell by a third.\n"
        "Ann: I remember that one too, I had to cover the night desk twice in a row.\n"
    )
    seg = segment(read(text, "panel.txt"))
    assert seg.candidate == "Ben"
    assert seg.ambiguous is False
    assert [q for q, _ in seg.exchanges[0].follow_up_answers] == ["What was the result?"]


# --- without speaker labels --------------------------------------------------------------


def test_without_labels_questions_are_found_by_their_wording() -> None:
    text = (
        "Tell me about a time you had to learn something quickly.\n\n"
        "When our bookkeeper left I learned the payroll system in a week by shadowing the "
        "vendor's trainer, and ran the next payroll for 40 staff without errors.\n\n"
        "What did you learn from it?\n\n"
        "To write down every step as I go; I still keep that guide."
    )
    seg = segment(read(text, "plain.txt"))
    assert seg.candidate is None and "no speaker labels" in seg.how
    [exchange] = seg.exchanges
    assert exchange.answer.startswith("When our bookkeeper left")
    assert exchange.follow_up_answers == [
        (
            "What did you learn from it?",
            "To write down every step as I go; I still keep that guide.",
        )
    ]


def test_no_speakers_and_no_questions_says_how_to_label_them() -> None:
    text = "We met at ten and went through the plan for the move, then had lunch.\n"
    with pytest.raises(DataError) as err:
        segment(read(text, "blob.txt"))
    message = str(err.value)
    assert message.startswith("blob.txt: has no recognisable speakers and no questions")
    assert "Interviewer: Tell me about a time" in message and "\nMe: " in message


def test_me_without_labels_says_there_are_none() -> None:
    with pytest.raises(DataError, match=r"plain.txt: has no speaker labels, so --me 'Sam'"):
        segment(read("Tell me about a time you failed.\n\nI failed once.", "plain.txt"), me="Sam")


# --- matching ----------------------------------------------------------------------------


def test_a_reworded_bank_question_matches_and_an_unrelated_one_does_not(
    banks: list[Bank],
) -> None:
    matcher = Matcher(banks)
    close = matcher.match("Can you describe a situation where a customer was really angry?")
    assert (close.bank_id, close.question_id) == ("customer-and-projects", "q1")
    assert close.matched and close.similarity >= 0.35
    far = matcher.match("What is your favourite programming language?")
    assert not far.matched and far.bank_id == "general-behavioural" and far.themes == ()
    assert far.describe().startswith("general rubric")


def test_an_unmatched_question_is_graded_on_the_general_themes_it_shares(
    banks: list[Bank],
) -> None:
    match = Matcher(banks).match("How do you handle feedback you disagree with from a peer?")
    if match.matched:  # close to a general question: its themes, from its bank
        assert match.bank_id == "general-behavioural"
    assert "feedback" in match.themes


def test_bank_flag_limits_the_matches_to_one_bank(banks: list[Bank]) -> None:
    plan = plan_debrief(read(INTERRUPTED_TXT, "notes.txt"), banks, bank_id="ml-problem-solving")
    assert not plan.matches[0].matched  # not an ML question: the general rubric
    with pytest.raises(NotFoundError, match="no bank 'nope'"):
        plan_debrief(read(INTERRUPTED_TXT, "notes.txt"), banks, bank_id="nope")


def test_the_debrief_bank_keeps_the_asked_wording_and_separates_clashing_themes() -> None:
    def bank(bid: str, description: str) -> Bank:
        theme = Theme(id="grit", name="Grit", description=description)
        question = Question(id="q1", text=f"{bid} question", themes=["grit"])
        return Bank(id=bid, title=bid, themes=[theme], questions=[question])

    a, b = bank("alpha", "Keeps going."), bank("beta", "Does not give up.")
    matcher = Matcher([a, b])
    asked = [matcher.match("alpha question"), matcher.match("beta question")]
    own = debrief_bank("Debrief of x.vtt", asked, [a, b])
    assert [q.text for q in own.questions] == ["alpha question", "beta question"]
    assert [q.themes for q in own.questions] == [["grit"], ["beta-grit"]]
    assert own.theme("beta-grit").description == "Does not give up."


def test_a_guess_that_could_go_either_way_is_flagged_for_the_picker() -> None:
    text = (
        "Ann: Tell me about a time you handled a crisis at work?\n"
        "Ben: When the shop flooded in 2020 I moved the stock upstairs and called the insurer.\n"
        "Ann: That reminds me of the winter our office lost power for two days and we all "
        "worked from the library down the road while the landlord argued with the council.\n"
        "Ben: We reopened a week later.\n"
    )
    seg = segment(read(text, "chat.txt"))
    assert seg.candidate == "Ben" and seg.ambiguous
