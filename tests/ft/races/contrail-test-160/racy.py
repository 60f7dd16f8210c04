# https://github.com/Juniper/contrail-test/pull/160 (commit 136f719)
# Race: NovaFixture keeps one generator `self.compute_nodes = self.get_compute_host()` and VMs are
# launched from parallel threads that all call next() on it ("ValueError: generator already
# executing"). Reduced from fixtures/nova_test.py (Python 2 code, ported to next()).
import threading


class NovaFixture:
    def __init__(self, hosts):
        self._hosts = hosts
        self.compute_nodes = self.get_compute_host()

    def get_nova_services(self, binary):
        # stands in for the nova API call
        return [h for h in self._hosts if h.startswith("compute")]

    def get_compute_host(self):
        while True:
            nova_services = self.get_nova_services(binary='nova-compute')
            for compute_svc in nova_services:
                yield compute_svc

    def create_vm(self, vm_name):
        zone = "nova:" + next(self.compute_nodes)  # expect: FT008
        return vm_name, zone


def launch(fixture, rounds=200):
    for i in range(rounds):
        fixture.create_vm("vm%d" % i)


def stress(nthreads=4):
    """One attempt; returns the number of "generator already executing" errors."""
    fixture = NovaFixture(["compute%d" % i for i in range(8)])
    errors = []
    barrier = threading.Barrier(nthreads)

    def run():
        barrier.wait()
        try:
            launch(fixture)
        except ValueError as e:
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def main():
    fixture = NovaFixture(["compute1", "compute2"])
    threads = [threading.Thread(target=launch, args=(fixture,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
