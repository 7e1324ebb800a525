"""Version 1 of the REST API."""

from django.urls import path

urlpatterns: list = []
