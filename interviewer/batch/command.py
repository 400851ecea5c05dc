"""``interviewer grade``: the whole flow behind the command, kept out of the CLI module."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from interviewer.batch.io import ResultWriter, Row, RowError, iter_rows, read_done
from interviewer.batch.runner import BatchResult, BatchRunner
from interviewer.core.bank import Bank, get_bank
from interviewer.core.errors import ConfigError
from interviewer.core.grade import Grader
from interviewer.core.redaction import redact
from interviewer.core.rubric import STAR_DIMENSIONS
from interviewer.core.settings import build_settings
from interviewer.grading.factory import describe_grader, make_grader
from interviewer.ui import console, print_table

if TYPE_CHECKING:
    from interviewer.batch.cache import GradeCache

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
    fmt: str | None = None,
    poll_seconds: float | None = None,
) -> BatchResult:
    """Grade every row of ``input_path``; rows already in ``out`` are skipped (resume).

    Rows stream from the file to the grader to ``out``: memory stays flat as the input
    grows. Input problems found before grading (unknown format, unreadable file, a CSV
    header without the needed columns) raise DataError (exit 2); bad rows are error lines.
    """
    settings = build_settings(grader=grader, model=model, concurrency=concurrency)
    the_bank = get_bank(bank, bank_dir or settings.bank_dir)
    rows = iter_rows(input_path, the_bank, fmt)
    first = next(rows, None)  # raises DataError now, before anything is written
    out = out or default_output(input_path)
    err = console(stderr=True)
    err.print(f"Grading with {describe_grader(settings)}.")
    done = read_done(out)
    if done:
        err.print(f"Resuming: {len(done)} already graded in {out}.")
    grader_obj = make_grader(settings)
    cache = None
    if use_cache and grader_obj.kind == "llm":
        from interviewer.batch.cache import GradeCache, default_cache_path

        cache = GradeCache(default_cache_path(settings))
    todo = (
        item
        for item in chain([first] if first is not None else [], rows)
        if not (isinstance(item, Row) and item.id in done)
    )
    with ResultWriter(out) as writer, _interrupted_says_where(out, input_path):
        if batch_api or batch_id:
            result = _batch_api(the_bank, grader_obj, writer, out, cache, todo, batch_id,
                                poll_seconds)  # fmt: skip
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
    if not quiet and result.graded:
        _summary(result)
    err.print(
        f"Wrote {out}: {result.graded} graded"
        + (f" ({result.cache_hits} from cache)" if result.cache_hits else "")
        + f", {result.failed} failed."
    )
    for f in result.failures:
        err.print(f"[red]failed[/red] {escape(redact(f.message))}")
    if result.failed > len(result.failures):
        err.print(f"... and {result.failed - len(result.failures)} more: see the error lines.")
    return result


@contextmanager
def _interrupted_says_where(out: Path, input_path: Path) -> Iterator[None]:
    """Ctrl-C: one line saying what is saved and how to go on (every result is flushed to
    ``out`` as it finishes), then exit 130 - never a traceback."""
    try:
        yield
    except KeyboardInterrupt:
        saved = len(read_done(out))
        console(stderr=True).print(
            f"\n[yellow]Interrupted.[/yellow] {saved} graded rows are saved in "
            f"{escape(str(out))}; run the same command again to grade the rest "
            f"of {escape(str(input_path))}."
        )
        raise SystemExit(130) from None


def _batch_api(
    bank: Bank,
    grader_obj: Grader,
    writer: ResultWriter,
    out: Path,
    cache: GradeCache | None,
    todo: Iterable[Row | RowError],
    batch_id: str | None,
    poll_seconds: float | None,
) -> BatchResult:
    from interviewer.batch.batch_api import BatchJob
    from interviewer.grading.llm.grader import LLMGrader

    if not isinstance(grader_obj, LLMGrader):
        raise ConfigError("--batch-api needs the LLM grader: configure an LLM")
    rows: list[Row] = []
    errors: list[RowError] = []
    for item in todo:  # a Batch API job is uploaded whole: the rows are gathered first
        if isinstance(item, Row):
            rows.append(item)
        else:
            errors.append(item)
    job = BatchJob(bank, grader_obj, writer, out, cache=cache)
    if poll_seconds is not None:
        job.poll_seconds = poll_seconds
    for e in errors:
        writer.write_error(e)
    result = job.run(rows, batch_id)
    for e in errors:
        result.add_failure(e)
    return result


def _summary(result: BatchResult) -> None:
    rows = sorted(result.table, key=lambda rg: rg[0].line)
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
    n, stats = result.graded, result.averages
    avg = [f"{stats.star[d]:.1f}" for d in STAR_DIMENSIONS]
    if n > len(rows):
        table.append([f"({n - len(rows)} more)", "", "", *([""] * len(STAR_DIMENSIONS)), ""])
    table.append(["average", "", f"{stats.overall or 0:.0f}", *avg, ""])
    print_table(headers, table, title="Grades")
