"""/api/v1/: every app's viewsets on one router, token log-in, the OpenAPI schema and interactive docs.

The docs pages load Swagger UI and Redoc from this server (drf-spectacular-sidecar), never from a CDN.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from eiso.accounts.api.views import ObtainTokenView
from eiso.accounts.api.viewsets import MembershipViewSet, RoleViewSet, UserViewSet
from eiso.core.api.viewsets import AuditEventViewSet
from eiso.documents.api.viewsets import (
    ChangeRequestViewSet,
    DocumentSearchViewSet,
    DocumentVersionViewSet,
    DocumentViewSet,
    ExternalDocumentViewSet,
)
from eiso.dossiers.api.forms import DossierFormView
from eiso.dossiers.api.lookup import DossierStatusLookupView
from eiso.dossiers.api.metrics import DossierMetricsView
from eiso.dossiers.api.viewsets import DossierViewSet, WorkItemViewSet
from eiso.notifications.api.viewsets import NotificationViewSet
from eiso.organizations.api.viewsets import AgencyViewSet, OversightScopeViewSet
from eiso.procedures.api.viewsets import (
    AgencyProcedureViewSet,
    CoverageViewSet,
    ProcedureImportViewSet,
    ProcedureVersionViewSet,
    ProcedureViewSet,
)
from eiso.processes.api.viewsets import ProcessVersionViewSet, ProcessViewSet, ReviewFlagViewSet

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("oversight-scopes", OversightScopeViewSet, basename="oversight-scope")
router.register("users", UserViewSet, basename="user")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("roles", RoleViewSet, basename="role")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("procedure-versions", ProcedureVersionViewSet, basename="procedure-version")
router.register("agency-procedures", AgencyProcedureViewSet, basename="agency-procedure")
router.register("procedure-coverage", CoverageViewSet, basename="procedure-coverage")
router.register("procedure-imports", ProcedureImportViewSet, basename="procedure-import")
router.register("documents", DocumentViewSet, basename="document")
router.register("document-versions", DocumentVersionViewSet, basename="document-version")
router.register("document-search", DocumentSearchViewSet, basename="document-search")
router.register("document-change-requests", ChangeRequestViewSet, basename="document-change-request")
router.register("external-documents", ExternalDocumentViewSet, basename="external-document")
router.register("processes", ProcessViewSet, basename="process")
router.register("process-versions", ProcessVersionViewSet, basename="process-version")
router.register("review-flags", ReviewFlagViewSet, basename="review-flag")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("work-items", WorkItemViewSet, basename="work-item")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    path("calendar/", include("eiso.calendars.api.urls")),
    path("dossier-metrics/", DossierMetricsView.as_view(), name="dossier-metrics"),
    path("public/dossier-status/", DossierStatusLookupView.as_view(), name="dossier-status-lookup"),
    path("dossiers/<int:pk>/forms/<str:number>/", DossierFormView.as_view(), name="dossier-form"),
    path("", include(router.urls)),
]
