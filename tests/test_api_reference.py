"""The book's API reference page (book/api.md) documents every module of volrep, and only those (issue 19)."""

import pkgutil
import re
from pathlib import Path

import volrep

PAGE = Path(__file__).resolve().parents[1] / "book" / "api.md"


def test_api_page_lists_every_module_once():
    modules = {m.name for m in pkgutil.walk_packages(volrep.__path__, "volrep.") if not m.name.endswith("__main__")}
    listed = re.findall(r"^\.\. automodule:: (\S+)$", PAGE.read_text(), flags=re.M)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert set(listed) == modules, (f"missing: {sorted(modules - set(listed))}; "
                                    f"no longer a module: {sorted(set(listed) - modules)}")
