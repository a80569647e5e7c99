"""The house's one rule of direction (STYLE.md): HTTP or schedule -> api -> services -> domain +
store + mail (+ documents), nothing below importing anything above it; the domain imports no
machinery; and no module imports itself round a circle, at the top of a module or inside a
function (a lazy import, `http.lazy("chalicelib.services.x")` included)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A module's layer: the first of these prefixes it starts with. Lower layers are imported by
# higher ones, never the reverse; a layer may import itself.
LAYERS = [
    ("app", 0),
    ("chalicelib.api", 1), ("chalicelib.jobs", 1),
    ("chalicelib.services", 2),
    # the adapters: tables, e-mail, printed documents, reference data files
    ("chalicelib.store", 3), ("chalicelib.mail", 3), ("chalicelib.documents", 3), ("chalicelib.reference", 3),
    ("chalicelib.delivery", 3),
    ("chalicelib.domain", 4),
    ("chalicelib.config", 5), ("chalicelib.i18n", 5), ("chalicelib", 5),
]
# What the domain may import of the project: itself only (plain Python, no AWS, no clock).
DOMAIN_MAY_IMPORT = ("chalicelib.domain",)


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    found.update({_name(path): path for path in (ROOT / "chalicelib").rglob("*.py")})
    return found


def _imports(name: str, path: Path, modules: dict, unknown: list | None = None) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                         for alias in node.names)
            if node.level and base not in modules and unknown is not None:
                unknown.append(f"{name}: from {'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy" and node.args \
                and isinstance(node.args[0], ast.Constant):
            found.add(node.args[0].value)
    return {module for module in found if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layer(module: str) -> int:
    return next(rank for prefix, rank in LAYERS if module == prefix or module.startswith(prefix + "."))


def test_no_module_imports_one_of_a_layer_above_it():
    upward = sorted(f"{module} -> {imported}" for module, imports in _graph().items()
                    for imported in imports if _layer(imported) < _layer(module))
    assert upward == []


# The API may tell a backend fault from an answer (store.faults reads no table: a 503), nothing more.
API_MAY_IMPORT_OF_THE_STORE = ("chalicelib.store.faults",)


def test_the_api_reaches_the_tables_only_through_the_services():
    reaching = sorted(f"{module} -> {imported}" for module, imports in _graph().items()
                      if module.startswith("chalicelib.api") for imported in imports
                      if imported.startswith("chalicelib.store") and imported not in API_MAY_IMPORT_OF_THE_STORE)
    assert reaching == []


def test_the_domain_imports_nothing_of_the_machinery():
    graph = _graph()
    outside = sorted(f"{module} -> {imported}" for module, imports in graph.items()
                     if module.startswith("chalicelib.domain") for imported in imports
                     if not imported.startswith(DOMAIN_MAY_IMPORT))
    assert outside == []


def test_no_module_imports_itself_round_a_circle():
    graph, circles = _graph(), []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                circles.append(" -> ".join(trail[trail.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, trail + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_every_relative_import_names_a_module_of_the_project():
    modules, unknown = _modules(), []
    for name, path in modules.items():
        _imports(name, path, modules, unknown)
    assert unknown == []


def test_the_graph_sees_what_it_checks():
    graph = _graph()
    assert "chalicelib.store.accounts" in graph["chalicelib.store.base"]
    assert "chalicelib.services.certificates" in graph["chalicelib.api.cois"]      # lazy
    assert "chalicelib.domain.errors" in graph["chalicelib.domain.coi"]            # relative
