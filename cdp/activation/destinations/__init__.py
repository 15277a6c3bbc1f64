"""Activation destinations: one module per destination behind one interface (base.py), found by name here.

* files: a file with the whole audience (``marketo-csv``, ``linkedin-csv``, ``csv``, ``parquet``), replaced atomically;
* marketo: a Marketo static list through the REST API (marketo_api.py, the client), only the changes since the
  last successful sync.

``names()`` lists the ``--format`` names, ``create(name, options)`` makes a destination. Every module of this package
is imported the first time either is called, so a new destination is one new module (see base.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Any

from cdp.activation.destinations.base import FACTORIES, Destination, DestinationError


def _import_all() -> None:
    """Import every module of this package, so that each registers its destinations."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def names() -> list[str]:
    """The registered destination names (the ``--format`` choices), sorted."""
    _import_all()
    return sorted(FACTORIES)


def create(name: str, options: Mapping[str, Any]) -> Destination:
    """The destination ``name`` with ``options`` (see base.py); DestinationError for an unknown name."""
    _import_all()
    if name not in FACTORIES:
        raise DestinationError(f"unknown destination {name!r}; known destinations: {', '.join(sorted(FACTORIES))}")
    return FACTORIES[name](name, options)
