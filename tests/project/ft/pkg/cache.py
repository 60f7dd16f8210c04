import threading

_cache = {}
_seen = {}  # pyshift: benign
_lock = threading.Lock()
_guarded = {}


def get_or_make(key):
    if key not in _cache:
        _cache[key] = object()
    remember(key)
    guarded(key)
    return _cache[key]


def remember(key):
    if key not in _seen:
        _seen[key] = True


def guarded(key):
    with _lock:
        if key not in _guarded:
            _guarded[key] = 1


def ignored(key):
    if key not in _cache:
        _cache[key] = object()  # pyshift: ignore[FT003]
