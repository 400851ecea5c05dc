"""Sessions to review: two answers of our own, graded by the offline grader and stored."""

from __future__ import annotations

from pathlib import Path

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.engine.store import Store
from interviewer.grading.offline import OfflineGrader

BANK = "ml-problem-solving"

# Our own answers: a complete story for q1, and a thin one with no result for q7.
FULL = (
    "In March our churn model started flagging almost every new customer as likely to "
    "leave, and the retention team was about to send 12,000 discount emails. I was the "
    "engineer on call for the model, so it was my job to find out why before the campaign "
    "went out on Friday. I checked the input features first, because nothing in the model "
    "had changed, and found that the signup-date field had switched from days to seconds "
    "after a database migration. I added a unit test on that feature, rebuilt the last two "
    "weeks of features and re-scored the customers. The flagged share fell from 64% back "
    "to 9%, and the campaign went only to the 1,100 customers who were really at risk. I "
    "learned to check inputs before suspecting the model, and I now write a range check "
    "for every feature I add."
)
THIN = (
    "We had a spreadsheet of supplier prices that people typed by hand, and half the "
    "columns were in different currencies. I cleaned it up with a script and talked to the "
    "people who entered the data."
)


def graded_session(db: Path, answers: dict[str, str] | None = None) -> str:
    """A finished session of ``answers`` (question id -> text), each graded offline."""
    answers = answers or {"q1": FULL, "q7": THIN}
    bank = get_bank(BANK)
    grader = OfflineGrader()
    with Store.open(db) as store:
        sid = store.create_session(bank.id, list(answers), "typed", "offline")
        for qid, text in answers.items():
            question = bank.question(qid)
            aid = store.add_answer(sid, qid, question.text, text)
            store.save_grade(aid, grader.grade(question, build_rubric(bank, qid), text))
        store.finish_session(sid)
    return sid
