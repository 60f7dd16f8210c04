from pkg.legacy import old_api as go


def later():
    return go(4)


def send_it(data):
    from pkg import Client
    c = Client()
    return c.send(data)
