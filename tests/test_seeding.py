"""No library function reseeds a global generator (issue 19): seeds are explicit arguments.

A library function draws from its own generator (``numpy.random.default_rng(seed)``, ``torch.Generator``) or, for
what PyTorch only draws from its global generator (initial weights, dropout), inside
:func:`volrep.config.local_seed`, which gives the caller's state back. Only notebooks and scripts call
:func:`volrep.config.seed_everything`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import volrep

SOURCES = Path(volrep.__file__).parent
#: Where reseeding the global generators is the point: the definitions of seed_everything and local_seed.
ALLOWED = {"config.py"}


def _reseeds(call: ast.Call) -> str | None:
    """The name of a global reseeding call, or None: seed_everything, torch(.cuda).manual_seed(_all),
    np.random.seed, random.seed."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id if func.id == "seed_everything" else None
    if not isinstance(func, ast.Attribute):
        return None
    owner = ast.unparse(func.value)
    if func.attr == "seed_everything":
        return f"{owner}.seed_everything"
    if func.attr in ("manual_seed", "manual_seed_all") and owner in ("torch", "torch.cuda", "torch.random"):
        return f"{owner}.{func.attr}"
    if func.attr == "seed" and owner in ("np.random", "numpy.random", "random"):
        return f"{owner}.seed"
    return None


def global_reseeding(root: Path = SOURCES) -> list[str]:
    """``file:line name`` of every global reseeding call in the package outside :data:`ALLOWED`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).as_posix() in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and (name := _reseeds(node)):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    return found


def test_no_library_module_reseeds_a_global_generator() -> None:
    assert global_reseeding() == []


def test_the_scan_finds_every_kind_of_reseeding(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "import random, torch\nimport numpy as np\nfrom volrep import config\n"
        "config.seed_everything(1)\ntorch.manual_seed(1)\ntorch.cuda.manual_seed_all(1)\nnp.random.seed(1)\n"
        "random.seed(1)\ng = torch.Generator().manual_seed(1)\nrng = np.random.default_rng(1)\n"
    )
    assert global_reseeding(tmp_path) == [
        "bad.py:4 config.seed_everything", "bad.py:5 torch.manual_seed", "bad.py:6 torch.cuda.manual_seed_all",
        "bad.py:7 np.random.seed", "bad.py:8 random.seed",
    ]
