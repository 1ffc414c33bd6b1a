"""Command line: ``python -m volrep data|chapter|book``.

Examples
--------
``python -m volrep data list``                         datasets, their sources and whether they are cached
``python -m volrep data fetch binance_klines_15m``     find or download (and verify) a dataset's raw files
``python -m volrep data verify --all``                 re-hash every cached raw file
``python -m volrep chapter 02 -p sim_days 30``         run one chapter with other parameters
``python -m volrep book --profile quick``               run every chapter and build the HTML book
``python -m volrep baselines``                         re-execute notebooks/*.ipynb in place (nbval baselines)
"""

from __future__ import annotations

import argparse
import ast
import sys

from volrep.config import PROFILES
from volrep.errors import VolrepError


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

    baselines = sub.add_parser("baselines", help="re-execute the committed notebooks in place (the nbval baselines)")
    baselines.add_argument("names", nargs="*", help="chapters (default: all)")

    book = sub.add_parser("book", help="execute every chapter and build the HTML book")
    book.add_argument("--profile", default="full", choices=PROFILES)
    book.add_argument("--only", nargs="*", help="execute only these chapters (the others must exist)")
    book.add_argument("--no-execute", action="store_true", help="only rebuild the HTML from executed chapters")
    return parser


def _data(action: str, names: list[str], every: bool) -> None:
    from volrep import data

    if action == "list":
        print(data.list_datasets().to_string(index=False))
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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "data":
            _data(args.action, args.names, args.all)
        elif args.command == "baselines":
            from volrep.runner import chapters, refresh_baseline

            for name in args.names or chapters():
                print(f"baseline refreshed: {refresh_baseline(name)}")
        elif args.command == "chapter":
            from volrep.runner import run_chapter

            params = {k: _literal(v) for k, v in args.parameter}
            run = run_chapter(args.name, profile=args.profile, parameters=params)
            print(f"{run.name}: executed in {run.seconds:.0f} s -> {run.output}")
        else:
            from volrep.runner import build_book

            index = build_book(profile=args.profile, only=args.only, execute=not args.no_execute)
            print(f"book built: {index}")
    except VolrepError as err:
        print(f"volrep: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
