"""The package's exceptions: one base class, messages that say what went wrong and what to do."""

from __future__ import annotations

from typing import Any


class KeikakuError(Exception):
    """Base class of every error keikaku raises on purpose."""


class InputError(KeikakuError):
    """An input file cannot be read or decoded as a plan text."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, ...]]:  # rebuilt from its fields when it crosses a process boundary
        return type(self), (self.path, self.problem)


class ProfileError(KeikakuError):
    """A profile file is malformed; the message names the file and the rule."""

    what = "profile"

    def __init__(self, source: str, rule: str, problem: str) -> None:
        self.source = source
        self.rule = rule
        self.problem = problem
        super().__init__(f"{self.what} {source}: {rule}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, ...]]:  # rebuilt from its fields when it crosses a process boundary
        return type(self), (self.source, self.rule, self.problem)


class PatternLimitError(KeikakuError):
    """A pattern of a user's profile ran over its limit on one text: the input that holds the text
    fails (its file and line are added by the segmentation that met it); the others go on."""

    def __init__(self, source: str, rule: str, pattern: str, text: str, seconds: float) -> None:
        self.source, self.rule, self.pattern, self.text, self.seconds = source, rule, pattern, text, seconds
        super().__init__(f"profile {source}: {rule}: pattern '{pattern}' ran over its limit of {seconds:g} s of CPU"
                         f" time on a text of {len(text)} characters (catastrophic backtracking): make its"
                         " repetitions possessive (a++) or atomic ((?>…)), or avoid back-references to them")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:  # rebuilt from its fields when it crosses a process boundary
        return type(self), (self.source, self.rule, self.pattern, self.text, self.seconds)


class AlignmentError(KeikakuError):
    """Segmentation lost or duplicated part of the source text (a bug in a profile or in keikaku)."""


class TreeError(KeikakuError):
    """The document tree is inconsistent (parent/child links, duplicate ids)."""


class OutputError(KeikakuError):
    """The output folder cannot be created or written."""


class RulesError(ProfileError):
    """A data file of rules (entity patterns, label map, stop terms) is malformed."""

    what = "rules file"


class UsageError(KeikakuError):
    """The command line asks for something impossible (e.g. --workers 0)."""


class SetupError(KeikakuError):
    """The environment lacks what a requested mode needs (e.g. the GiNZA model for --nlp full)."""
