"""Demo register for Phường Phố Hiến: the starter kit issued, two documents revised (their first
version superseded), distribution to the ward with some acknowledgements, and a list of external
documents of which one is replaced (so the review flags show). Idempotent: runs once per database."""

import datetime

from eiso.accounts.models import User
from eiso.documents import reminders, services, starter
from eiso.documents.models import Document, ExternalDocument
from eiso.organizations.models import Agency

ISSUED = datetime.date(2025, 9, 1)
REVISED = datetime.date(2026, 1, 5)

EXTERNAL = [
    ("law", "Luật Hộ tịch 60/2014/QH13", "60/2014/QH13", "Quốc hội", datetime.date(2014, 11, 20)),
    (
        "decree",
        "Nghị định 123/2015/NĐ-CP quy định chi tiết Luật Hộ tịch",
        "123/2015/NĐ-CP",
        "Chính phủ",
        datetime.date(2015, 11, 15),
    ),
    (
        "decision",
        "Quyết định 19/2014/QĐ-TTg áp dụng TCVN ISO 9001 trong cơ quan hành chính",
        "19/2014/QĐ-TTg",
        "Thủ tướng Chính phủ",
        datetime.date(2014, 3, 5),
    ),
    (
        "circular",
        "Thông tư 26/2014/TT-BKHCN hướng dẫn Quyết định 19/2014/QĐ-TTg",
        "26/2014/TT-BKHCN",
        "Bộ Khoa học và Công nghệ",
        datetime.date(2014, 10, 10),
    ),
    (
        "decree",
        "Nghị định 61/2018/NĐ-CP về cơ chế một cửa, một cửa liên thông",
        "61/2018/NĐ-CP",
        "Chính phủ",
        datetime.date(2018, 4, 23),
    ),
]


def _sign_all(document, version):
    services.submit_version(actor=None, version=version)
    services.approve_version(actor=None, version=version)
    return services.issue_version(actor=None, version=version, effective_date=ISSUED)


def load(stdout) -> list:
    ward = Agency.objects.filter(name="Phường Phố Hiến").first()
    if ward is None or Document.objects.filter(agency=ward).exists():
        return []
    documents = starter.start_qms(actor=None, agency=ward)
    for document in documents:
        _sign_all(document, document.latest_version)
        services.distribute(actor=None, document=document, units=[ward])
    for document in documents[:2]:
        document.refresh_from_db()
        data = starter.render_revision(
            document,
            version=2,
            today=REVISED,
            changes=[
                {
                    "date": REVISED.strftime("%d/%m/%Y"),
                    "text": "Cập nhật theo tổ chức chính quyền địa phương hai cấp từ 01/07/2025.",
                    "version": "02",
                }
            ],
        )
        version = services.upload_version(
            actor=None,
            document=document,
            data=data,
            file_name=f"{document.code}-02.docx",
            change_summary="Cập nhật theo mô hình chính quyền hai cấp",
        )
        services.submit_version(actor=None, version=version)
        services.approve_version(actor=None, version=version)
        services.issue_version(actor=None, version=version, effective_date=REVISED)
    readers = list(User.objects.filter(username__in=["thuky.phohien", "chutich.phohien"]))
    for document in Document.objects.filter(agency=ward).select_related("current_version")[:6]:
        for user in readers:
            services.acknowledge(actor=user, version=document.current_version)
    entries = {}
    for kind, title, number, issuer, issued in EXTERNAL:
        entries[number] = services.add_external_document(
            actor=None,
            agency=ward,
            number=number,
            title=title,
            issuer=issuer,
            issued_on=issued,
            effective_from=issued,
            kind=kind,
            documents=[d for d in documents if d.kind == "system_procedure"][:1]
            if number == "61/2018/NĐ-CP"
            else [],
        )
    flags = services.replace_external_document(
        actor=None,
        entry=entries["61/2018/NĐ-CP"],
        replacement_number="118/2025/NĐ-CP",
        replacement_title="Nghị định 118/2025/NĐ-CP về thủ tục hành chính theo cơ chế một cửa",
        effective_date=datetime.date(2025, 7, 1),
    )
    # Documents issued on ISSUED are due for review a year later: the reminder job fills the bell (no
    # e-mail in the demo).
    reminded = reminders.remind(email=False)
    stdout.write(
        f"  tài liệu: {len(documents)} tài liệu mô hình khung ban hành cho {ward.name}, "
        f"{ExternalDocument.objects.filter(agency=ward).count()} tài liệu bên ngoài, {len(flags)} cần rà soát, "
        f"{reminded.notified} thông báo nhắc soát xét"
    )
    return []
