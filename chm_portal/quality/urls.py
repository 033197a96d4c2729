from . import views

app_name = "quality"

urlpatterns = views.urlpatterns
