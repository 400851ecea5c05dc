"""``interviewer grade``: the whole flow behind the command, kept out of the CLI module."""

from __future__ import annotations

from pathlib import Path

from interviewer.bank import get_bank
from interviewer.batch.io import ResultWriter, read_done, read_rows
from interviewer.batch.runner import BatchResult, BatchRunner
from interviewer.errors import ConfigError, GradingError
from interviewer.graders import describe_grader, make_grader
from interviewer.rubric import STAR_DIMENSIONS
from interviewer.settings import build_settings
from interviewer.ui import console, print_table

SHORT = {"situation": "S", "task": "T", "action": "A", "result": "R",
         "quantified_results": "Q", "lessons_learned": "L"}  # fmt: skip


def default_output(input_path: Path) -> Path:
    return input_path.with_name(f"{input_path.stem}.grades.jsonl")


def grade_file(
    input_path: Path,
    *,
    out: Path | None = None,
    bank: str | None = None,
    bank_dir: Path | None = None,
    grader: str | None = None,
    model: str | None = None,
    concurrency: int | None = None,
    use_cache: bool = True,
    quiet: bool = False,
    batch_api: bool = False,
    batch_id: str | None = None,
) -> BatchResult:
    """Grade every row of ``input_path``; rows already in ``out`` are skipped (resume)."""
    settings = build_settings(grader=grader, model=model, concurrency=concurrency)
    the_bank = get_bank(bank, bank_dir or settings.bank_dir)
    rows, errors = read_rows(input_path, the_bank)
    out = out or default_output(input_path)
    err = console(stderr=True)
    err.print(f"Grading with {describe_grader(settings)}.")
    for e in errors:
        err.print(f"[yellow]skipped[/yellow] {e.message}")
    done = read_done(out)
    todo = [r for r in rows if r.id not in done]
    if done:
        err.print(f"Resuming: {len(rows) - len(todo)} already graded in {out}.")
    grader_obj = make_grader(settings)
    cache = None
    if use_cache and grader_obj.kind == "llm":
        from interviewer.batch.cache import GradeCache, default_cache_path

        cache = GradeCache(default_cache_path(settings))
    with ResultWriter(out) as writer:
        for e in errors:
            if e.id is None or e.id not in done:
                writer.write_error(e)
        if batch_api or batch_id:
            from interviewer.batch.batch_api import BatchJob
            from interviewer.llm.grader import LLMGrader

            if not isinstance(grader_obj, LLMGrader):
                raise ConfigError("--batch-api needs the LLM grader: configure an LLM")
            job = BatchJob(the_bank, grader_obj, writer, out, cache=cache)
            result = job.run(todo, batch_id)
        else:
            runner = BatchRunner(
                the_bank,
                grader_obj,
                settings,
                writer,
                cache=cache,
                concurrency=settings.concurrency,
                show_progress=not quiet and err.is_terminal,
            )
            result = runner.run(todo)
    result.failed[:0] = errors
    if not quiet and result.graded:
        _summary(result)
    err.print(
        f"Wrote {out}: {len(result.graded)} graded"
        + (f" ({result.cache_hits} from cache)" if result.cache_hits else "")
        + f", {len(result.failed)} failed."
    )
    for f in result.failed[len(errors) :]:
        err.print(f"[red]failed[/red] {f.message}")
    if result.failed and not result.graded and todo:
        raise GradingError("no row could be graded")
    return result


def _summary(result: BatchResult) -> None:
    rows = sorted(result.graded, key=lambda rg: rg[0].line)
    headers = ["id", "question", "overall", *(SHORT[d] for d in STAR_DIMENSIONS), "flags"]
    table = [
        [
            row.id,
            row.question_id,
            str(g.overall),
            *(str(g.star()[d].score) for d in STAR_DIMENSIONS),
            ",".join(g.flags),
        ]
        for row, g in rows
    ]
    if rows:
        n = len(rows)
        avg = [f"{sum(g.star()[d].score for _, g in rows) / n:.1f}" for d in STAR_DIMENSIONS]
        table.append(["average", "", f"{sum(g.overall for _, g in rows) / n:.0f}", *avg, ""])
    print_table(headers, table, title="Grades")
