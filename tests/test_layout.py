"""The package's stages import only from the stages before them (data flows one way), and the
architecture page names every module of the tree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "keikaku"
ROOT = SRC.parents[1]

# Each stage's rank: a module may import from its own stage and from stages of a lower rank.
RANKS = {"profiles": 0, "errors": 0, "text": 0, "model": 1, "ingest": 2, "segment": 3, "extract": 4, "export": 5,
         "run": 6, "views": 7, "api": 8, "cli": 9, "__init__": 9, "__main__": 9}


def _stage(module: str) -> str:
    """``keikaku.segment.build`` → ``segment``; ``keikaku`` (the package itself) → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every keikaku module the ``source`` of ``module`` imports, with its line (imports inside
    functions too)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "keikaku" or target.startswith("keikaku."):
                names = [f"{target}.{a.name}" for a in node.names] if target == "keikaku" else [target]
                found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("keikaku.")]
    return found


MODULES = sorted(SRC.rglob("*.py"))


def test_every_module_belongs_to_a_stage() -> None:
    unknown = [str(p.relative_to(SRC)) for p in MODULES if _stage(_module(p)) not in RANKS]
    assert not unknown, f"modules outside every stage (add them to a stage folder or to RANKS): {unknown}"


def _upward(source: str, module: str, is_package: bool = False) -> list[str]:
    here = _stage(module)
    return [f"line {line}: {target}" for line, target in _imports(source, module, is_package)
            if target != "keikaku.__version__" and RANKS.get(_stage(target), 99) > RANKS[here]]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_run_down_the_stages(path: Path) -> None:
    upward = _upward(path.read_text(encoding="utf-8"), _module(path), path.name == "__init__.py")
    assert not upward, f"{path.relative_to(SRC)} imports from a later stage: {upward}"


@pytest.mark.parametrize(("source", "module", "flagged"), [
    ("from ..export.document import dumps\n", "keikaku.segment.build", ["line 1: keikaku.export.document"]),
    ("def f():\n    from keikaku.run import batch\n", "keikaku.extract.nlp", ["line 2: keikaku.run"]),
    ("from . import pinned\n", "keikaku.segment", []),
    ("from ..segment.profile import Profile\n", "keikaku.extract.entities", []),
    ("from .. import __version__\n", "keikaku.model.tree", []),
])
def test_the_rule_sees_upward_imports(source: str, module: str, flagged: list[str]) -> None:
    """The rule above can fail: relative, absolute and function-level imports are all read."""
    assert _upward(source, module, is_package=module.count(".") == 1 and module.endswith("segment")) == flagged


def _architecture_modules() -> set[str]:
    """The module paths listed in ARCHITECTURE.md's module list (the code block under "The modules")."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = text.split("## The modules", 1)[1].split("```", 2)[1]
    return {line.split()[0] for line in block.splitlines() if line.strip()}


def _only_a_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)


def test_the_architecture_page_lists_every_module_and_no_other() -> None:
    """Every module with code is listed (a stage folder's __init__ that only documents it is not)."""
    listed = _architecture_modules()
    actual = {str(p.relative_to(SRC)) for p in MODULES if not (p.name == "__init__.py" and _only_a_docstring(p))}
    assert not actual - listed, f"modules missing from ARCHITECTURE.md: {sorted(actual - listed)}"
    assert not listed - actual, f"ARCHITECTURE.md lists modules that do not exist: {sorted(listed - actual)}"


def test_the_architecture_page_names_rule_files_that_exist() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(src/keikaku/[\w/.<>-]+)`", text))
    assert named, "the page names no rule file"
    missing = [n for n in named if "<" not in n and not (ROOT / n).exists()]
    assert not missing, f"ARCHITECTURE.md names files that do not exist: {missing}"
