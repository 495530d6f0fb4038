"""The product's exceptions: each carries a Dutch message for people and an exit code.

Every error a user can meet is one of these. Third-party exceptions are caught at
the boundary where a file is parsed and re-raised as one of these, naming the file.
The exit codes are a stable interface (see docs/cli.md).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    incomplete = 1  # not available, incomplete, preconditions unmet, verify found problems
    usage = 2  # wrong command line, output exists without --force
    input_error = 3  # unreadable case file, document or bundle
    leak = 4  # anonymisation could not be verified
    internal = 70  # a bug: reported without traceback, with where to find the log


class DossierError(Exception):
    """Base of all expected errors. `message` is complete Dutch text that says what to do."""

    exit_code: ExitCode = ExitCode.incomplete

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword attributes (bestand, code, ...) survive the trip from a worker process.
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[DossierError], message: str, state: dict[str, object]) -> DossierError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class UsageError(DossierError):
    exit_code = ExitCode.usage


class OutputExistsError(UsageError):
    """The output file exists and --force was not given."""


class InputError(DossierError):
    """An input file cannot be used. `bestand` is the path as the user gave it."""

    exit_code = ExitCode.input_error

    def __init__(self, message: str, *, bestand: str | None = None,
                 details: list[str] | None = None, code: str = "INVOER") -> None:
        super().__init__(message, details=details)
        self.bestand = bestand
        self.code = code


class FileInUseError(InputError):
    """An output file cannot be replaced: another program has it open (Windows)."""


class CaseFileError(InputError):
    """The case file is missing, not TOML, or does not follow schema 1."""

    def __init__(self, message: str, *, bestand: str | None = None,
                 problems: list[str] | None = None) -> None:
        super().__init__(message, bestand=bestand, details=problems, code="CASUS_ONGELDIG")


class DocumentError(InputError):
    """A document cannot be read or must be refused (corrupt, encrypted, wrong type)."""


class PasswordRequiredError(DocumentError):
    """The document is encrypted with a real password; the GUI may ask for it."""


class NotABundleError(InputError):
    """`verify` got a file that is not a Tafeldossier bundle."""


class IncompleteError(DossierError):
    """The tafel is not available, or the dossier is incomplete."""

    exit_code = ExitCode.incomplete


class LeakError(DossierError):
    """The output could not be verified free of known identifiers. Nothing was written.

    The message names the category and page, never the value."""

    exit_code = ExitCode.leak


class CancelledError(DossierError):
    """The user cancelled a running job."""

    exit_code = ExitCode.incomplete
