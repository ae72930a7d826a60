"""The pod store: the generic Store, with the row conditions printPod adds to tables.

upstream marks the rows of finished pods with a Completed condition (metav1.RowCompleted)
so clients can tell them apart; the generic table conversion has no place for per-row
conditions, so pods add them here.
"""

from __future__ import annotations

from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.store import Store

from .pods_printer import row_conditions


class PodStore(Store):
    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        table = super().convert_to_table(ctx, obj, include_object)
        items = obj["items"] if "items" in obj and str(obj.get("kind", "")).endswith("List") else [obj]
        rows = table.get("rows") or []
        for i, (row, item) in enumerate(zip(rows, items)):
            conditions = row_conditions(item)
            if conditions:
                ordered: Object = {"cells": row["cells"], "conditions": conditions}
                if "object" in row:
                    ordered["object"] = row["object"]
                rows[i] = ordered
        return table
