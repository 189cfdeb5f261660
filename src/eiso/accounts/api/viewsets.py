"""API of accounts: /api/v1/users/, /api/v1/memberships/, /api/v1/roles/.

Thin: parse input, find the object through `visible_to(request.user)` (so outside scope is 404), call
one service (which checks permission and audits), serialize the result.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from eiso.accounts import services
from eiso.accounts.api import serializers as s
from eiso.accounts.filtersets import MembershipFilterSet, UserFilterSet
from eiso.accounts.models import Membership, Role, User
from eiso.api.mixins import ApiViewMixin
from eiso.api.serializers import READ_ERRORS, WRITE_ERRORS


@extend_schema_view(
    list=extend_schema(summary="Users in your scope"),
    retrieve=extend_schema(summary="One user", responses={200: s.UserSerializer, **READ_ERRORS}),
)
class UserViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Người dùng: users holding (or having held) a role in an agency in your scope, and yourself."""

    queryset = User.objects.all()
    serializer_class = s.UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self):
        visible_memberships = Membership.objects.visible_to(self.request.user).select_related(
            "agency", "role"
        )
        return self.scoped(User.objects.all()).prefetch_related(
            Prefetch("memberships", queryset=visible_memberships, to_attr="visible_memberships")
        )

    @extend_schema(
        summary="Create a user, usually with a first role",
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.UserCreateSerializer)
        data["role_code"] = data.pop("role", None)
        user = services.create_user(actor=request.user, **data)
        return Response(self.get_serializer(self._reloaded(user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Update a user's account details",
        request=s.UserUpdateSerializer,
        responses={200: s.UserSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        data = self.validated(s.UserUpdateSerializer)
        user = services.update_user(actor=request.user, user=user, **data)
        return Response(self.get_serializer(self._reloaded(user)).data)

    def _reloaded(self, user):
        """The user as the list shows it (with the caller-visible memberships prefetched)."""
        return self.get_queryset().filter(pk=user.pk).first() or user

    @extend_schema(
        summary="You: your account, roles, and whether you administer the system", responses=s.MeSerializer
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def me(self, request):
        return Response(
            s.MeSerializer(
                self.get_queryset().get(pk=request.user.pk), context=self.get_serializer_context()
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="Memberships in your scope (and your own)"),
    retrieve=extend_schema(summary="One membership", responses={200: s.MembershipSerializer, **READ_ERRORS}),
)
class MembershipViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Thành viên: who holds which role in which agency, over which period."""

    queryset = Membership.objects.all()
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilterSet

    def get_queryset(self):
        return self.scoped(Membership.objects.select_related("user", "agency", "role"))

    @extend_schema(
        summary="Grant a role in an agency",
        request=s.MembershipCreateSerializer,
        responses={201: s.MembershipSerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(s.MembershipCreateSerializer)
        data["role_code"] = data.pop("role")
        membership = services.grant_membership(actor=request.user, **data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a membership (its last day)",
        description="A membership that would not have started by `last_day` is withdrawn: 204, no body.",
        request=s.MembershipEndSerializer,
        responses={
            200: s.MembershipSerializer,
            204: OpenApiResponse(description="Withdrawn before it started."),
            **WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request, pk=None):
        membership = self.get_object()
        data = self.validated(s.MembershipEndSerializer)
        membership = services.end_membership(actor=request.user, membership=membership, **data)
        if membership.pk is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(self.get_serializer(membership).data)


@extend_schema_view(
    list=extend_schema(summary="Roles, named in the request's language"),
    retrieve=extend_schema(summary="One role", responses={200: s.RoleSerializer, **READ_ERRORS}),
)
class RoleViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Vai trò: the fixed list of roles (what each may do is decided in code, by its `code`)."""

    queryset = Role.objects.order_by("id")
    serializer_class = s.RoleSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends: list = []
