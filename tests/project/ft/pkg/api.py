import pkg.cache as c


def lookup(key):
    return c.get_or_make(key)
