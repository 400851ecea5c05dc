"""Reading a job description and matching it against the banks, offline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from interviewer.core.bank import get_bank, list_banks, load_bank
from interviewer.core.errors import DataError
from interviewer.prep.job import MAX_JOB_CHARS, parse_job, read_job
from interviewer.prep.jobbank import offline_plan
from interviewer.prep.jobmatch import match_job
from interviewer.prep.jobwords import load_config, top_phrases, vocabulary
from interviewer.prep.planner import session_picks
from tests.job_helpers import (
    FRUIT_PICKER,
    ML_ENGINEER,
    PROJECT_MANAGER,
    SPANISH,
    SUPPORT_LEAD,
    write,
)


@pytest.fixture(scope="module")
def banks():
    return [b for b, _ in list_banks()]


def _match(text: str, banks):
    return match_job(parse_job(text, "job.txt"), banks)


class TestReadingAJob:
    def test_markdown_marks_links_and_urls_are_not_words_of_the_job(self, tmp_path: Path):
        path = write(
            tmp_path,
            "job.md",
            "# Support lead\n\n**Own** our [help centre](https://help.example.com/x) "
            "and answer mail at jobs@example.com",
        )
        job = read_job(path)
        assert job.source == str(path)
        assert job.title == "Support lead"
        assert "https" not in job.plain and "example" not in job.plain
        assert "**" not in job.plain and "help centre" in job.plain
        assert job.text.startswith("# Support lead")  # kept as written, for an LLM

    def test_a_dash_reads_stdin(self):
        job = read_job("-", io.StringIO(SUPPORT_LEAD))
        assert job.source == "<stdin>"
        assert job.title == "Customer Support Team Lead"

    def test_a_utf8_file_with_a_byte_order_mark_and_windows_line_ends_reads(self, tmp_path):
        path = write(tmp_path, "job.txt", "\ufeffProject manager\r\n".encode() + b"Plan work.")
        assert read_job(path).title == "Project manager"


class TestBadJobFiles:
    """Every failure is one DataError naming the file and saying what to do."""

    @pytest.mark.parametrize("content", ["", "  \n\n\t "])
    def test_empty(self, tmp_path: Path, content: str):
        path = write(tmp_path, "job.txt", content)
        with pytest.raises(DataError, match=r"job\.txt: is empty: paste the job description"):
            read_job(path)

    def test_binary_bytes_are_not_text(self, tmp_path: Path):
        path = write(tmp_path, "job.txt", b"Role\x00\x01\x02 engineer")
        with pytest.raises(DataError, match=r"job\.txt: not text: binary bytes .*offset 4"):
            read_job(path)

    def test_a_pdf_saved_as_text_is_named(self, tmp_path: Path):
        path = write(tmp_path, "job.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 stream")
        with pytest.raises(DataError, match=r"job\.txt: not text: this looks like a PDF"):
            read_job(path)

    def test_a_word_file_is_named(self, tmp_path: Path):
        path = write(tmp_path, "job.docx", b"PK\x03\x04\x14\x00 word/document.xml")
        with pytest.raises(DataError, match=r"looks like a Word \(\.docx\)"):
            read_job(path)

    def test_latin1_bytes_say_which_line_and_byte(self, tmp_path: Path):
        path = write(tmp_path, "job.txt", "Chef de projet\nGestion de la qualité".encode("latin-1"))
        with pytest.raises(DataError, match=r"job\.txt: line 2: not UTF-8 text \(byte 0xe9"):
            read_job(path)

    def test_too_long_says_how_much_to_cut(self, tmp_path: Path):
        path = write(tmp_path, "job.txt", "Plan the work. " * (MAX_JOB_CHARS // 10))
        with pytest.raises(DataError, match=r"job\.txt: is [\d,]+ characters, over the 30,000"):
            read_job(path)

    def test_a_huge_file_is_refused_without_reading_it_all(self, tmp_path: Path):
        path = write(tmp_path, "job.txt", b"a" * (MAX_JOB_CHARS * 5))
        with pytest.raises(DataError, match=r"is 150,000 bytes, over the 30,000 characters"):
            read_job(path)

    def test_another_language_says_the_offline_matcher_reads_english(self, tmp_path: Path):
        path = write(tmp_path, "oferta.txt", SPANISH)
        with pytest.raises(DataError) as caught:
            read_job(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: does not look like English")
        assert "OPENAI_API_KEY" in message and "translate" in message

    def test_another_language_is_accepted_for_an_llm(self, tmp_path: Path):
        job = read_job(write(tmp_path, "oferta.txt", SPANISH), require_english=False)
        assert job.title.startswith("Ingeniero")

    def test_a_missing_file_and_a_folder(self, tmp_path: Path):
        with pytest.raises(DataError, match=r"nope\.txt: no such file"):
            read_job(tmp_path / "nope.txt")
        with pytest.raises(DataError, match=r"is a folder"):
            read_job(tmp_path)

    def test_no_words_at_all(self, tmp_path: Path):
        with pytest.raises(DataError, match=r"has no words"):
            read_job(write(tmp_path, "job.txt", "- 2024 -\n* 10 * 20 *"))


class TestPlanningForAJob:
    def test_an_ml_engineer_gets_ml_problem_solving_questions(self, banks):
        match = _match(ML_ENGINEER, banks)
        picks = match.picks(3)
        assert {p.bank_id for p in picks} == {"ml-problem-solving"}
        assert match.themes[0].bank_id == "ml-problem-solving"
        debugging = next(p for p in picks if p.question_id == "q1")  # debugging in production
        assert any("root cause" in p for p in debugging.phrases)
        assert {t.theme_id for t in debugging.themes} == {"systematic-debugging", "data-quality"}

    def test_a_support_lead_gets_customer_questions(self, banks):
        match = _match(SUPPORT_LEAD, banks)
        top = {t.theme_id for t in match.themes[:3]}
        assert {"service-recovery", "customer-empathy"} & top
        picks = match.picks(5)
        from_customers = [p for p in picks if p.bank_id == "customer-and-projects"]
        assert len(from_customers) >= 3
        assert "q1" in {p.question_id for p in from_customers}  # the angry customer
        assert match.best_bank(5) == "customer-and-projects"
        angry = next(p for p in from_customers if p.question_id == "q1")
        assert any("angry customers" in p for p in angry.phrases)

    def test_a_project_manager_gets_project_questions(self, banks):
        match = _match(PROJECT_MANAGER, banks)
        assert match.themes[0].theme_id == "delivery-risk"
        picks = match.picks(4)
        assert {p.bank_id for p in picks} <= {"customer-and-projects", "general-behavioural"}
        assert {"q2", "q7"} <= {p.question_id for p in picks}  # deadlines, falling behind

    def test_reasons_are_short_phrases_of_the_job_not_common_work_words(self, banks):
        match = _match(ML_ENGINEER, banks)
        phrases = [ph for p in match.picks(5) for ph in p.phrases]
        assert all(len(ph.split()) <= 6 and ph in ML_ENGINEER for ph in phrases)
        assert "models" not in phrases and "data" not in phrases  # said of every job
        support = _match(SUPPORT_LEAD, banks).picks(3)[1].phrases
        assert len({ph.lower().removesuffix("s") for ph in support}) == len(support)

    def test_picks_cover_distinct_themes_before_repeating_one(self, banks):
        """The three best-scoring ML questions all probe debugging and data quality; the
        three picks probe four themes, failure and pivots included."""
        match = _match(ML_ENGINEER, banks)
        best_three = match.questions[:3]
        assert len({t.theme_id for q in best_three for t in q.themes}) == 2
        picks = match.picks(3)
        assert len({t.theme_id for p in picks for t in p.themes}) >= 4

    def test_picks_draw_on_every_bank_that_matches(self, banks):
        """A support lead both serves customers and leads people: both banks are asked."""
        picks = _match(SUPPORT_LEAD, banks).picks(5)
        assert {p.bank_id for p in picks} == {"customer-and-projects", "general-behavioural"}

    def test_the_same_job_gives_the_same_plan(self, banks):
        first = _match(ML_ENGINEER, banks).picks(5)
        again = match_job(parse_job(ML_ENGINEER, "other.md"), list(reversed(banks))).picks(5)
        assert {(p.bank_id, p.question_id) for p in first} == {
            (p.bank_id, p.question_id) for p in again
        }
        assert first == _match(ML_ENGINEER, banks).picks(5)

    def test_limiting_to_one_bank(self):
        general = get_bank("general-behavioural")
        picks = match_job(parse_job(SUPPORT_LEAD, "job.txt"), [general]).picks(3)
        assert {p.bank_id for p in picks} == {"general-behavioural"}
        assert picks[0].question_id == "q7"  # difficult feedback: "coach", "give feedback"

    def test_a_job_no_bank_matches_suggests_the_general_bank(self, banks):
        match = _match(FRUIT_PICKER, banks)
        assert not match.matched
        with pytest.raises(DataError) as caught:
            match.require_match()
        message = str(caught.value)
        assert message.startswith("job.txt: matches no key theme of the banks searched")
        assert "interviewer practice --bank general-behavioural" in message


class TestSessionPicks:
    def test_a_session_keeps_to_the_best_fitting_bank(self, banks):
        bank, ids = session_picks(_match(SUPPORT_LEAD, banks), 3)
        assert bank.id == "customer-and-projects"
        assert len(ids) == 3 and "q1" in ids

    def test_no_match_is_the_same_one_line(self, banks):
        with pytest.raises(DataError, match="general-behavioural"):
            session_picks(_match(FRUIT_PICKER, banks))


class TestJobBank:
    def test_the_picks_make_a_bank_file_that_loads(self, banks, tmp_path: Path):
        match = _match(SUPPORT_LEAD, banks)
        plan = offline_plan(match, 4)
        path = tmp_path / "job-bank.yaml"
        path.write_text(plan.yaml(match.job.title), encoding="utf-8")
        bank = load_bank(path)
        assert bank.id == "job-customer-support-team-lead"
        assert [q.text for q in bank.questions] == [p.text for p in match.picks(4)]
        assert [q.id for q in bank.questions] == ["q1", "q2", "q3", "q4"]
        used = {t for q in bank.questions for t in q.themes}
        assert used == {t.id for t in bank.themes}  # only the themes the questions probe
        assert bank.question("q1").probes  # the follow-up probes travel with the question
        header = path.read_text().splitlines()[4]
        assert header.startswith("#   q1 (general-behavioural q7):")

    def test_a_planned_bank_in_the_bank_folder_does_not_double_its_questions(
        self, banks, tmp_path: Path
    ):
        match = _match(ML_ENGINEER, banks)
        path = tmp_path / "job-bank.yaml"
        path.write_text(offline_plan(match, 3).yaml(match.job.title), encoding="utf-8")
        picks = _match(ML_ENGINEER, [*banks, load_bank(path)]).picks(5)
        texts = [p.text for p in picks]
        assert len(texts) == len(set(texts)) == 5


class TestTheReasonsShown:
    def test_a_shorter_phrase_inside_a_longer_one_is_shown_once(self):
        shown = top_phrases(
            [(3.0, "Debug production model"), (2.0, "Debug production"), (1.0, "latency")], 5
        )
        assert shown == ("Debug production model", "latency")

    def test_machine_learning_is_ml_not_the_learning_theme_and_a_lone_letter_is_no_word(self):
        vocab = vocabulary(load_config())
        assert vocab.stems("Machine learning engineers run A/B tests, plan B") == (
            vocab.stems("ML engineers run tests, plan")
        )

    def test_an_ml_posting_gives_reasons_without_fragments(self, banks):
        text = (
            "Machine Learning Engineer. Run A/B experiments, debug production model "
            "regressions and learn from failed experiments."
        )
        picks = _match(text, banks).picks(3)
        reasons = [p for pick in picks for p in pick.phrases]
        assert reasons and not any(r.startswith("B ") or r == "B" for r in reasons)
        assert not any(r.startswith("Learning") for r in reasons)  # not half of a compound
