"""How audit events read on a page: a label for the verb and the fields that changed."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "agency.create": _("Thêm cơ quan"),
    "agency.change": _("Thay đổi cơ quan (phiên bản mới)"),
    "agency.contacts": _("Sửa thông tin liên hệ"),
    "agency.dissolve": _("Kết thúc hoạt động"),
    "agency.succession": _("Hợp nhất, kế thừa"),
    "oversight.grant": _("Giao phạm vi theo dõi"),
    "oversight.end": _("Kết thúc phạm vi theo dõi"),
    "user.create": _("Tạo tài khoản"),
    "user.update": _("Sửa tài khoản"),
    "user.password": _("Đổi mật khẩu"),
    "membership.grant": _("Giao vai trò"),
    "membership.end": _("Thu hồi vai trò"),
    "auth.login": _("Đăng nhập"),
    "auth.logout": _("Đăng xuất"),
    "auth.login_failed": _("Đăng nhập thất bại"),
    "auth.token": _("Cấp mã truy cập API"),
}

_HIDDEN = {"id", "agency_id", "created_at", "search_text", "path", "depth"}


def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, old, new) for every field that differs; old is None for a creation."""
    before = before or {}
    after = after or {}
    rows = []
    for name in after:
        if name in _HIDDEN:
            continue
        old, new = before.get(name), after.get(name)
        if name not in before or old != new:
            if new in ("", None) and name not in before:
                continue
            rows.append((name, old if name in before else None, new))
    return rows


def decorate(events):
    """Attach `verb_label` and `changes` to each event for the audit table partial."""
    events = list(events)
    for event in events:
        event.verb_label = verb_label(event.verb)
        event.changes = changes(event.before, event.after)
    return events
