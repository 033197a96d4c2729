"""Harvesting of records from partner systems (see HarvestSource)."""

from __future__ import annotations


def due_source_ids() -> list[int]:
    raise NotImplementedError


def harvest(source_id: int):
    raise NotImplementedError
