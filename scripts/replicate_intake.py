#!/usr/bin/env python3
"""Copy an intake COPIES times into DEST/intake, with DEST/roster.csv naming every copy.

Copy k of folder F is ``k_F`` with the roster row of F (its ``folder`` set to ``k_F`` and, when
the roster has an ``archive_no`` column, its archive number suffixed ``-k`` so that codes stay
unique). One copy keeps the folders' names. For the Slurm check and the sharding bench.

    python3 scripts/replicate_intake.py samples/intake samples/roster.csv /tmp/x8 8
"""

import csv
import shutil
import sys
from pathlib import Path


def main(intake: str, roster: str, dest: str, copies: str) -> None:
    source, out, count = Path(intake), Path(dest), int(copies)
    rows = list(csv.DictReader(open(roster, encoding="utf-8")))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "roster.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for copy in range(1, count + 1):
            for row in rows:
                folder = row["folder"] if count == 1 else f"{copy}_{row['folder']}"
                shutil.copytree(source / row["folder"], out / "intake" / folder)
                copied = {**row, "folder": folder}
                if count > 1 and row.get("archive_no"):
                    copied["archive_no"] = f"{row['archive_no']}-{copy}"
                writer.writerow(copied)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
