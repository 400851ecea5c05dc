"""``interviewer stories``: the story bank - list, rename, merge, split, add, coverage."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Your stories: found in your answers, named, merged or split by you, or from a file.",
    no_args_is_help=False,
)

DbOption = typer.Option(
    None, "--db", help="Session database (default: INTERVIEWER_DB or your data dir)."
)
BankDirOption = typer.Option(
    None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank YAML files."
)


@app.callback(invoke_without_command=True)
def list_stories(
    ctx: typer.Context, bank_dir: Path | None = BankDirOption, db: Path | None = DbOption
) -> None:
    """List your stories: the questions each was told for, its best scores and numbers."""
    if ctx.invoked_subcommand is not None:
        return
    from interviewer.cli.stories import print_stories
    from interviewer.core import bank as banks
    from interviewer.engine.store import Store
    from interviewer.engine.stories import story_bank
    from interviewer.prep.stories import story_cards

    with Store.open(db) as store:
        stories, sessions = story_bank(store)
    print_stories(story_cards(stories, sessions), [b for b, _ in banks.list_banks(bank_dir)])


@app.command("rename")
def rename(
    story_id: int = typer.Argument(..., help="Story number, as `interviewer stories` lists it."),
    title: str = typer.Argument(..., help="The new title."),
    db: Path | None = DbOption,
) -> None:
    """Give a story your own title (kept when new answers are added to it)."""
    from interviewer.engine import stories
    from interviewer.engine.store import Store

    with Store.open(db) as store:
        story = stories.rename(store, story_id, title)
    typer.echo(f"Story {story.id} is now called {story.title!r}.")


@app.command("merge")
def merge(
    story_ids: list[int] = typer.Argument(..., help="Two or more story numbers; the first stays."),
    title: str | None = typer.Option(None, "--title", help="Title of the merged story."),
    db: Path | None = DbOption,
) -> None:
    """Make one story of several that are really the same."""
    from interviewer.engine import stories
    from interviewer.engine.store import Store

    with Store.open(db) as store:
        story = stories.merge(store, story_ids, title)
    typer.echo(f"Merged into story {story.id} ({story.title!r}, {len(story.answer_ids)} answers).")


@app.command("split")
def split(
    story_id: int = typer.Argument(..., help="The story to split."),
    answer: list[int] = typer.Option(
        ..., "--answer", help="Answer number to move to a new story (repeat for more)."
    ),
    title: str | None = typer.Option(None, "--title", help="Title of the new story."),
    db: Path | None = DbOption,
) -> None:
    """Move answers that tell a different story out into a story of their own."""
    from interviewer.engine import stories
    from interviewer.engine.store import Store

    with Store.open(db) as store:
        new = stories.split(store, story_id, answer, title)
    typer.echo(f"New story {new.id} ({new.title!r}) with answer {', '.join(map(str, answer))}.")


@app.command("add")
def add(
    file: Path = typer.Argument(..., help="YAML: stories: [{title: ..., text: ...}, ...]"),
    db: Path | None = DbOption,
) -> None:
    """Add stories you wrote in a YAML file; answers that tell them later join them."""
    from interviewer.engine import stories
    from interviewer.engine.store import Store
    from interviewer.prep.storyfile import read_story_file

    written = read_story_file(file)
    with Store.open(db) as store:
        added, updated = stories.add_written(store, [(s.title, s.text) for s in written])
    parts = [f"added {len(added)}"] + ([f"updated {len(updated)}"] if updated else [])
    typer.echo(f"{file}: {' and '.join(parts)} of {len(written)} stories.")


@app.command("coverage")
def coverage(
    job: str | None = typer.Option(
        None, "--job", help="A job description (text or markdown file, - for stdin): its themes."
    ),
    bank_dir: Path | None = BankDirOption,
    db: Path | None = DbOption,
) -> None:
    """Key themes x stories: the best theme score in each cell, the gaps and overused stories."""
    from interviewer.cli.stories import print_coverage
    from interviewer.core import bank as banks
    from interviewer.engine.store import Store
    from interviewer.engine.stories import story_bank
    from interviewer.prep.stories import coverage as build_coverage
    from interviewer.prep.stories import story_cards

    found = [b for b, _ in banks.list_banks(bank_dir)]
    rows = weights = None
    if job is not None:
        from interviewer.prep.job import read_job
        from interviewer.prep.jobmatch import match_job

        matched = match_job(read_job(job), found)
        rows = [(t.bank_id, t.theme_id) for t in matched.themes] or None
        weights = {(t.bank_id, t.theme_id): (t.score, list(t.phrases)) for t in matched.themes}
        if rows is None:
            typer.echo(f"{job}: the job matches no key theme of your banks; all themes shown.")
    with Store.open(db) as store:
        stories, sessions = story_bank(store)
    matrix = build_coverage(story_cards(stories, sessions), found, rows, weights)
    print_coverage(matrix, job=None if job is None else ("stdin" if job == "-" else job))
