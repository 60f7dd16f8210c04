from pkg.legacy import old_api as go


def later():
    return go(4)
