# Same last name, other definitions: never XP001.
def old_api(x):
    return x


class Client:
    def old_api(self):
        return old_api(5)
