from django.urls import path
from rest_framework.routers import SimpleRouter

from disbursement.api import (
    views,
    views_coverage,
    views_exports,
    views_flags,
    views_followup,
    views_imports,
    views_reallocation,
)

router = SimpleRouter()
router.register("streams", views.StreamViewSet, basename="stream")
router.register("sources", views.SourceViewSet, basename="source")
router.register("city-plans", views.CityPlanViewSet, basename="city-plan")
router.register("city-plan-revisions", views.CityPlanRevisionViewSet, basename="city-plan-revision")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("allocation-revisions", views.AllocationRevisionViewSet, basename="allocation-revision")
router.register("snapshots", views.SnapshotViewSet, basename="snapshot")
router.register("api-keys", views.ApiKeyViewSet, basename="api-key")
router.register("flags", views_flags.FlagViewSet, basename="flag")
router.register("imports", views_imports.ImportJobViewSet, basename="import")
router.register("submissions", views_coverage.SubmissionViewSet, basename="submission")
router.register("explanation-requests", views_followup.ExplanationRequestViewSet, basename="explanation-request")
router.register("explanations", views_followup.ExplanationViewSet, basename="explanation")
router.register("commitments", views_followup.CommitmentViewSet, basename="commitment")

urlpatterns = [
    path("health/", views.HealthView.as_view(), name="health"),
    path("ratios/", views.RatioListView.as_view(), name="ratios"),
    path("rankings/", views.RankingListView.as_view(), name="rankings"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("coverage/", views_coverage.CoverageView.as_view(), name="coverage"),
    path("series/", views.SeriesView.as_view(), name="series"),
    path("flags/open/", views_flags.OpenFlagListView.as_view(), name="flags-open"),
    path("reallocation-candidates/", views_reallocation.ReallocationView.as_view(), name="reallocation-candidates"),
    path("exports/ranking.xlsx", views_exports.RankingWorkbookView.as_view(), name="export-ranking-xlsx"),
    path("exports/ranking.csv", views_exports.RankingCsvView.as_view(), name="export-ranking-csv"),
    *router.urls,
]
