"""Command line: ``python -m volrep data|chapter|book|baselines|check|reference|readme|portability``.

Examples
--------
``python -m volrep data list``                         datasets, their sources and whether they are cached
``python -m volrep data fetch binance_klines_15m``     find or download (and verify) a dataset's raw files
``python -m volrep data verify --all``                 re-hash every cached raw file
``python -m volrep chapter 02 -p sim_days 30``         run one chapter with other parameters
``python -m volrep book --jobs 2``                    run every chapter (2 at a time) and build the HTML book
``python -m volrep baselines``                         re-execute notebooks/*.ipynb in place (nbval baselines)
                                                       and record their claims in book/reference/quick
``python -m volrep check .nbval-results``              compare a run's results with book/reference/quick
``python -m volrep reference RUN --profile full``      record a full run's claims, stamped, in book/reference/full
``python -m volrep readme [--check]``                  regenerate (or check) the README's generated blocks
``python -m volrep portability probe``                 which settings change the networks' last bits
``python -m volrep portability matrix --jobs 2``       rerun the notebook checks as on other machines
``python -m volrep portability recheck``               check the matrix's kept results with today's tolerances
"""

from __future__ import annotations

import argparse
import ast
import signal
import sys

from volrep.config import PROFILES
from volrep.errors import ChapterInterrupted, VolrepError


def _literal(text: str) -> object:
    """Parse a ``-p`` value as a Python literal (number, list, None …), else keep it as a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="volrep", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="list, fetch or verify the raw datasets")
    data.add_argument("action", choices=["list", "fetch", "verify"])
    data.add_argument("names", nargs="*", help="dataset names (default for fetch/verify: all)")
    data.add_argument("--all", action="store_true", help="every dataset of the registry")

    chapter = sub.add_parser("chapter", help="execute one chapter notebook into book/chapters/")
    chapter.add_argument("name", help="chapter name or number, e.g. 02 or 02_rv_signature")
    chapter.add_argument("--profile", default="quick", choices=PROFILES)
    chapter.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("KEY", "VALUE"),
                         help="papermill parameter (repeatable), e.g. -p sim_days 30")

    baselines = sub.add_parser("baselines", help="re-execute the committed notebooks in place (the nbval baselines) "
                                                 "and record their claims in book/reference/quick")
    baselines.add_argument("names", nargs="*", help="chapters (default: all)")

    check = sub.add_parser("check", help="compare a run's results with the committed reference, within tolerances")
    check.add_argument("results", help="the run's results folder (VOLREP_RESULTS_DIR of the run)")
    check.add_argument("--profile", default="quick", choices=PROFILES, help="which reference (book/reference/PROFILE)")

    reference = sub.add_parser("reference", help="record a run's claims as the committed reference of its profile "
                                                 "(full: stamped with commit, machine, wall time, settings)")
    reference.add_argument("results", help="the run's results folder (VOLREP_RESULTS_DIR of the run)")
    reference.add_argument("chapters", nargs="*", help="chapters, names or numbers (default: every results file)")
    reference.add_argument("--profile", default="full", choices=PROFILES,
                           help="which reference (book/reference/PROFILE)")
    reference.add_argument("--timings", help='JSON file {chapter: {"wall_s": s, "peak_rss_mb": MB}} of the run')
    reference.add_argument("--commit", help="commit of the code that ran (default: git rev-parse HEAD)")

    readme = sub.add_parser("readme", help="regenerate the README's findings and timings blocks from the committed references")
    readme.add_argument("--check", action="store_true", help="only check: exit 1 if the block is out of date")

    portability = sub.add_parser("portability", help="emulate other machines: which settings change the numbers "
                                                     "(probe), and do the notebook checks pass under each (matrix)")
    portability.add_argument("action", choices=["probe", "matrix", "recheck"])
    portability.add_argument("--jobs", type=int, default=1, help="settings run side by side (matrix)")
    portability.add_argument("--keep", default=".portability", help="folder for each setting's results and logs")

    book = sub.add_parser("book", help="execute every chapter and build the HTML book")
    book.add_argument("--profile", default="quick", choices=PROFILES,
                      help="quick (default; ≈ 10 min on 2 cores) or full (the papers' protocols: hours, see README)")
    book.add_argument("--jobs", type=int, default=None,
                      help="chapters run side by side (default: one per core, at most 4)")
    book.add_argument("--only", nargs="*", help="execute only these chapters (the others must exist)")
    book.add_argument("--no-execute", action="store_true", help="only rebuild the HTML from executed chapters")
    return parser


def _data(action: str, names: list[str], every: bool) -> None:
    from volrep import data

    if action == "list":
        table = data.list_datasets()
        print(table.to_string(index=False))
        if table.attrs.get("unreadable"):
            raise VolrepError("some datasets could not be looked at (listed as not present):\n  "
                              + "\n  ".join(table.attrs["unreadable"]))
        return
    selected = list(data.REGISTRY) if (every or not names) else names
    for name in selected:
        if action == "fetch":
            paths = data.fetch_dataset(name)
            print(f"{name}: {len(paths)} file(s) ready")
        else:
            table = data.verify_dataset(name)
            print(table.to_string(index=False))
            if (table["status"] != "ok").any():
                raise VolrepError(f"{name}: some files are missing or corrupt (see above)")


def _check(results: str, profile: str) -> int:
    from pathlib import Path

    from volrep.regression import check_results, findings_report, reference_dir

    findings = check_results(Path(results), reference_dir(profile))
    print(findings_report(findings))
    return 1 if any(not f.ok for f in findings) else 0


def _reference(results: str, profile: str, chapters: list[str], timings: str | None, commit: str | None) -> int:
    from pathlib import Path

    from volrep.regression import record_reference

    for path in record_reference(Path(results), profile, chapters, commit=commit,
                                 timings=Path(timings) if timings else None):
        print(f"reference recorded: {path}")
    return 0


def _readme(check: bool) -> int:
    from volrep.config import repo_root
    from volrep.readme import update_readme

    changed = update_readme(repo_root(), check=check)
    if check and changed:
        print("README.md: a generated block is out of date with book/reference/; run `python -m volrep readme`",
              file=sys.stderr)
        return 1
    print("README.md: generated blocks " + ("rewritten" if changed else "up to date"))
    return 0


def _portability(action: str, jobs: int, keep: str) -> int:
    from pathlib import Path

    import pandas as pd

    from volrep import portability

    if action == "probe":
        print(pd.DataFrame(portability.probe()).to_string(index=False))
        return 0
    if action == "recheck":
        rows = portability.recheck(Path(keep))
    else:
        rows = portability.matrix(keep=Path(keep), jobs=jobs)
    print(portability.markdown_table(rows))
    return 0 if all(r["passed"] for r in rows) else 1


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM handler: unwind like Ctrl-C, so that a chapter run stops its kernel and publishes nothing."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 error, 130 interrupted)."""
    import threading

    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "reference" and not any(e.startswith("-") for e in extra):
        args.chapters += extra  # chapters named after the options: argparse leaves them over
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")

    main_thread = threading.current_thread() is threading.main_thread()  # handlers can only be set there
    previous = signal.signal(signal.SIGTERM, _terminated) if main_thread else None
    try:
        if args.command in ("data", "chapter", "book", "baselines"):
            from volrep.config import check_environment

            check_environment()
        if args.command == "data":
            _data(args.action, args.names, args.all)
        elif args.command == "baselines":
            from volrep.runner import refresh_baselines

            for path in refresh_baselines(args.names):
                print(f"baseline refreshed: {path}")
        elif args.command == "check":
            return _check(args.results, args.profile)
        elif args.command == "reference":
            return _reference(args.results, args.profile, args.chapters, args.timings, args.commit)
        elif args.command == "readme":
            return _readme(args.check)
        elif args.command == "portability":
            return _portability(args.action, args.jobs, args.keep)
        elif args.command == "chapter":
            from volrep.runner import run_chapter

            params = {k: _literal(v) for k, v in args.parameter}
            run = run_chapter(args.name, profile=args.profile, parameters=params)
            print(f"{run.name}: executed in {run.seconds:.0f} s -> {run.output}")
        else:
            from volrep.runner import build_book

            index = build_book(profile=args.profile, only=args.only, execute=not args.no_execute,
                               jobs=args.jobs)
            print(f"book built: {index}")
    except ChapterInterrupted as stop:
        print(stop, file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"interrupted: {args.command}", file=sys.stderr)
        return 130
    except VolrepError as err:
        print(f"volrep: error: {err}", file=sys.stderr)
        return 1
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
