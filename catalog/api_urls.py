from django.urls import path

from . import api

app_name = "catalog_api"

urlpatterns = [
    path("catalog/", api.catalog_json, name="catalog"),
]
