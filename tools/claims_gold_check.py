"""Check claim annotation files (text-free gold records) against the shared article texts.

    python tools/claims_gold_check.py tests/data/claims_real/batch_1.jsonl [...]
    python tools/claims_gold_check.py --show reuters-1234     # print an article's text

Exit 1 if any record has a problem (name not in the text, evidence not verbatim or longer than
20 words, unknown event or modality).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# run from a checkout without installing: the package beside this folder
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from geobrief.evaluate_claims import attach_texts, check_gold_record, load_gold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*")
    parser.add_argument("--show", metavar="ID", help="print the text of one article")
    args = parser.parse_args(argv)
    if args.show:
        rec = {"id": args.show, "places": []}
        attach_texts([rec])
        print(f"# {rec['id']}: {rec.get('title')}\n")
        print(rec["text"])
        return 0
    bad = 0
    pairs = 0
    articles = 0
    for path in args.files:
        for rec in load_gold(path):
            articles += 1
            for place in rec["places"]:
                pairs += len({c["event"] for c in place.get("claims", []) if not c.get("optional")})
            for problem in check_gold_record(rec):
                bad += 1
                print(f"{path}: {rec['id']}: {problem}")
    print(f"{articles} articles, {pairs} required place-event pairs, {bad} problems", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
