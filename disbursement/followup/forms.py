"""The public explanation form: cause, actions, the person responsible, and commitments, with Vietnamese messages."""

from __future__ import annotations

from itertools import pairwise

from django import forms
from django.utils import timezone

from core.fiscal import disbursement_deadline
from core.money import TY, AmountError, to_dong
from disbursement.followup.services import CommitmentData, ExplanationData
from disbursement.models import ExplanationCause, ExplanationRequest

COMMITMENT_ROWS = 4
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ExplanationForm(forms.Form):
    cause = forms.ModelChoiceField(
        label="Nguyên nhân chính",
        queryset=ExplanationCause.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Hãy chọn nguyên nhân chính.",
            "invalid_choice": "Nguyên nhân đã chọn không có trong danh sách.",
        },
    )
    cause_detail = forms.CharField(
        label="Nguyên nhân cụ thể",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Nguyên nhân cụ thể dài quá %(limit_value)d ký tự."},
    )
    actions = forms.CharField(
        label="Giải pháp đơn vị đang thực hiện",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Hãy nêu giải pháp đơn vị đang thực hiện.",
            "max_length": "Phần giải pháp dài quá %(limit_value)d ký tự.",
        },
    )
    responsible_name = forms.CharField(
        label="Người chịu trách nhiệm (họ và tên)",
        max_length=200,
        error_messages={
            "required": "Hãy ghi họ và tên người chịu trách nhiệm.",
            "max_length": "Họ và tên dài quá %(limit_value)d ký tự.",
        },
    )
    responsible_title = forms.CharField(
        label="Chức vụ",
        required=False,
        max_length=200,
        error_messages={"max_length": "Chức vụ dài quá %(limit_value)d ký tự."},
    )

    def __init__(self, *args, request: ExplanationRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["cause"].queryset = ExplanationCause.objects.filter(is_active=True)
        for i in range(1, COMMITMENT_ROWS + 1):
            self.fields[f"due_{i}"] = forms.DateField(
                label=f"Cam kết {i}: đến hết ngày",
                required=False,
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={"placeholder": "30/09/" + str(request.year)}),
                error_messages={
                    "invalid": f"Cam kết {i}: ngày phải viết dạng ngày/tháng/năm, ví dụ 30/09/{request.year}."
                },
            )
            self.fields[f"amount_{i}"] = forms.CharField(
                label=f"Cam kết {i}: lũy kế giải ngân (tỷ đồng)",
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "ví dụ 12,5"}),
            )

    def commitment_rows(self) -> list[tuple]:
        return [(self[f"due_{i}"], self[f"amount_{i}"]) for i in range(1, COMMITMENT_ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        cause = cleaned.get("cause")
        if cause is not None and cause.needs_detail and not cleaned.get("cause_detail", "").strip():
            self.add_error("cause_detail", f"Đã chọn '{cause.name}': hãy ghi rõ nguyên nhân.")
        asked = timezone.localdate(self.request.requested_at)
        last = disbursement_deadline(self.request.year)
        commitments: list[CommitmentData] = []
        for i in range(1, COMMITMENT_ROWS + 1):
            due = cleaned.get(f"due_{i}")
            text = (cleaned.get(f"amount_{i}") or "").strip()
            if f"due_{i}" in self.errors:
                continue
            if due is None and not text:
                continue
            if due is None or not text:
                self.add_error(f"due_{i}", f"Cam kết {i}: hãy nhập cả ngày và số vốn giải ngân lũy kế.")
                continue
            if due <= asked or due > last:
                self.add_error(
                    f"due_{i}",
                    f"Cam kết {i}: ngày phải sau ngày yêu cầu giải trình ({asked:%d/%m/%Y}) và không quá hạn "
                    f"giải ngân kế hoạch năm {self.request.year} ({last:%d/%m/%Y}).",
                )
                continue
            try:
                amount = to_dong(text, TY)
            except AmountError:
                self.add_error(f"amount_{i}", f"Cam kết {i}: số vốn '{text}' không đọc được; viết dạng 12,5 (tỷ đồng).")
                continue
            if amount <= 0:
                self.add_error(f"amount_{i}", f"Cam kết {i}: số vốn phải lớn hơn 0.")
                continue
            commitments.append(CommitmentData(due, amount))
        if not self.errors:
            if not commitments:
                raise forms.ValidationError(
                    "Hãy nhập ít nhất một cam kết: ngày và số vốn giải ngân lũy kế đến ngày đó."
                )
            days = [c.due for c in commitments]
            if len(set(days)) != len(days):
                raise forms.ValidationError("Mỗi ngày chỉ cam kết một lần.")
            ordered = sorted(commitments, key=lambda c: c.due)
            if any(later.amount < earlier.amount for earlier, later in pairwise(ordered)):
                raise forms.ValidationError(
                    "Số vốn giải ngân là số lũy kế: cam kết ở ngày sau không được thấp hơn cam kết ở ngày trước."
                )
        cleaned["commitments"] = commitments
        return cleaned

    def data_for_service(self) -> ExplanationData:
        c = self.cleaned_data
        return ExplanationData(
            cause=c["cause"],
            cause_detail=c.get("cause_detail", "").strip(),
            actions=c["actions"].strip(),
            responsible_name=c["responsible_name"].strip(),
            responsible_title=c.get("responsible_title", "").strip(),
            commitments=c["commitments"],
        )
