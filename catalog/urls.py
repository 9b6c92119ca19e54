from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_on_date, name="on_date"),
    path("acts/", views.act_list, name="act_list"),
    path("compare/", views.compare, name="compare"),
    path("provisions/<int:pk>/", views.provision_detail, name="provision_detail"),
]
