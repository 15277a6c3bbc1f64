"""Compare the public models of two builds exported as Parquet: see cdp/compare.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.compare import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
