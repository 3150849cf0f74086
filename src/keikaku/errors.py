"""The package's exceptions: one base class, messages that say what went wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
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


class FileError(KeikakuError):
    """A document or manifest file cannot be read into the model: the message names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path, self.problem = str(path), problem
        super().__init__(f"{path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, ...]]:  # rebuilt from its fields when it crosses a process boundary
        return type(self), (self.path, self.problem)


class SchemaVersionError(FileError):
    """A file written with another schema version than the one this keikaku reads."""

    def __init__(self, path: str | Path, found: object, what: str = "document", expected: str = "") -> None:
        self.found, self.what, self.expected = found, what, expected
        super().__init__(path, f"a {what} of schema version {found}; this keikaku reads schema version"
                               f" {expected} (run keikaku again on its input to write it anew)")

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), (self.path, self.found, self.what, self.expected)


class RulesError(ProfileError):
    """A data file of rules (entity patterns, label map, stop terms) is malformed."""

    what = "rules file"


class UsageError(KeikakuError):
    """The command line asks for something impossible (e.g. --workers 0)."""


class SetupError(KeikakuError):
    """The environment lacks what a requested mode needs (e.g. the GiNZA model for --nlp full)."""


# --- warnings ------------------------------------------------------------------------------------
# A warning says that a document was processed but something deserves a look.  Each kind has a code
# (W1xx input, W2xx outline, W3xx indicators), a message template and what to do; a document carries
# its warnings as (code, message) records in its JSON and in the manifest, so that a researcher can
# count or filter them across plans.  docs/warnings.md lists the catalogue (generated from it).


@dataclass(frozen=True, slots=True)
class CodedWarning:
    """One warning of a document: its code in :class:`Warnings` and its message."""

    code: str
    """the warning's kind, e.g. W205 (see docs/warnings.md)"""
    message: str
    """what was found, with the line it was found at when there is one"""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True, slots=True)
class WarningKind:
    """A kind of warning: its code, its message template (``str.format`` fields) and what to do."""

    code: str
    template: str
    action: str

    def __call__(self, **fields: Any) -> CodedWarning:
        return CodedWarning(self.code, self.template.format(**fields))


class Warnings:
    """The catalogue of warnings, by code."""

    W101 = WarningKind("W101", "removed byte order marks (U+FEFF): {where}",
                       "Nothing to do: marks left by concatenated files are not text.")
    W102 = WarningKind("W102", "removed {n} zero-width space(s) (U+200B, U+2060)",
                       "Nothing to do: they can hide a heading's marker and are no text.")
    W103 = WarningKind("W103", "removed {n} NUL characters",
                       "Check how the text was extracted: NUL bytes come from a damaged copy or a wrong tool.")
    W104 = WarningKind("W104", "invalid {encoding} at byte {byte}; {n} character(s) replaced by U+FFFD",
                       "Extract the text again from the original: the file is truncated or badly joined there.")
    W105 = WarningKind("W105", "the PDF does not end with %%EOF: it may be cut short ({pages} page(s) read)",
                       "Compare the pages with the original; download the PDF again if some are missing.")
    W106 = WarningKind("W106", "{n} of {chars} characters of the PDF's text layer have no usable Unicode mapping"
                       " (private-use, control or Latin-1 codes of a font without a ToUnicode map); they are kept"
                       " as they are", "Check the text where they are (keikaku extract); OCR the pages that hold"
                       " them if the words matter.")
    W201 = WarningKind("W201", "no heading found: the document is one flat unit (front matter only);"
                       " `keikaku inspect FILE` lists the markers that were set aside and why",
                       "Run `keikaku inspect FILE`; if the plan has headings of its own form, write a profile"
                       " (`keikaku profile infer FILE > city.toml`) and pass it with --profile.")
    W202 = WarningKind("W202", "no heading of the profile matched: the document is one flat unit (front matter only)",
                       "The profile does not fit this plan: run without --profile, or fix its [[levels]] patterns.")
    W203 = WarningKind("W203", "only {share:.0%} of the text is under a heading: the outline may be incomplete"
                       " (`keikaku inspect FILE` shows the levels and the markers set aside)",
                       "Look at the outline in the report or with `keikaku inspect FILE`.")
    W204 = WarningKind("W204", "{n} heading(s) would nest deeper than {depth} levels: placed beside the deepest"
                       " level instead",
                       "Check those units in the report; a profile with an [[outline]] can pin the order of levels.")
    W205 = WarningKind("W205", "the numbering has {n} gaps ({shown}): headings may be missing",
                       "Look at the lines named: a heading may have been lost in the text extraction.")
    W206 = WarningKind("W206", "{missing} of {coded} contents entries name no heading of the text, kept as units from"
                       " the contents (line {line}: {text})",
                       "Check whether those headings are in the text under another wording or were lost.")
    W207 = WarningKind("W207", "{n} reference page number(s) missing in the table, taken from the same code elsewhere",
                       "Nothing to do unless the page numbers matter: such refs have page_inferred true.")
    W208 = WarningKind("W208", "line {line}: table {rule!r}: cell(s) not understood: {cells}",
                       "The cells are kept in the table; check the profile's table rule for that layout.")
    W301 = WarningKind("W301", "line {line}: indicator row {name!r} has {n} figure(s) for the {columns} value columns"
                       " of its header ({header}): which columns they fill is unknown; not read",
                       "Read the row in the source; its cells are in the tables table.")
    W302 = WarningKind("W302", "line {line}: indicator {name!r}: cells not read as values ({cells}): kept in the"
                       " indicator's cells",
                       "Read the cells in the indicator's cells (relative targets such as 2割増 are kept as text).")
    W303 = WarningKind("W303", "lines {first}-{last}: a table whose header keikaku does not recognise ({head}):"
                       " kept as cells in the tables table",
                       "Its cells are in the tables table (rule empty); nothing is lost.")

    @classmethod
    def kinds(cls) -> list[WarningKind]:
        """Every kind, in code order."""
        return sorted((v for v in vars(cls).values() if isinstance(v, WarningKind)), key=lambda k: k.code)


def warnings_markdown() -> str:
    """docs/warnings.md: the catalogue as a table (a test keeps the file current)."""
    lines = ["# Warnings", "",
             "A document that is processed but deserves a look carries warnings: each has a code and a message, in",
             "the document's JSON (`warnings`) and in the manifest's entry for it. This page is generated from",
             "`src/keikaku/errors.py` (`Warnings`); `{…}` stands for what the message fills in.", "",
             "| code | message | what to do |", "|---|---|---|"]
    for kind in Warnings.kinds():
        template = kind.template.replace("|", "\\|")
        lines.append(f"| {kind.code} | {template} | {kind.action.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"
