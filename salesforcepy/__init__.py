"""salesforcepy: a Python client for the Salesforce REST API family."""

from ._version import __version__

__all__ = ["__version__"]
