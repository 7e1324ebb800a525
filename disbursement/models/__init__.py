from disbursement.models.apikeys import ApiKey
from disbursement.models.digests import DigestDelivery, DigestRecipient
from disbursement.models.flags import (
    EngineSetting,
    Flag,
    FlagRule,
    MilestoneSchedule,
    QuarterlySchedule,
    StatedSubtotal,
)
from disbursement.models.followup import (
    Commitment,
    Explanation,
    ExplanationCause,
    ExplanationReminder,
    ExplanationRequest,
    PublicHoliday,
)
from disbursement.models.imports import ImportJob
from disbursement.models.jobs import OutboxMessage, ScheduleLock
from disbursement.models.plans import Allocation, AllocationRevision, CityPlan, CityPlanRevision
from disbursement.models.reference import BudgetSource, CapitalStream, Project
from disbursement.models.reports import BandConfig, ReportTemplate
from disbursement.models.results import Figure
from disbursement.models.snapshots import CityDisbursement, Snapshot, SnapshotLine
from disbursement.models.submissions import NameAbbreviation, Submission

__all__ = [
    "Allocation",
    "AllocationRevision",
    "ApiKey",
    "BandConfig",
    "BudgetSource",
    "CapitalStream",
    "CityDisbursement",
    "CityPlan",
    "CityPlanRevision",
    "DigestDelivery",
    "DigestRecipient",
    "Figure",
    "ImportJob",
    "NameAbbreviation",
    "OutboxMessage",
    "Project",
    "PublicHoliday",
    "ReportTemplate",
    "ScheduleLock",
    "Snapshot",
    "SnapshotLine",
    "Submission",
]
__all__ += ["EngineSetting", "Flag", "FlagRule", "MilestoneSchedule", "QuarterlySchedule", "StatedSubtotal"]
__all__ += ["Commitment", "Explanation", "ExplanationCause", "ExplanationReminder", "ExplanationRequest"]
