"""Argument checking for the public functions: a wrong type is a TypeError naming the argument.

The public functions are called from scripts and notebooks, where a wrong argument (a Deal
where Figures are expected, text where a date is) would otherwise surface as an
AttributeError from deep inside. :func:`checked` compares each argument with its annotation
first and names the argument, the expected type and what was given.
"""

from __future__ import annotations

import collections.abc
import functools
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    import inspect

P = ParamSpec("P")
R = TypeVar("R")


def checked(function: Callable[P, R]) -> Callable[P, R]:
    """``function``, with each argument checked against its annotation before the call.

    Annotations that cannot be resolved at run time (names imported only for type checking)
    are not checked; sequences are checked element by element.

    Raises:
        TypeError: ``f() argument 'name' must be Figures, not Deal``.
    """
    # The signature is read at the first call, not at import: inspect costs about 14 ms of
    # every cold start (a report, a check, Excel loading the functions) that never needs it.
    signatures: list[inspect.Signature] = []
    hints: dict[str, Any] = {}

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not signatures:
            import inspect  # noqa: PLC0415 - see above

            signatures.append(inspect.signature(function))
            hints.update(_hints(function, signatures[0]))
        bound = signatures[0].bind(*args, **kwargs)  # Python's own TypeError for a missing or extra argument
        for name, value in bound.arguments.items():
            hint = hints.get(name)
            if hint is not None and not matches(value, hint):
                raise TypeError(
                    f"{function.__name__}() argument {name!r} must be {describe(hint)}, not {_given(value)}"
                )
        return function(*args, **kwargs)

    return wrapper


def _hints(function: Callable[..., Any], signature: inspect.Signature) -> dict[str, Any]:
    import inspect  # noqa: PLC0415 - only at a checked function's first call (see checked)

    namespace = getattr(inspect.unwrap(function), "__globals__", {})
    result: dict[str, Any] = {"": None}  # never empty, so it is resolved once
    for name, parameter in signature.parameters.items():
        annotation = parameter.annotation
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, namespace)  # noqa: S307 - the package's own annotations
            except (NameError, AttributeError, TypeError):
                continue
        if annotation is not inspect.Parameter.empty:
            result[name] = annotation
    return result


def matches(value: object, hint: Any) -> bool:  # noqa: PLR0911 - one answer per kind of annotation
    """Whether ``value`` is of the annotated type (an int is a float; a bool is not an int)."""
    if hint is Any or isinstance(hint, TypeVar):
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(matches(value, argument) for argument in arguments)
    if origin is typing.Literal:
        return value in arguments
    if origin is not None:
        return _matches_generic(value, origin, arguments)
    if not isinstance(hint, type):
        return True
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _matches_generic(value: object, origin: Any, arguments: tuple[Any, ...]) -> bool:
    if origin is collections.abc.Callable:
        return callable(value)
    if not isinstance(origin, type) or not isinstance(value, origin):
        return False
    if isinstance(value, str | bytes):  # text is a sequence of text, never of numbers or rows
        return origin in (str, bytes)
    items = typing.cast("tuple[object, ...]", value)
    if origin is tuple and arguments and arguments[-1] is not Ellipsis:  # tuple[str, int]: each in turn
        return len(items) == len(arguments) and all(map(matches, items, arguments))
    if origin in (list, tuple, collections.abc.Sequence) and arguments:  # list[X], tuple[X, ...]
        return all(matches(item, arguments[0]) for item in items)
    return True


def describe(hint: Any) -> str:
    """An annotation in words: ``str | Path | None`` is "str, Path or None"."""
    if hint is None or hint is type(None):
        return "None"
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        names = [describe(argument) for argument in typing.get_args(hint)]
        return ", ".join(names[:-1]) + f" or {names[-1]}"
    if origin is typing.Literal:
        return " or ".join(repr(argument) for argument in typing.get_args(hint))
    if origin is not None:
        arguments = typing.get_args(hint)
        if origin is tuple and arguments and arguments[-1] is not Ellipsis:
            return f"a tuple ({', '.join(map(describe, arguments))})"
        inner = f" of {describe(arguments[0])}" if arguments and arguments[0] is not Ellipsis else ""
        return f"a {getattr(origin, '__name__', str(origin))}{inner}"
    return getattr(hint, "__name__", str(hint))


def _given(value: object) -> str:
    shown = repr(value)
    return type(value).__name__ + (f" {shown}" if len(shown) <= 40 else "")
