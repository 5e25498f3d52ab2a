"""Optional dependencies: import one, or say which extra brings it."""

from __future__ import annotations

import importlib
from types import ModuleType

from xl_placement.errors import DependencyMissingError


def require(module: str, *, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise DependencyMissingError naming the extra that installs it.

    Args:
        module: the module to import, e.g. ``"pandas"``.
        extra: the xl-placement extra that brings it, e.g. ``"pandas"``.
        purpose: what needs it, for the message, e.g. ``"figures_frame"``.

    Raises:
        DependencyMissingError: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DependencyMissingError(
            f"{purpose} needs {module}, which is not installed; "
            f"install it with: pip install 'xl-placement[{extra}]'"
        ) from exc
