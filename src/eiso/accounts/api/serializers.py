"""Serializers of users, roles and memberships. Input serializers only check shapes; the services
decide what the caller may do and write."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from eiso.accounts.models import Membership, Role, User
from eiso.accounts.roles import ROLE_DEFINITIONS
from eiso.api.fields import VisibleRelatedField
from eiso.organizations.models import Agency

ROLE_CHOICES = [(code, code) for code, _vi, _en, _ro in ROLE_DEFINITIONS]


def role_name(role: Role) -> str:
    """The role's name in the request's language (Vietnamese unless English was asked for)."""
    return role.name_en if (translation.get_language() or "").startswith("en") else role.name_vi


class RoleSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text=_("tên vai trò theo ngôn ngữ của yêu cầu"))

    class Meta:
        model = Role
        fields = ["code", "name", "read_only"]
        read_only_fields = fields

    def get_name(self, obj) -> str:
        return role_name(obj)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user_full_name = serializers.CharField(source="user.full_name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    role = serializers.SlugRelatedField(slug_field="code", read_only=True)
    role_name = serializers.SerializerMethodField()
    is_active = serializers.SerializerMethodField(help_text=_("đang hiệu lực hôm nay"))

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "user_full_name",
            "agency",
            "agency_name",
            "role",
            "role_name",
            "include_descendants",
            "valid_from",
            "valid_to",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields

    def get_role_name(self, obj) -> str:
        return role_name(obj.role)

    def get_is_active(self, obj) -> bool:
        return obj.is_active_on(timezone.localdate())


class UserMembershipSerializer(MembershipSerializer):
    class Meta(MembershipSerializer.Meta):
        fields = [
            name
            for name in MembershipSerializer.Meta.fields
            if name not in {"user", "username", "user_full_name"}
        ]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField(
        help_text=_("vai trò tại các cơ quan trong phạm vi của bạn")
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "position",
            "is_active",
            "last_login",
            "date_joined",
            "memberships",
        ]
        read_only_fields = fields

    @extend_schema_field(UserMembershipSerializer(many=True))
    def get_memberships(self, obj):
        # The viewset prefetches the caller-visible memberships into `visible_memberships`; without the
        # prefetch, ask again through visible_to so a user's roles elsewhere never leak.
        memberships = getattr(obj, "visible_memberships", None)
        if memberships is None:
            request = self.context.get("request")
            memberships = (
                Membership.objects.visible_to(getattr(request, "user", None))
                .filter(user=obj)
                .select_related("agency", "role")
            )
        return UserMembershipSerializer(memberships, many=True, context=self.context).data


class MeSerializer(UserSerializer):
    is_admin = serializers.SerializerMethodField(help_text=_("quản trị hệ thống: thấy toàn bộ dữ liệu"))

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "is_admin"]
        read_only_fields = fields

    def get_is_admin(self, obj) -> bool:
        from eiso.accounts.scope import scope_for

        request = self.context.get("request")
        # The caller's scope is already cached on request.user; `obj` is a fresh copy of the same person.
        user = request.user if request is not None and request.user.pk == obj.pk else obj
        return scope_for(user).everything


# --- input --------------------------------------------------------------------------------------


def _max(field: str) -> int:
    return User._meta.get_field(field).max_length


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=_max("username"))
    full_name = serializers.CharField(max_length=_max("full_name"))
    email = serializers.EmailField(max_length=_max("email"), required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=_max("phone"), required=False, allow_blank=True, default="")
    position = serializers.CharField(
        max_length=_max("position"), required=False, allow_blank=True, default=""
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text=_("bỏ trống: tài khoản chưa đăng nhập được cho đến khi đặt mật khẩu"),
    )
    agency = VisibleRelatedField(
        Agency, required=False, allow_null=True, help_text=_("cơ quan của vai trò đầu tiên")
    )
    role = serializers.ChoiceField(choices=ROLE_CHOICES, required=False, help_text=_("vai trò đầu tiên"))
    include_descendants = serializers.BooleanField(default=True)

    def validate(self, attrs):
        if bool(attrs.get("agency")) != bool(attrs.get("role")):
            raise serializers.ValidationError(
                {"role" if attrs.get("agency") else "agency": [_("Cần chọn cả cơ quan và vai trò.")]}
            )
        if attrs.get("password"):
            candidate = User(
                username=attrs["username"], full_name=attrs["full_name"], email=attrs.get("email", "")
            )
            try:
                password_validation.validate_password(attrs["password"], candidate)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class UserUpdateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=_max("username"), required=False)
    full_name = serializers.CharField(max_length=_max("full_name"), required=False)
    email = serializers.EmailField(max_length=_max("email"), required=False, allow_blank=True)
    phone = serializers.CharField(max_length=_max("phone"), required=False, allow_blank=True)
    position = serializers.CharField(max_length=_max("position"), required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class MembershipCreateSerializer(serializers.Serializer):
    user = VisibleRelatedField(User)
    agency = VisibleRelatedField(Agency)
    role = serializers.ChoiceField(choices=ROLE_CHOICES)
    include_descendants = serializers.BooleanField(default=True)
    valid_from = serializers.DateField(required=False, help_text=_("hôm nay nếu bỏ trống"))
    valid_to = serializers.DateField(required=False, allow_null=True)


class MembershipEndSerializer(serializers.Serializer):
    last_day = serializers.DateField(required=False, help_text=_("hôm nay nếu bỏ trống"))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("tên đăng nhập hoặc thư điện tử"))
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`.")
