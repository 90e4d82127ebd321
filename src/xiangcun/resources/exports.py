"""Export resources to xlsx in the import layout (so an export, edited, imports back as updates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import override

from xiangcun.core import vocab
from xiangcun.resources import sheets
from xiangcun.resources.models import OwnerType, Resource, ResourceStatus, RightType
from xiangcun.resources.selectors import owner_name_for


def resource_export_rows(resources: QuerySet[Resource], user: Any) -> Any:
    """Rows of the export, in the import layout plus three columns for reading."""
    rights, owners, statuses = dict(RightType.choices), dict(OwnerType.choices), dict(ResourceStatus.choices)
    # One query for the rows and their village and county (not two more per row).
    for r in resources.select_related("village__county").iterator(chunk_size=2000):
        yield [
            r.pk,
            r.village_id,
            r.name,
            vocab.label("resource", r.kind),
            str(rights.get(r.right, r.right)),
            str(owners.get(r.owner_type, r.owner_type)),
            owner_name_for(user, r),
            r.area,
            "亩" if r.unit == "mu" else "平方米",
            r.lng,
            r.lat,
            r.current_use,
            r.permitted_use,
            str(statuses.get(r.status, r.status)),
            r.description,
            r.appraised_value,
            r.appraised_on if isinstance(r.appraised_on, dt.date) else None,
            r.appraiser,
            r.village.name,
            r.village.county.name,
            Decimal(r.area_mu),
        ]


def export_headers() -> list[str]:
    return [h for h, _k, _r in sheets.RESOURCE_COLUMNS] + list(sheets.RESOURCE_EXTRA)


# Workbooks are in Chinese whatever the page's language: officials' ledgers and the imports read them.
@override("zh-hans")
def resources_xlsx(resources: QuerySet[Resource], user: Any) -> bytes:
    return sheets.write_table(
        resource_export_rows(resources, user), sheet=sheets.RESOURCE_SHEET, headers=export_headers()
    )
