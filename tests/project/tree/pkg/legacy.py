def old_api(x):
    return x


def helper():
    return old_api(0)  # the definition's own module calls it too
