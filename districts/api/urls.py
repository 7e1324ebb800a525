from rest_framework.routers import SimpleRouter

from districts.api.views import DistrictViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet, basename="district")
urlpatterns = router.urls
