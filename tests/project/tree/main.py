import imp
from typing import List

from pkg import old_api
import pkg.legacy as L


def run(items: List[int]):
    old_api(1)
    L.old_api(2)
    old_api(3)  # pyshift: ignore[XP001]
    old_api  # a reference, not a call
    return items
