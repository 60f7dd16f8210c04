class Client:
    def send(self, data):
        return data
