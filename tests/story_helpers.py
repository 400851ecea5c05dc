"""A candidate's history for the story-bank and practice-plan tests: answers written for
these tests, graded by the real offline grader and saved through the Store API.

One story (the churn model after the CRM migration) is told three times, for three
different questions; two other stories are told once each. The warehouse story gives no
number for what changed and no lesson.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.core.bank import get_bank
from interviewer.core.rubric import build_rubric
from interviewer.engine.store import Store
from interviewer.grading.offline import OfflineGrader

ML = "ml-problem-solving"

CHURN_OPENING = (
    "In March our churn model's recall on enterprise accounts dropped from 81% to 58% two "
    "weeks after the sales team moved to a new CRM. I was the engineer who owned the model. "
)
CHURN_DEBUG = CHURN_OPENING + (
    "My task was to find out why before the quarterly renewal forecast went to the board. I "
    "started with the most likely cause and compared the feature distributions before and "
    "after the migration, and I found that the new CRM logged support tickets under a "
    "different account id, so the ticket count feature was zero for most enterprise "
    "customers. I wrote a mapping table, backfilled six months of tickets and added a check "
    "that alerts when a feature's share of zeros jumps. As a result recall went back to 79% "
    "within four days and the forecast went out on time. I learned to check the inputs "
    "before touching the model, and I now add a distribution check to every pipeline."
)
CHURN_MESSY = (
    "In March our churn model's recall on enterprise accounts fell from 81% to 58% two weeks "
    "after sales moved to a new CRM, and the data underneath was a mess. I owned the model. "
    "I had to make the model usable again while the CRM data was still half migrated. I "
    "sampled 200 accounts by hand and labelled which ticket records were duplicates, then "
    "wrote rules that merged records by domain and contract number. I kept a list of the "
    "accounts the rules could not resolve and sent it to the sales operations lead every "
    "week. In the end 96% of enterprise accounts were matched and recall was back to 77%. "
    "What I learned is that a small hand-labelled sample tells you more than a week of "
    "guessing, and I now start every messy data job with one."
)
CHURN_IMPROVE = (
    "Our churn model's recall on enterprise accounts dropped from 81% to 58% in March, two "
    "weeks after the sales team moved to a new CRM. I was the engineer who owned it. "
    "Once the inputs were fixed I was asked to make the model better than before. I "
    "replaced two noisy features with the ticket trend over 30 days and retrained with "
    "the corrected history. Recall rose to 86%, five points above where it had been before "
    "the migration, and the account managers saved 11 renewals worth $240,000 that "
    "quarter. I learned that most of the gain was in the data, not the model."
)
GPU_STORY = (
    "Last year I had to cut the memory of our ranking model so it would fit on the new "
    "edge servers, which had a quarter of the memory we were used to. My task was to keep "
    "the click-through rate within 1% of the large model. I tried distillation first and, "
    "when it stalled after a week, switched to pruning the embedding tables, which I "
    "tested on one region before rolling it out. The model shrank from 12 GB to 2.5 GB and "
    "click-through stayed within 0.4%. I learned to set a checkpoint before trying an idea, "
    "so I know when to stop."
)
WAREHOUSE_STORY = (
    "At the logistics start-up the demand model for our warehouses kept over-ordering "
    "fresh produce on bank holidays. I was asked to change the approach halfway through "
    "the project. I dropped the deep model we had been tuning and built a simple "
    "calendar-aware baseline with the planners, and we switched the stores over to it one "
    "by one. The planners were much happier with it afterwards."
)

# Session by session: (question id, answer). Result is weak only in the warehouse story.
HISTORY: list[list[tuple[str, str]]] = [
    [("q1", CHURN_DEBUG), ("q5", GPU_STORY)],
    [("q7", CHURN_MESSY), ("q8", WAREHOUSE_STORY)],
    [("q9", CHURN_IMPROVE)],
]


def build_history(
    db: Path, sessions: list[list[tuple[str, str]]] | None = None, bank_id: str = ML
) -> list[str]:
    """Save and grade ``sessions`` (default ``HISTORY``) in order; returns their ids."""
    bank = get_bank(bank_id)
    grader = OfflineGrader()
    ids = []
    with Store.open(db) as store:
        for answers in sessions if sessions is not None else HISTORY:
            sid = store.create_session(bank.id, [q for q, _ in answers], "typed", "offline")
            for qid, text in answers:
                question = bank.question(qid)
                aid = store.add_answer(sid, qid, question.text, text)
                store.save_grade(aid, grader.grade(question, build_rubric(bank, qid), text))
            store.finish_session(sid)
            ids.append(sid)
    return ids
