"""The review mode of a session: a coach's scores and comments in plain HTML forms.

One form for the whole session (works without JavaScript, keyboard-usable, CSRF-checked
like every form): the coach's name, then per answer and per STAR part a score select and
a comment, a select per key theme, and an overall note. Each answer the coach filled in
becomes one review, stored beside the grades; a form with a mistake comes back with
everything typed still in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from interviewer.core.errors import DataError
from interviewer.core.records import SessionRecord
from interviewer.core.review import MAX_REVIEWER, Review
from interviewer.service.interview import ServiceConfig, open_store, session_bank
from interviewer.web.render import render
from interviewer.web.security import checked_form


@dataclass
class DimensionField:
    """One dimension's inputs for one answer, with what the grader gave."""

    id: str
    name: str
    star: bool
    grader: int | None
    score: str = ""  # as typed: "" or "0".."5"
    comment: str = ""


@dataclass
class AnswerForm:
    answer_id: int
    question_id: str
    question: str
    text: str
    follow_ups: list[tuple[str, str]]
    grader: str
    fields: list[DimensionField] = field(default_factory=list)
    note: str = ""
    reviewers: list[str] = field(default_factory=list)  # coaches who reviewed it already


def _config(request: Request) -> ServiceConfig:
    config: ServiceConfig = request.app.state.config  # set by create_app
    return config


def _forms(config: ServiceConfig, sid: str, reviewer: str) -> tuple[str, list[AnswerForm]]:
    """The session's answers as empty forms, or filled with ``reviewer``'s current review."""
    from interviewer.core.review import reviewer_key
    from interviewer.core.rubric import build_rubric
    from interviewer.views.summary import LABELS

    with open_store(config) as store:
        session = store.get_session(sid)
        bank = session_bank(config, store, session)
    forms = []
    for view in session.questions():
        rubric = build_rubric(bank, view.question_id)
        graded = view.grade.scores() if view.grade is not None else {}
        mine = [r for r in view.answer.reviews if reviewer and r.key == reviewer_key(reviewer)]
        review = mine[-1] if mine else None
        form = AnswerForm(
            answer_id=view.answer.id,
            question_id=view.question_id,
            question=bank.question(view.question_id).text,
            text=view.answer.text,
            follow_ups=[(f.prompt, f.text) for f in view.follow_ups],
            grader=view.grade.meta.grader if view.grade is not None else "",
            note=review.note if review else "",
            reviewers=[r.reviewer for r in view.answer.reviews],
        )
        for dim in rubric.dimensions:
            score = review.scores.get(dim.id) if review else None
            form.fields.append(DimensionField(
                dim.id, LABELS.get(dim.id, dim.name), dim.kind == "star", graded.get(dim.id),
                "" if score is None else str(score),
                review.comments.get(dim.id, "") if review else "",
            ))  # fmt: skip
        forms.append(form)
    return session.id, forms


async def page(request: Request) -> Response:
    """The review form; ``?reviewer=NAME`` starts from that coach's current review."""
    reviewer = str(request.query_params.get("reviewer", ""))[:MAX_REVIEWER].strip()
    sid, forms = await run_in_threadpool(
        _forms, _config(request), request.path_params["sid"], reviewer
    )
    return _render(request, sid, forms, reviewer, loaded=reviewer)


def _render(request: Request, sid: str, forms: list[AnswerForm], reviewer: str,
            error: str = "", status_code: int = 200, loaded: str = "") -> Response:  # fmt: skip
    """``loaded``: the coach whose review fills the form (the form is then all of it)."""
    return render(
        request,
        "review.html",
        status_code=status_code,
        title=f"Review {sid}",
        sid=sid,
        forms=forms,
        reviewer=reviewer,
        loaded=loaded,
        error=error,
        scale=range(6),
    )


def _fill(forms: list[AnswerForm], form: FormData) -> None:
    """Put what was posted back into the forms (so an error loses nothing)."""
    for answer in forms:
        answer.note = str(form.get(f"note-{answer.answer_id}", ""))
        for f in answer.fields:
            f.score = str(form.get(f"score-{answer.answer_id}-{f.id}", "")).strip()
            if f.star:
                f.comment = str(form.get(f"comment-{answer.answer_id}-{f.id}", ""))


def _save(config: ServiceConfig, sid: str, reviewer: str, forms: list[AnswerForm],
          whole: bool) -> int:  # fmt: skip
    """Check every answer's review, then save them all; how many were saved.

    ``whole``: the form was filled with this coach's earlier review, so it is the whole
    new version; otherwise what the coach gives is added to their earlier review (as the
    CLI does), so a form not loaded first never drops an earlier score.
    """
    from interviewer.engine.reviews import build_review, save_review

    with open_store(config) as store:
        session = store.get_session(sid)
        bank = session_bank(config, store, session)
        reviews = []
        for answer in forms:
            scores: dict[str, int] = {}
            for f in answer.fields:
                if f.score and not (f.score.isdigit() and 0 <= int(f.score) <= 5):
                    raise DataError(None, f"{answer.question_id} {f.name}",
                                    "a score is a whole number 0-5")  # fmt: skip
                if f.score:
                    scores[f.id] = int(f.score)
            comments = {f.id: f.comment for f in answer.fields if f.comment.strip()}
            if not scores and not comments and not answer.note.strip():
                continue
            review = build_review(
                session, bank, answer.answer_id, reviewer, scores, comments,
                answer.note.strip() or (None if not whole else ""), keep_earlier=not whole,
                where=answer.question_id,
            )  # fmt: skip
            if not _unchanged(session, review):
                reviews.append(review)
        if not reviews:
            raise DataError(None, None, "nothing to save: give a score, a comment or a note")
        for review in reviews:
            save_review(store, review)
    return len(reviews)


def _unchanged(session: SessionRecord, review: Review) -> bool:
    """The coach's current review of that answer says exactly this already."""
    for view in session.questions():
        if view.answer.id == review.answer_id:
            return any(
                r.key == review.key
                and (r.scores, r.comments, r.note) == (review.scores, review.comments, review.note)
                for r in view.answer.reviews
            )
    return False


async def save(request: Request) -> Response:
    """Save the coach's review of each answer they filled in, then show the report."""
    config = _config(request)
    form = await checked_form(request)
    sid = request.path_params["sid"]
    reviewer = " ".join(str(form.get("reviewer", "")).split())
    loaded = " ".join(str(form.get("loaded", "")).split())
    sid, forms = await run_in_threadpool(_forms, config, sid, "")
    _fill(forms, form)
    error = ""
    if not reviewer:
        error = "Give your name: it is shown with your review."
    elif len(reviewer) > MAX_REVIEWER:
        error = f"Your name is longer than {MAX_REVIEWER} characters."
    if not error:
        try:
            whole = bool(loaded) and loaded.casefold() == reviewer.casefold()
            await run_in_threadpool(_save, config, sid, reviewer, forms, whole)
        except DataError as exc:
            error = str(exc)
    if error:
        return _render(request, sid, forms, reviewer, error, 400, loaded)
    url = request.app.url_path_for("report", sid=sid)
    return RedirectResponse(str(url), status_code=303)
