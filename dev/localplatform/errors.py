"""The one error type of the local platform."""


class PlatformError(RuntimeError):
    """A failure the user can act on; the message says what happened and what to look at."""
