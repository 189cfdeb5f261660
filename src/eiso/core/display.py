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
    "procedure.import": _("Nhập danh mục thủ tục"),
    "procedure.version_create": _("Thêm phiên bản thủ tục"),
    "procedure.version_update": _("Cập nhật phiên bản thủ tục"),
    "procedure.publish": _("Công bố phiên bản thủ tục"),
    "legal_document.replace": _("Văn bản căn cứ bị thay thế"),
    "agency_procedure.assign": _("Giao thủ tục cho cơ quan"),
    "agency_procedure.end": _("Thôi thực hiện thủ tục"),
    "process.create": _("Xây dựng quy trình nội bộ"),
    "process.update": _("Sửa mã, tên, thủ tục của quy trình"),
    "process.delete": _("Xoá quy trình nội bộ"),
    "process.edit": _("Sửa dự thảo quy trình"),
    "process.submit": _("Trình phê duyệt quy trình"),
    "process.return": _("Trả lại dự thảo quy trình"),
    "process.approve": _("Phê duyệt quy trình"),
    "process.in_force": _("Ban hành áp dụng quy trình"),
    "process.new_version": _("Tạo phiên bản mới của quy trình"),
    "process.register": _("Đăng ký quy trình đã ban hành"),
    "document.create": _("Thêm tài liệu"),
    "document.update": _("Sửa thông tin tài liệu"),
    "document.numbering": _("Sửa quy tắc đánh mã tài liệu"),
    "document.lock": _("Nhận soạn thảo tài liệu"),
    "document.unlock": _("Thôi soạn thảo tài liệu"),
    "document.upload": _("Tải lên phiên bản tài liệu"),
    "document.submit": _("Ký trình xem xét tài liệu"),
    "document.review": _("Ký xem xét tài liệu"),
    "document.return": _("Trả lại dự thảo tài liệu"),
    "document.approve": _("Ký phê duyệt tài liệu"),
    "document.issue": _("Ban hành tài liệu"),
    "document.withdraw": _("Thu hồi tài liệu"),
    "document.signature_failed": _("Ký không thành công (sai mật khẩu)"),
    "document.distribute": _("Phân phối tài liệu"),
    "document.acknowledge": _("Xác nhận đã đọc tài liệu"),
    "document.change_request": _("Đề nghị sửa đổi tài liệu"),
    "document.change_decide": _("Xử lý đề nghị sửa đổi"),
    "external_document.add": _("Thêm tài liệu bên ngoài"),
    "external_document.references": _("Sửa viện dẫn tài liệu bên ngoài"),
    "external_document.replace": _("Tài liệu bên ngoài bị thay thế"),
    "review.flag": _("Đánh dấu cần rà soát"),
    "review.resolve": _("Ghi nhận đã rà soát"),
    "notification.send": _("Gửi thông báo"),
    "notification.email_retry": _("Gửi lại thư thông báo"),
    "dossier.receive": _("Tiếp nhận hồ sơ"),
    "dossier.counter_supplement": _("Yêu cầu bổ sung hồ sơ tại quầy"),
    "dossier.counter_refuse": _("Từ chối tiếp nhận hồ sơ"),
    "dossier.claim": _("Nhận xử lý hồ sơ"),
    "dossier.step": _("Hoàn thành bước xử lý"),
    "dossier.return_step": _("Trả lại bước trước"),
    "dossier.forward": _("Chuyển người xử lý"),
    "dossier.consult": _("Gửi lấy ý kiến"),
    "dossier.answer": _("Ghi ý kiến trả lời"),
    "dossier.request_supplement": _("Yêu cầu bổ sung hồ sơ"),
    "dossier.supplement_received": _("Nhận hồ sơ bổ sung"),
    "dossier.extend": _("Xin lỗi và hẹn lại ngày trả kết quả"),
    "dossier.finish": _("Có kết quả giải quyết"),
    "dossier.refuse": _("Từ chối giải quyết hồ sơ"),
    "dossier.stop": _("Dừng xử lý hồ sơ"),
    "dossier.withdraw": _("Rút hồ sơ"),
    "dossier.return_result": _("Trả kết quả"),
    "dossier.scan": _("Quét hạn xử lý hồ sơ"),
    "dossier.book_lock": _("Khóa sổ theo dõi hồ sơ"),
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
