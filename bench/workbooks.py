"""A long workbook in the sample's layout, for the benchmarks and for the tests that need a file worth
interrupting: the city-assigned table, one investor per row, each with a plan and a disbursement."""

from __future__ import annotations

import io

from core.names import normalize_name


def unit_name(i: int) -> str:
    return f"Ban quản lý dự án số {i + 1}"


def add_investors(rows: int) -> None:
    """The investors the workbook names, so that every row matches."""
    from investors.models import Investor

    Investor.objects.bulk_create(
        [
            Investor(code=f"B{i + 1}", name=unit_name(i), kind="board", name_key=normalize_name(unit_name(i)))
            for i in range(rows)
        ],
        batch_size=5000,
    )


def long_workbook(rows: int) -> bytes:
    """The city-assigned table of the sample's layout, `rows` investors, each with a plan and a disbursement."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Giai ngan 20.7.2024")
    ws.append(["ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"])
    ws.append(["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2024"])
    ws.append(["(Số liệu tính đến hết ngày 20/7/2024)"])
    ws.append(["Đơn vị tính: triệu đồng"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Chủ đầu tư / Đơn vị",
            "Kế hoạch vốn năm 2024",
            None,
            None,
            "Giải ngân từ 01/01/2024 đến 20/7/2024",
            None,
            None,
            "Tỷ lệ giải ngân (%)",
            "Ghi chú",
        ]
    )
    ws.append(
        [None, None, "Tổng số", "Trong đó: NSTW", "Trong đó: NSĐP", "Tổng số", "Trong đó: NSTW", "Trong đó: NSĐP"]
    )
    ws.append([f"({i})" for i in range(1, 11)])
    data = []
    for i in range(rows):
        nstw, nsdp = (i % 7) * 1000, 5000 + i % 9973
        d_nstw, d_nsdp = nstw // 3, nsdp // 2
        data.append((i + 1, unit_name(i), nstw + nsdp, nstw, nsdp, d_nstw + d_nsdp, d_nstw, d_nsdp))
    totals = [sum(r[k] for r in data) for k in range(2, 8)]
    ws.append(
        ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN", *totals, round(totals[3] * 100 / totals[0], 2)]
    )
    for r in data:
        ws.append([*r, round(r[5] * 100 / r[2], 2)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
