"""The API forgets which snapshot a query reads when a snapshot is saved, a plan revision lands or an explanation
request changes (the rankings show the follow-up)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from disbursement.api.conditional import forget_resolved_snapshots
from disbursement.followup.services import follow_up_changed
from disbursement.models import AllocationRevision, CityPlanRevision, Snapshot


@receiver(follow_up_changed, dispatch_uid="api-follow-up-changed")
@receiver(post_save, sender=Snapshot, dispatch_uid="api-snapshot-saved")
@receiver(post_save, sender=CityPlanRevision, dispatch_uid="api-city-plan-revised")
@receiver(post_save, sender=AllocationRevision, dispatch_uid="api-allocation-revised")
def snapshot_data_changed(sender, **kwargs) -> None:
    # Now for this connection, which already sees the change; again at commit for every other one.
    forget_resolved_snapshots()
    transaction.on_commit(forget_resolved_snapshots)
