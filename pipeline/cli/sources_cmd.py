"""`label-import sources`: the tools whose exports `--from` reads, and where to get each."""

from __future__ import annotations

from pipeline.cli.app import app


@app.command()
def sources() -> None:
    """List the migration sources and where to get each one's export."""
    from pipeline.read.migrate import SOURCES

    width = max(len(name) for name in SOURCES)
    for source in SOURCES.values():
        print(f"{source.name:<{width}}  {source.title}: {source.where}")
