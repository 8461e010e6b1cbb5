"""Score the converter against the hand-written expected values for ../shared/corpus.

    python benchmarks/evaluate_corpus.py [--shared ../shared] [--expected tests/expected]

Prints per-field metadata accuracy, cell accuracy on the whole reports (correct / flagged as
uncertain / wrong / missing), narrative-figure precision and recall, and every miss. Exits 1 if
the converter states a wrong value with certainty.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ogikg.converter.metadata_kinds import agency_kinds
from ogikg.converter.model import RejectedInput
from ogikg.converter.pipeline import convert_path
from ogikg.evaluation import format_report, from_parsed, load_expected, score

ROOT = Path(__file__).resolve().parents[1]


def kind_labels(notation: str) -> list[str]:
    for kind in agency_kinds().kinds:
        if kind.notation == notation:
            return [kind.label_zh, *kind.endings]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--expected", type=Path, default=ROOT / "tests" / "expected")
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}", file=sys.stderr)
        return 2
    expected = load_expected(args.expected)
    predicted = {}
    for gold in expected:
        try:
            predicted[gold.file] = from_parsed(convert_path(corpus / gold.file), kind_labels)
        except RejectedInput as rejection:
            print(f"{gold.file}: rejected: {rejection.reason}", file=sys.stderr)
    result = score(expected, predicted)
    print(format_report(result))
    return 1 if result.certain_wrong else 0


if __name__ == "__main__":
    sys.exit(main())
