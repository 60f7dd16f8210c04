"""Never reached by a thread of the tree: silent in app mode."""
_handlers = {}


def register(name, handler):
    if name not in _handlers:
        _handlers[name] = []
    _handlers[name].append(handler)
