"""A package that re-exports its legacy API."""
from .legacy import old_api

__all__ = ["old_api"]
