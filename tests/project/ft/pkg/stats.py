served = 0


def bump():
    global served
    served += 1
