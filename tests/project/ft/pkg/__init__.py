from .api import lookup

__all__ = ["lookup"]
