"""The package's shape: no import cycle, and importing pdedsl changes no setting of the
process (JAX's float64 mode and compile cache, the BLAS threads) until a solve starts."""

import ast
import os
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pdedsl"
MODULES = sorted(
    "pdedsl." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
    for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"
)


def _top_level_imports(module: str) -> set[str]:
    """The pdedsl modules that `module` imports at its top level (not inside functions)."""
    parts = module.split(".")
    path = PACKAGE.joinpath(*parts[1:])
    is_package = path.is_dir()
    path = path / "__init__.py" if is_package else path.with_suffix(".py")
    package = parts if is_package else parts[:-1]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from . import geometry` imports a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != module}


def test_no_import_cycle():
    graph = {m: _top_level_imports(m) for m in MODULES}
    state: dict[str, str] = {}

    def visit(m, path):
        state[m] = "open"
        for n in graph[m]:
            assert state.get(n) != "open", "import cycle: " + " -> ".join(path + [m, n])
            if n not in state:
                visit(n, path + [m])
        state[m] = "done"

    for m in MODULES:
        if m not in state:
            visit(m, [])
    assert "pdedsl.solvers.anagram" in graph and graph["pdedsl.api"]  # the scan saw the tree


# One interpreter loads JAX, SymPy and Equinox (most of the seconds of a fresh import), then
# forks a child per argument: each child starts with no pdedsl module loaded, imports the
# argument's modules (comma-separated) and checks that the process settings did not change.
_IMPORT_IN_CHILDREN = """
import os, sys, jax, sympy, equinox
assert not [m for m in sys.modules if m.startswith("pdedsl")]
failed = {}
for group in sys.argv[1:]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            before = (jax.config.jax_enable_x64, jax.config.jax_compilation_cache_dir)
            for module in group.split(","):
                __import__(module)
            after = (jax.config.jax_enable_x64, jax.config.jax_compilation_cache_dir)
            assert before == after, (before, after)
            assert "OPENBLAS_NUM_THREADS" not in os.environ
            os._exit(0)
        except BaseException as error:
            os.write(write, repr(error).encode()[:2000])
            os._exit(1)
    os.close(write)
    message = os.read(read, 4000).decode()
    os.close(read)
    if os.waitpid(pid, 0)[1]:
        failed[group[:80]] = message or "the child died"
print(failed)
sys.exit(1 if failed else 0)
"""


def _import_in_children(*groups: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    return subprocess.run([sys.executable, "-c", _IMPORT_IN_CHILDREN, *groups],
                          capture_output=True, text=True, env=env)


def test_importing_the_whole_package_leaves_the_process_settings_alone():
    result = _import_in_children(",".join(MODULES))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]


def test_every_module_imports_alone_and_leaves_the_process_settings_alone():
    result = _import_in_children(*MODULES)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert len(MODULES) > 20


def test_numpys_openblas_loaded_before_the_command_starts_gets_one_thread():
    # importing pdedsl loads NumPy, and its OpenBLAS, before the command line can set
    # OPENBLAS_NUM_THREADS: the command tells the loaded library (pdedsl.runtime)
    code = (
        "import ctypes, os\n"
        "from pathlib import Path\n"
        "import numpy as np\n"
        "import pdedsl.cli\n"
        "def threads():\n"
        "    maps = (line.split() for line in Path('/proc/self/maps').read_text().splitlines())\n"
        "    paths = sorted({p[-1] for p in maps if len(p) >= 6 and 'openblas' in p[-1].lower()})\n"
        "    lib = ctypes.CDLL(paths[0])\n"
        "    get = next(getattr(lib, n) for n in ('scipy_openblas_get_num_threads64_',\n"
        "               'openblas_get_num_threads', 'scipy_openblas_get_num_threads') if hasattr(lib, n))\n"
        "    return get()\n"
        "before = threads()\n"
        "from pdedsl import runtime\n"
        "runtime.limit_loaded_blas_threads()\n"
        "print(before, threads(), os.cpu_count())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    before, after, cores = map(int, result.stdout.split())
    assert after == 1
    assert before > 1 or cores == 1  # it started with a thread per core: it changed
