"""What an executed chapter becomes in the book: the changes the runner makes before it publishes a notebook.

:func:`volrep.runner.run_chapter` executes a chapter with papermill; :func:`publish_pages` then turns the executed
notebook into the book's pages. None of these changes touches a computed output:

* **Parameters as a table** (:func:`show_parameters_as_table`). The notebook's ``parameters`` cell and papermill's
  injected one are plumbing: they get ``remove-cell``, and a small table of the run's parameters takes their place.
* **The other profile** (:func:`other_profile_markdown`). The chapter's conclusions are followed by what the
  committed reference of the other profile (``book/reference/<profile>/``, :mod:`volrep.sensitivity`) says about
  the same claims: for a ``quick`` build, the verdicts of the papers' protocols (the ``full`` profile) wherever
  they differ, with both numbers, the reference's commit, date and wall time, and whether it is stale. The text is
  generated from the two results, so it stays true for every rerun.
* **Pages** (:func:`split_pages`). A markdown cell tagged :data:`NEW_PAGE` starts a new page of the same chapter:
  a long chapter (07, 08) reads as a main page and its sub-pages, while it still runs once, as one notebook, and
  writes one results file. Page ``k`` (from 2) of chapter ``NN_name`` is ``NN_name_k.ipynb``; ``_toc.yml`` lists
  it as a section of the chapter. The cell must open with a level-1 heading, the page's title.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from volrep.errors import ConfigError

if TYPE_CHECKING:
    import nbformat

    from volrep.sensitivity import Staleness

#: Tag of the markdown cell that starts a new page (:func:`split_pages`).
NEW_PAGE = "new-page"
#: Tag of the generated cells (the parameters table and the other profile's section).
GENERATED = "volrep-generated"
#: The profile whose verdicts the book stands behind (the papers' protocols).
STANDS_BEHIND = "full"
#: The heading of a chapter's conclusions; the other profile's section follows them.
CONCLUSIONS = "## What we found"


def page_names(name: str, pages: int) -> list[str]:
    """File stems of a chapter's ``pages`` pages: ``name``, then ``name_2``, ``name_3`` … (module notes)."""
    return [name] + [f"{name}_{k}" for k in range(2, pages + 1)]


def show_parameters_as_table(nb: nbformat.NotebookNode) -> None:
    """Hide the notebook's ``parameters`` cell and papermill's injected one (``remove-cell``) and put a small table
    of the run's parameters in their place (in place; nothing happens for a notebook papermill did not run)."""
    import nbformat

    run = nb.metadata.get("papermill", {}).get("parameters", {})
    where = None
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.setdefault("tags", [])
        if {"parameters", "injected-parameters"} & set(tags):
            where = i
            if "remove-cell" not in tags:
                tags.append("remove-cell")
    if where is None or not run:
        return
    rows = [f"| `{key}` | `{value!r}` |" for key, value in run.items()]
    table = "\n".join(["This page was run with these parameters (the others take the profile's values):", "",
                       "| parameter | value |", "|---|---|", *rows])
    nb.cells.insert(where + 1, nbformat.v4.new_markdown_cell(table, metadata={"tags": ["run-parameters", GENERATED]}))


def _stamp_line(reference: Mapping, stale: Staleness | None) -> str:
    """One sentence on where a reference comes from: commit, date, wall time, and whether it is still fresh."""
    stamp = reference.get("stamp") or {}
    commit = str(stamp.get("commit") or "an unrecorded commit")[:10]
    date = str(stamp.get("date") or "")[:10] or "an unrecorded date"
    wall = stamp.get("wall_s")
    took = f", {float(wall) / 60:.0f} min of wall time" if wall else ""
    line = f"The `{reference['profile']}` reference was run at commit `{commit}` on {date}{took}."
    if stale is not None and stale.state != "fresh":
        line += (f" It is **{stale.state}**: {'; '.join(stale.why)}; its verdicts may no longer describe this "
                 "code.")
    return line


def other_profile_markdown(result: Mapping, root: Path) -> str:
    """The section that ends a chapter: its claims under the other profile's committed reference.

    Parameters
    ----------
    result
        The chapter's results (``chapter``, ``profile``, ``claims``) as :func:`volrep.report.write_results` wrote
        them.
    root
        The project whose ``book/reference/`` holds the references.

    Returns
    -------
    str
        Markdown: a heading, where the reference comes from, how many verdicts agree, and a collapsed table of the
        claims whose verdict differs (paper, ours and the verdict under each profile).
    """
    from volrep.sensitivity import compare_profiles, counterpart, differences_markdown, profile_pairs, staleness

    other = counterpart(str(result["profile"]))
    title = ("## At the papers' protocols (the `full` profile)" if other == STANDS_BEHIND
             else "## Under the `quick` profile")
    pairs = profile_pairs([dict(result)], root)
    reference = pairs[0][1]
    if reference is None:
        if other == STANDS_BEHIND:
            return (f"{title}\n\nThis chapter has not been run at the `full` profile yet, so its verdicts are those of "
                    f"the `{result['profile']}` profile only (the README's \"Profiles and wall times\" says why and "
                    "what a full run costs).")
        return f"{title}\n\nNo `quick` reference of this chapter is committed: nothing to compare."
    stale = staleness(root).get(str(result["chapter"])) if other == STANDS_BEHIND else None
    compared = compare_profiles(pairs)
    counts = compared["status"].value_counts()
    same, differ = int(counts.get("same", 0)), int(counts.get("differs", 0))
    only = {p: int(counts.get(f"only {p}", 0)) for p in (result["profile"], other)}
    lines = [title, "", _stamp_line(reference, stale), ""]
    summary = (f"Of the {same + differ} claims both runs made, {same} have the same verdict and {differ} "
               f"{'has' if differ == 1 else 'have'} a different one.")
    extra = [f"{n} only in the `{p}` run" for p, n in only.items() if n]
    if extra:
        summary += f" ({'; '.join(extra)}.)"
    if other == STANDS_BEHIND and differ:
        summary += " Where they differ, the `full` verdict is the one the book stands behind."
    lines.append(summary)
    if differ:
        lines += ["", f":::{{dropdown}} The {differ} claim{'s' if differ != 1 else ''} whose verdict differs",
                  *differences_markdown(compared), ":::"]
    return "\n".join(lines)


def split_pages(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The notebook cut into pages at each markdown cell tagged :data:`NEW_PAGE` (module notes).

    Every page keeps the notebook's metadata; code cells stay on the page where they ran, so their outputs are
    unchanged.

    Raises
    ------
    ConfigError
        A page-opening cell does not start with a level-1 heading (the page would have no title).
    """
    import copy

    cuts = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and NEW_PAGE in c.metadata.get("tags", [])]
    for i in cuts:
        if not nb.cells[i].source.lstrip().startswith("# "):
            raise ConfigError(f"cell {i} starts a new page ({NEW_PAGE!r} tag) but does not open with a level-1 "
                              "heading, the page's title")
    pages = []
    for start, stop in zip([0, *cuts], [*cuts, len(nb.cells)]):
        page = copy.deepcopy(nb)
        page.cells = page.cells[start:stop]
        pages.append(page)
    return pages


def _after_conclusions(nb: nbformat.NotebookNode) -> int:
    """Where the other profile's section goes: after the cells of the chapter's :data:`CONCLUSIONS` section (before
    the next level-2 heading), or at the end of a notebook that has none."""
    def heading(cell: nbformat.NotebookNode) -> str:
        return cell.source.lstrip() if cell.cell_type == "markdown" else ""

    found = [i for i, c in enumerate(nb.cells) if heading(c).startswith(CONCLUSIONS)]
    if not found:
        return len(nb.cells)
    later = [i for i in range(found[-1] + 1, len(nb.cells))
             if heading(nb.cells[i]).startswith(("## ", "# ")) or NEW_PAGE in nb.cells[i].metadata.get("tags", [])]
    return later[0] if later else len(nb.cells)


def publish_pages(nb: nbformat.NotebookNode, result: Mapping, root: Path) -> list[nbformat.NotebookNode]:
    """An executed chapter as the book's pages: the parameters table, the other profile's section after the
    chapter's conclusions, then the pages (see the module notes)."""
    import nbformat

    show_parameters_as_table(nb)
    nb.cells.insert(_after_conclusions(nb), nbformat.v4.new_markdown_cell(
        other_profile_markdown(result, root), metadata={"tags": ["other-profile", GENERATED]}))
    return split_pages(nb)
