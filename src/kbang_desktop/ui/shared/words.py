"""The words several screens show for the same codes (msgids, translated where shown), and the columns
of the lists that appear in more than one area."""

from __future__ import annotations

from kbang_desktop.i18n import N_, _
from kbang_desktop.services.learning_models import MODEL_NAMES
from kbang_desktop.ui.shared.tables import Col

SEXES = (("M", N_("Nam")), ("F", N_("Nữ")))
LEVELS = (N_("Chưa biết chữ"), N_("Mức 1"), N_("Mức 2"))
LIFE_STATUS = (("", N_("Đang sinh sống tại xã")), ("moved", N_("Đã chuyển đi")), ("deceased", N_("Đã mất")))
RELATIONS = (N_("Chủ hộ"), N_("Vợ"), N_("Chồng"), N_("Con"), N_("Cha"), N_("Mẹ"), N_("Cháu"), N_("Khác"))
CENTRE_STATUS = {"active": N_("Đang hoạt động"), "merged": N_("Đã sáp nhập"), "closed": N_("Đã giải thể")}
DECISION_STATUS = {"draft": N_("Dự thảo"), "issued": N_("Đã ban hành"), "revoked": N_("Đã thu hồi")}

DECISION_COLUMNS = (Col(N_("Số quyết định"), lambda d: d[0].number, width=14), Col(N_("Ngày"), lambda d: d[0].decided_on),
                    Col(N_("Loại"), lambda d: _(MODEL_NAMES[d[0].kind]), width=24), Col(N_("Năm"), lambda d: str(d[0].year)),
                    Col(N_("Trạng thái"), lambda d: _(DECISION_STATUS[d[0].status])),
                    Col(N_("Số được công nhận"), lambda d: d[1], True))
