"""Fuzz every API operation with schemathesis against a live server holding the seed graph; print a table.

    .venv/bin/python benchmarks/fuzz.py                    # 1,000 cases per operation, anonymous and editor
    .venv/bin/python benchmarks/fuzz.py --cases 200 --as editor
    .venv/bin/python benchmarks/fuzz.py --as editor --paths /api/sources/,/api/stats/

Runs the suite's fuzzing tests (tests/api/test_fuzz.py) with more cases: the test session starts its own
embedded graph server on free ports and a live server, loads the seed graph, and calls each operation of the
live OpenAPI schema `--cases` times (half schema-valid input, half not), anonymously and as an editor with a
token. Per operation it prints the cases run (fewer where the input has fewer distinct values), the server
errors (5xx), the schema violations (status, content type, headers or body not as documented) and the valid
calls refused with a 400, then a few sample failures with a curl command to reproduce each. The exit status
is pytest's: 0 when no call got a 5xx or broke the schema.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = {"anonymous": "anonymous", "editor": "editors"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="generated calls per operation")
    parser.add_argument("--as", dest="who", choices=["anonymous", "editor", "both"], default="both")
    parser.add_argument("--paths", default="", help="only operations whose paths start with these (comma-separated)")
    args = parser.parse_args()

    os.chdir(ROOT)
    os.environ["ATC_FUZZ_CASES"] = str(args.cases)
    os.environ["ATC_FUZZ_PATHS"] = args.paths
    selected = [] if args.who == "both" else ["-k", TESTS[args.who]]
    return pytest.main(
        ["-q", "-s", "-p", "no:cacheprovider", "--no-header", "--tb=line", "tests/api/test_fuzz.py", *selected]
    )


if __name__ == "__main__":
    sys.exit(main())
