from rest_framework.routers import SimpleRouter

from investors.api.views import InvestorViewSet

router = SimpleRouter()
router.register("investors", InvestorViewSet, basename="investor")
urlpatterns = router.urls
