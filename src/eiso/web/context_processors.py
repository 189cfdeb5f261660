from django.urls import reverse
from django.utils.translation import gettext as _


def _nav(request):
    items = [
        ("web:home", "home", _("Trang chủ")),
        ("organizations:list", "sitemap", _("Cơ quan, đơn vị")),
        ("procedures:list", "clipboard-list", _("Thủ tục hành chính")),
        ("processes:list", "route", _("Quy trình nội bộ")),
        ("documents:register", "files", _("Tài liệu")),
        ("dossiers:list", "folders", _("Hồ sơ")),
        ("calendars:home", "calendar", _("Lịch làm việc")),
    ]
    items.append(("accounts:users", "users", _("Người dùng")))
    items.append(("web:audit", "history", _("Nhật ký")))
    current = request.resolver_match.view_name if request.resolver_match else ""
    children = {
        "dossiers:list": [
            (reverse("dossiers:receive"), _("Tiếp nhận")),
            (reverse("dossiers:inbox"), _("Việc của tôi")),
            (reverse("dossiers:list"), _("Danh sách hồ sơ")),
        ]
    }
    return [
        {
            "url": reverse(name),
            "icon": icon,
            "label": label,
            "active": current == name
            or (not name.startswith("web:") and current.split(":")[0] == name.split(":")[0]),
            "children": children.get(name, []),
        }
        for name, icon, label in items
    ]


def shell(request):
    """What the page shell needs: navigation, the active agency and the agencies to switch to."""
    from eiso.accounts.middleware import memberships_agencies

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": _nav(request),
        "active_agency": getattr(request, "active_agency", None),
        "switchable_agencies": memberships_agencies(user),
    }
