from disbursement.models.digests import DigestDelivery, DigestRecipient
from disbursement.models.plans import Allocation, AllocationRevision, CityPlan, CityPlanRevision
from disbursement.models.reference import BudgetSource, CapitalStream, Project
from disbursement.models.results import Figure
from disbursement.models.snapshots import CityDisbursement, Snapshot, SnapshotLine

__all__ = [
    "Allocation",
    "AllocationRevision",
    "BudgetSource",
    "CapitalStream",
    "CityDisbursement",
    "CityPlan",
    "CityPlanRevision",
    "DigestDelivery",
    "DigestRecipient",
    "Figure",
    "Project",
    "Snapshot",
    "SnapshotLine",
]
