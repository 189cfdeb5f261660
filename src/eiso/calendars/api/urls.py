"""/api/v1/calendar/: deadlines, days, entries, import, years, working hours, clocks, changes."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from eiso.calendars.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("entries", views.CalendarEntryViewSet, basename="calendar-entry")
router.register("years", views.CalendarYearViewSet, basename="calendar-year")
router.register("schedules", views.WorkScheduleViewSet, basename="work-schedule")
router.register("clocks", views.ClockRecordViewSet, basename="clock-record")
router.register("changes", views.CalendarChangeViewSet, basename="calendar-change")

urlpatterns = [
    path("due/", views.DueView.as_view(), name="calendar-due"),
    path("days/", views.DaysView.as_view(), name="calendar-days"),
    path("import/", views.ImportView.as_view(), name="calendar-import"),
    path("", include(router.urls)),
]
