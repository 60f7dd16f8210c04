# https://github.com/kubilus1/autoortho/issues/307 (fix: commit 97671bc "tiles dict should not be class variable")
# Race: TileCacher.tiles and TileCacher.open_count are class-level dicts shared by every instance
# (one per mount thread), but each instance guards them with its own RLock, so two mounts open the
# same tile concurrently and one Tile is built and then lost. Reduced from autoortho/getortho.py.
import threading

created = []


class Tile:
    def __init__(self, col, row, maptype, zoom):
        self.row, self.col, self.maptype, self.zoom = row, col, maptype, zoom
        self.refs = 1
        sum(range(20))  # reading the tile header
        created.append(self)


class TileCacher(object):
    tiles = {}

    hits = 0
    misses = 0

    open_count = {}

    def __init__(self, cache_dir='.cache'):
        self.cache_dir = cache_dir
        self.tc_lock = threading.RLock()  # expect: FT006

    def _to_tile_id(self, row, col, map_type, zoom):
        return f"{row}_{col}_{map_type}_{zoom}"

    def _open_tile(self, row, col, map_type, zoom):
        idx = self._to_tile_id(row, col, map_type, zoom)
        with self.tc_lock:
            tile = self.tiles.get(idx)
            if not tile:
                self.misses += 1
                tile = Tile(col, row, map_type, zoom)
                self.tiles[idx] = tile  # expect: FT005
                self.open_count[idx] = self.open_count.get(idx, 0) + 1
            else:
                tile.refs += 1
                self.hits += 1
        return tile


def mount(cacher, rounds=200):
    for row in range(rounds):
        cacher._open_tile(row, 0, "BI", 16)


def stress():
    """One attempt with two mounts; returns the number of tiles built and then lost."""
    TileCacher.tiles.clear()
    TileCacher.open_count.clear()
    del created[:]
    cachers = [TileCacher(), TileCacher()]
    barrier = threading.Barrier(2)

    def run(c):
        barrier.wait()
        mount(c)

    threads = [threading.Thread(target=run, args=(c,)) for c in cachers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = set()
    for c in cachers:
        kept.update(id(t) for t in c.tiles.values())
    return sum(1 for t in created if id(t) not in kept)


def main():
    threads = [threading.Thread(target=mount, args=(TileCacher(),)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
