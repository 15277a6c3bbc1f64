"""Explain why a person is or is not in a segment: see cdp/explain.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.explain import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
