from django.core.management.base import BaseCommand
from django.db import transaction

from eiso.organizations import seed, services


class Command(BaseCommand):
    help = "Cây cơ quan: `seed` nạp 34 tỉnh, thành phố; `refresh` áp dụng các phiên bản đến ngày hiệu lực (chạy hằng ngày)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed", help="nạp 34 tỉnh, thành phố (idempotent)")
        sub.add_parser("refresh", help="cập nhật bản sao hiện hành của cơ quan (cron hằng ngày)")

    def handle(self, *args, action, **options):
        if action == "seed":
            with transaction.atomic():
                created = seed.seed_provinces()
            self.stdout.write(f"Đã thêm {created} tỉnh, thành phố / provinces created: {created}")
        elif action == "refresh":
            changed = services.refresh_current_copies()
            self.stdout.write(f"Đã cập nhật {changed} cơ quan / agencies refreshed: {changed}")
