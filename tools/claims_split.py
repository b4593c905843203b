"""Gather the annotation batches into ``dev.jsonl`` and ``lockbox.jsonl`` (by ``selection.json``).

    python tools/claims_split.py

The split was drawn before annotation (tools/claims_select.py); this only sorts the annotated
records into the two files, in id order.  The second annotator's file stays apart (agreement).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims_real"


def main() -> None:
    selection = json.loads((HERE / "selection.json").read_text())
    records = {}
    for path in sorted(HERE.glob("annotations_*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                rec = json.loads(line)
                records[rec["id"]] = rec
    for part in ("dev", "lockbox"):
        ids = [i for i in selection[part] if i in records]
        with (HERE / f"{part}.jsonl").open("w", encoding="utf-8") as out:
            for i in ids:
                out.write(json.dumps(records[i], ensure_ascii=False) + "\n")
        print(f"{part}: {len(ids)} of {len(selection[part])} articles annotated")


if __name__ == "__main__":
    main()
