"""How calendar audit events read on the audit pages (labels added to `eiso.core.display`)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "calendar.entry.create": _("Thêm ngày nghỉ, làm việc bù"),
    "calendar.entry.change": _("Sửa ngày nghỉ, làm việc bù"),
    "calendar.entry.delete": _("Xoá ngày nghỉ, làm việc bù"),
    "calendar.import": _("Nhập lịch nghỉ của năm"),
    "calendar.seed": _("Nạp lịch nghỉ toàn quốc"),
    "calendar.year": _("Đổi tình trạng năm lịch"),
    "calendar.schedule": _("Đặt giờ làm việc"),
    "calendar.recompute": _("Tính lại hạn sau khi đổi lịch"),
    "clock.start": _("Bắt đầu tính thời hạn"),
    "clock.event": _("Sự kiện của đồng hồ thời hạn"),
}


def register_verb_labels() -> None:
    from eiso.core import display

    for verb, label in VERB_LABELS.items():
        display.VERB_LABELS.setdefault(verb, label)
