"""``interviewer serve``: the web app on this machine, at http://127.0.0.1:8000 by default."""

from __future__ import annotations

from pathlib import Path

import typer

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve(
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="Address to listen on. Keep the default unless you mean it. Only requests "
        "whose Host header names 127.0.0.1, localhost, [::1], this address or an "
        "--allowed-host are served (DNS-rebinding guard); forms must come from this server.",
    ),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        help="Another name this server may be reached by (repeatable), e.g. my-laptop.local.",
    ),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port (0 picks a free one)."),
    db: Path | None = typer.Option(
        None, "--db", envvar="INTERVIEWER_DB", help="Session database file."
    ),
    grader: str | None = typer.Option(
        None, "--grader", help="auto (default), offline or llm.", show_default=False
    ),
    bank_dir: Path | None = typer.Option(
        None, "--bank-dir", envvar="INTERVIEWER_BANK_DIR", help="Folder of your own bank files."
    ),
) -> None:
    """Run the web app: mock interviews in the browser, same engine and store as the CLI."""
    try:
        import uvicorn

        from interviewer.web import WebConfig, create_app
    except ImportError as exc:  # the web extra is not installed
        from interviewer.core.errors import ConfigError

        raise ConfigError(
            f"the web app needs its extra ({exc.name} is missing): pip install 'interviewer[web]'"
        ) from None
    from interviewer.core.settings import build_settings
    from interviewer.grading.factory import describe_grader

    settings = build_settings(db=db, grader=grader, bank_dir=bank_dir)
    describe = describe_grader(settings)  # fails early, with one line, if llm is not set up
    from interviewer.web.security import allowed_hosts

    app = create_app(WebConfig(settings=settings, allowed_hosts=allowed_hosts(host, allowed_host)))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    if host not in LOOPBACK:
        typer.echo(
            f"warning: listening on {host}: anyone who can reach this machine can use the app",
            err=True,
        )

    def announce() -> None:
        for s in server.servers:
            for sock in s.sockets:
                bound_host, bound_port = sock.getsockname()[:2]
                shown = f"[{bound_host}]" if ":" in bound_host else bound_host
                typer.echo(f"Interviewer is running at http://{shown}:{bound_port}/")
                typer.echo(f"Grading with {describe}. Press Ctrl-C to stop.")
                return

    _run(server, announce)


def _run(server, announce) -> None:  # type: ignore[no-untyped-def]
    """Run uvicorn and print the URL once the socket is bound (so port 0 shows the real one)."""
    import asyncio
    import contextlib

    async def main() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            announce()
        await task

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the user stops it
        asyncio.run(main())
