_cache = {}


def crunch(n):
    _cache[n] = _cache.get(n, 0) + 1
    return n * n


def tidy(text):
    return text.strip().lower()
