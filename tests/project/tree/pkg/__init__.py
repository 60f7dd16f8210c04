"""A package that re-exports its legacy API."""
from .client import Client
from .legacy import old_api

__all__ = ["Client", "old_api"]
