# noqa
