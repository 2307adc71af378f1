"""onnxkit's exceptions: one class per kind of error the C++ library reports.

Every error is an ``onnxkit.Error``; the classes also derive from the built-in exception a
Python programmer would catch for that kind (a missing file is a ``FileNotFoundError`` too).
"""


class Error(Exception):
    """An error reported by onnxkit; the message names the file and the place."""


class InvalidArgumentError(Error, ValueError):
    """A request the model cannot satisfy as asked, or input that does not parse."""


class NotFoundError(Error, LookupError):
    """A name (tensor, node, pass, initializer) that does not exist."""


class MissingFileError(NotFoundError, FileNotFoundError):
    """A file that does not exist (the message names it)."""


class AlreadyExistsError(Error, ValueError):
    """A name that is already taken."""


class FailedPreconditionError(Error):
    """The model lacks what the request needs, or an object was removed from its model."""


class OutOfRangeError(Error, ValueError):
    """A value outside its allowed range."""


class UnimplementedError(Error, NotImplementedError):
    """Something onnxkit does not do (yet)."""


class DataLossError(Error, ValueError):
    """Damaged data: a model or tensor file that does not decode."""


class PermissionDeniedError(Error, PermissionError):
    """A file that may not be read or written."""


class ResourceExhaustedError(Error, MemoryError):
    """A model or tensor beyond a size limit."""


class InternalError(Error):
    """A failure inside onnxkit (a pass broke the model): please report it."""


_BY_CODE = {
    "InvalidArgument": InvalidArgumentError,
    "NotFound": NotFoundError,
    "AlreadyExists": AlreadyExistsError,
    "FailedPrecondition": FailedPreconditionError,
    "OutOfRange": OutOfRangeError,
    "Unimplemented": UnimplementedError,
    "DataLoss": DataLossError,
    "PermissionDenied": PermissionDeniedError,
    "ResourceExhausted": ResourceExhaustedError,
    "Internal": InternalError,
}

# The loader's message for a file that cannot be opened ("path: cannot open: No such file").
_NO_SUCH_FILE = "No such file or directory"


def _error_for(code, message):
    """The exception for an absl status code name and message (called by the extension)."""
    if code == "NotFound" and message.endswith(_NO_SUCH_FILE):
        return MissingFileError(message)
    return _BY_CODE.get(code, InternalError)(message)
