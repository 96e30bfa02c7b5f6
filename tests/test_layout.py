"""The house: stages import downwards only, and no module imports itself back through others."""

import ast
from pathlib import Path

QA = Path(__file__).resolve().parents[1] / "qa"
TOP_LAYER = {"qa.assistant", "qa.cli", "qa.__main__", "qa", "app"}  # the thin layers over the stages


def module_name(path: Path) -> str:
    parts = path.relative_to(QA.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each qa module and the qa modules it imports (lazy imports inside functions included)."""
    modules = {module_name(path): path for path in QA.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qa"):
                for alias in node.names:  # "from qa.index import vectors" imports qa.index.vectors
                    found.add(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                              else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("qa"))
        graph[name] = {module for module in found if module in modules and module != name}
    return graph


def test_no_stage_imports_the_api_the_cli_or_the_app():
    offenders = {name: sorted(targets & TOP_LAYER) for name, targets in imports().items()
                 if name not in TOP_LAYER and targets & TOP_LAYER}
    assert not offenders, offenders


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph`, or None (a package importing its own modules is no cycle)."""
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for target in sorted(graph[name]):
            if target.startswith(name + ".") or name.startswith(target + "."):
                continue
            if state.get(target) == 1:
                return path + [name, target]
            if state.get(target) is None and (cycle := visit(target, path + [name])):
                return cycle
        state[name] = 2
        return None

    for name in sorted(graph):
        if state.get(name) is None and (cycle := visit(name, [])):
            return cycle
    return None


def test_there_are_no_import_cycles():
    graph = imports()
    assert "qa.answer.features" in graph["qa.answer.extractive"]  # the graph sees imports
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_a_cycle_is_found_when_there_is_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "p": {"p.m"}, "p.m": {"p"}}) is None
