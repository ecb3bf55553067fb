"""The shape of the house: imports run down the flow, and every function stays small.

These are the limits a newcomer can rely on when reading the tree: a stage never reaches
back up the stream, and no function is too long or too branchy to hold in one's head.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from radon.complexity import cc_visit

from tests.paths import REPO

PACKAGE = REPO / "pipeline"
# The flow, lowest first: a module may import from its own stage or from a lower one.
FLOW = (
    ("errors", "labels"),
    ("rows",),
    ("read",),
    ("validate",),
    ("plan",),
    ("send",),
    ("report",),
    ("importer",),
    ("exporter",),
    ("cli",),
    ("__main__", "pipeline"),
)
RANK = {stage: rank for rank, stages in enumerate(FLOW) for stage in stages}
# The sandbox is the server's emulator, beside the flow: it shares only the loopback test
# with the client, and only the CLI starts it.
SANDBOX_MAY_IMPORT = {"sandbox", "send.net"}
MAX_LINES = 40
MAX_COMPLEXITY = 10


def _modules() -> Iterator[Path]:
    yield from sorted(PACKAGE.rglob("*.py"))


def _stage(module: str) -> str:
    """`pipeline.read.migrate.phoenix` → `read`; `pipeline` (its __init__) → `pipeline`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pipeline"


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _allowed(module: str, target: str) -> bool:
    source, stage = _stage(module), _stage(target)
    if source == "sandbox":
        return stage == "sandbox" or target == "pipeline.send.net"
    if stage == "sandbox":
        return source == "cli"
    return stage == source or RANK[stage] < RANK[source]


def _wrong_way(module: str, imports: Iterable[str]) -> list[str]:
    ours = (target for target in imports if target.split(".")[0] == "pipeline")
    return [f"{module} imports {target}" for target in ours if not _allowed(module, target)]


def test_every_stage_of_the_flow_is_a_known_package() -> None:
    stages = {_stage(_name(path)) for path in _modules()}
    assert stages == set(RANK) | {"sandbox"}


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(REPO)))
def test_imports_only_run_down_the_flow(path: Path) -> None:
    assert _wrong_way(_name(path), _imports(path)) == []


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first decorator to the end, not counting the docstring."""
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    length = (node.end_lineno or node.lineno) - first + 1
    head = node.body[0]
    is_docstring = isinstance(head, ast.Expr) and isinstance(head.value, ast.Constant)
    if is_docstring and isinstance(head.value.value, str):  # type: ignore[attr-defined]
        length -= (head.end_lineno or head.lineno) - head.lineno + 1
    return length


def _too_long(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name} (line {node.lineno}): {_length(node)} lines"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _length(node) > MAX_LINES
    ]


def _too_complex(path: Path) -> list[str]:
    found = set()
    for block in cc_visit(path.read_text(encoding="utf-8")):
        for function in [block, *getattr(block, "methods", [])]:
            if not hasattr(function, "methods") and function.complexity > MAX_COMPLEXITY:
                found.add(f"{function.name} (line {function.lineno}): {function.complexity}")
    return sorted(found)


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: str(p.relative_to(REPO)))
def test_no_function_is_too_long_or_too_branchy(path: Path) -> None:
    assert _too_long(path) + _too_complex(path) == []


def test_the_flow_check_catches_an_import_up_the_stream() -> None:
    assert _wrong_way("pipeline.read.text", ["pipeline.send.client"])
    assert _wrong_way("pipeline.sandbox.rules", ["pipeline.labels"])
    assert _wrong_way("pipeline.report.summary", ["pipeline.sandbox"])
    assert not _wrong_way("pipeline.cli.run_cmd", ["pipeline.sandbox", "pipeline.importer"])
    assert not _wrong_way("pipeline.sandbox.server", ["pipeline.send.net", "aiohttp"])


def test_the_size_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    long = "def f(x):\n" + "".join(f"    x += {i}\n" for i in range(MAX_LINES)) + "    return x\n"
    branchy = "def g(x):\n" + "".join(
        f"    if x == {i}:\n        return {i}\n" for i in range(MAX_COMPLEXITY)
    )
    (tmp_path / "a.py").write_text(long + branchy)
    assert len(_too_long(tmp_path / "a.py")) == 1
    assert len(_too_complex(tmp_path / "a.py")) == 1
