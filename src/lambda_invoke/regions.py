"""AWS partitions and their regions, as the installed botocore knows them.

botocore ships ``data/partitions.json`` (7 KB): each partition (aws, aws-cn, aws-us-gov,
aws-iso*, aws-eusc, ...) with its region pattern and known regions. Reading it instead of
keeping a pattern of our own means a new partition or region is accepted as soon as
botocore knows it, and a region name is checked the way botocore will resolve it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import NamedTuple


class Partition(NamedTuple):
    """A partition of AWS (aws, aws-cn, ...): the regions it has and how to know one."""

    id: str  # as in ARNs: aws, aws-cn, aws-us-gov, aws-eusc, ...
    pattern: re.Pattern[str]
    regions: frozenset[str]

    def has_region(self, region: str) -> bool:
        if region.endswith("-global"):  # botocore's pseudo regions: no Lambda there
            return False
        return region in self.regions or self.pattern.fullmatch(region) is not None


@functools.cache
def partitions() -> tuple[Partition, ...]:
    """The partitions in botocore's data (found without importing botocore)."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:  # pragma: no cover - botocore is a dependency
        return ()
    source = Path(spec.origin).parent / "data" / "partitions.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    return tuple(
        Partition(
            id=entry["id"],
            pattern=re.compile(entry["regionRegex"]),
            regions=frozenset(entry.get("regions", {})),
        )
        for entry in document["partitions"]
    )


def partition_ids() -> tuple[str, ...]:
    return tuple(partition.id for partition in partitions())


def partition_of(region: str) -> Partition | None:
    """The partition a region belongs to; None for a name no partition knows."""
    for partition in partitions():
        if partition.has_region(region):
            return partition
    return None


def find_partition(partition_id: str) -> Partition | None:
    for partition in partitions():
        if partition.id == partition_id:
            return partition
    return None
