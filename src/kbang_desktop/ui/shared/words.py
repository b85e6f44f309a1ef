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

# The audit log's actions (services' write("...") names) as the sentences the log shows.
ACTIONS = {
    "add_commune": N_("Thêm xã, phường"), "merge_person": N_("Gộp hồ sơ trùng"),
    "merge_person_follow": N_("Chuyển dữ liệu về hồ sơ giữ lại sau khi nhận gói"),
    "unmerge_person": N_("Tách lại hồ sơ đã gộp"),
    "add_centre": N_("Thêm trung tâm học tập cộng đồng"), "add_centre_activity": N_("Ghi hoạt động của trung tâm"),
    "add_centre_staff": N_("Thêm cán bộ trung tâm"), "add_clan": N_("Thêm dòng họ"), "add_clan_member": N_("Thêm thành viên dòng họ"),
    "add_criteria_set": N_("Thêm bộ tiêu chí"), "add_decision_entry": N_("Thêm vào quyết định"), "add_household": N_("Thêm hộ gia đình"),
    "add_household_member": N_("Thêm người vào hộ"), "add_literacy_class": N_("Mở lớp xóa mù chữ"),
    "add_organisation": N_("Thêm cơ quan, tổ chức"), "add_person": N_("Thêm người dân"), "add_succession": N_("Ghi sáp nhập, chia tách đơn vị"),
    "add_village": N_("Thêm thôn, làng"), "correct_unit": N_("Sửa đơn vị hành chính"), "create_decision": N_("Lập quyết định công nhận"),
    "create_user": N_("Thêm người dùng"), "demo_data": N_("Nạp dữ liệu mẫu"), "designate_unit": N_("Ghi xếp loại đơn vị"),
    "drop_enrolment": N_("Cho học viên thôi học"), "enrol": N_("Ghi danh học viên"), "evaluate": N_("Chấm điểm đánh giá"),
    "import_persons": N_("Nhập người dân từ Excel"), "import_scores": N_("Nhập điểm tự đánh giá từ Excel"),
    "init": N_("Tạo cơ sở dữ liệu"), "issue_decision": N_("Ban hành quyết định"),
    "load_reference": N_("Nạp danh mục"), "login": N_("Đăng nhập"), "move_person": N_("Chuyển người sang hộ khác"),
    "new_site": N_("Đăng ký máy mới"), "person_status": N_("Ghi chuyển đi hoặc đã mất"),
    "print_certificates": N_("In giấy công nhận"), "record_term_result": N_("Ghi kết quả học kỳ"),
    "register_commune": N_("Đăng ký xã"), "register_model": N_("Đăng ký danh hiệu"), "remove_decision_entry": N_("Bỏ khỏi quyết định"),
    "remove_person": N_("Xóa người dân"),
    "resolve_conflict": N_("Giải quyết xung đột dữ liệu"), "revoke_decision": N_("Thu hồi quyết định"),
    "revoke_site": N_("Thu hồi quyền của máy"), "save_certificate_template": N_("Lưu mẫu giấy công nhận"),
    "set_active": N_("Khóa hoặc mở tài khoản"), "set_centre_ranking": N_("Xếp loại trung tâm"),
    "set_household_head": N_("Đổi chủ hộ"), "set_literacy": N_("Ghi mức biết chữ"), "set_password": N_("Đổi mật khẩu"),
    "set_role": N_("Đổi vai trò người dùng"), "set_setting": N_("Đổi cài đặt"),
    "set_second_backup_folder": N_("Đổi thư mục sao lưu thứ hai"), "site_keys": N_("Tạo khóa của máy"),
    "sync_export": N_("Xuất gói đồng bộ"), "sync_import": N_("Nhận gói đồng bộ"), "trust_hub": N_("Tin cậy đơn vị đầu mối"),
    "update_centre": N_("Sửa trung tâm"), "update_criteria_set": N_("Sửa bộ tiêu chí"),
    "update_literacy_class": N_("Sửa lớp xóa mù chữ"), "update_person": N_("Sửa thông tin người dân"),
    "export_bundle": N_("Xuất gói đồng bộ"), "import_bundle": N_("Nhận gói đồng bộ"), "edit": N_("Sửa dữ liệu"),
}
# What happened to the record: the first part of an audit action ("create:add_person").
OPERATIONS = {"create": N_("thêm bản ghi"), "update": N_("sửa bản ghi"), "delete": N_("xóa bản ghi")}
# The kinds of record (tables) as the log shows them.
RECORD_KINDS = {
    "admin_unit": N_("Đơn vị hành chính"), "admin_succession": N_("Sáp nhập, chia tách"), "unit_designation": N_("Xếp loại đơn vị"),
    "ethnic_group": N_("Dân tộc"), "literacy_rule": N_("Quy định biết chữ"), "office": N_("Đơn vị"), "site": N_("Máy"),
    "office_setting": N_("Cài đặt"), "household": N_("Hộ gia đình"), "person": N_("Người dân"),
    "literacy_attainment": N_("Mức biết chữ"), "clan": N_("Dòng họ"), "clan_member": N_("Thành viên dòng họ"),
    "organisation": N_("Cơ quan, tổ chức"), "learning_centre": N_("Trung tâm học tập cộng đồng"),
    "centre_staff": N_("Cán bộ trung tâm"), "centre_activity": N_("Hoạt động của trung tâm"), "centre_ranking": N_("Xếp loại trung tâm"),
    "literacy_class": N_("Lớp xóa mù chữ"), "enrolment": N_("Học viên của lớp"), "term_result": N_("Kết quả học kỳ"),
    "criteria_set": N_("Bộ tiêu chí"), "registration": N_("Đăng ký danh hiệu"), "evaluation": N_("Đánh giá"),
    "decision": N_("Quyết định công nhận"), "decision_entry": N_("Người, đơn vị trong quyết định"), "certificate": N_("Giấy công nhận"),
    "certificate_print": N_("Lần in giấy công nhận"), "app_user": N_("Người dùng"), "peer": N_("Đơn vị trao đổi"),
    "peer_site": N_("Máy của đơn vị trao đổi"), "conflict": N_("Xung đột dữ liệu"), "bundle_ledger": N_("Gói đồng bộ"),
    "bulk": N_("Nhiều bản ghi một lúc"),
}


def audit_action(action: str) -> str:
    """"create:print_certificates" -> "In giấy công nhận (thêm bản ghi)"; an action this version does not
    know is still shown as a sentence, with its code in brackets."""
    operation, _sep, use = action.rpartition(":") if ":" in action else ("", "", action)
    said = _(ACTIONS[use]) if use in ACTIONS else _("Thao tác khác ({code})").format(code=use)
    return f"{said} ({_(OPERATIONS[operation])})" if operation in OPERATIONS else said


def audit_actor(label: str) -> str:
    """"user:lan" -> "lan"; "os:root" -> "tài khoản máy tính root" (the command line, without a log-in)."""
    kind, _sep, name = label.partition(":")
    if kind == "user":
        return name
    if kind == "os":
        return _("Tài khoản máy tính {name}").format(name=name)
    return label


def record_kind(table: str) -> str:
    return _(RECORD_KINDS[table]) if table in RECORD_KINDS else table


# The fields of records as a conflict shows them (two places changed the same record).
FIELD_WORDS = {
    "full_name": N_("Họ và tên"), "display_name": N_("Họ và tên"), "sex": N_("Giới tính"), "birth_date": N_("Ngày sinh"),
    "birth_year": N_("Năm sinh"), "ethnic_code": N_("Dân tộc"), "household_id": N_("Hộ gia đình"),
    "relation_to_head": N_("Quan hệ với chủ hộ"), "commune_id": N_("Xã"), "village_id": N_("Thôn/Làng"),
    "id_number": N_("Số định danh cá nhân"), "disability": N_("Khuyết tật"), "exempt": N_("Miễn tính chuẩn biết chữ"),
    "education": N_("Trình độ học vấn"), "literacy_level": N_("Biết chữ"), "literacy_date": N_("Ngày đạt mức biết chữ"),
    "literacy_source": N_("Căn cứ mức biết chữ"), "moved_away_on": N_("Ngày chuyển đi"), "died_on": N_("Ngày mất"),
    "note": N_("Ghi chú"), "notes": N_("Ghi chú"), "name": N_("Tên"), "number": N_("Số"), "status": N_("Trạng thái"),
    "head_person_id": N_("Chủ hộ"), "teacher_name": N_("Giáo viên"), "start_date": N_("Ngày bắt đầu"),
    "end_date": N_("Ngày kết thúc"), "current_term": N_("Kì hiện tại"), "founding_decision": N_("Quyết định thành lập"),
    "founded_on": N_("Ngày thành lập"), "computers": N_("Máy tính"), "has_premises": N_("Có trụ sở riêng"),
    "has_seal": N_("Có con dấu"), "has_bank_account": N_("Có tài khoản"), "has_internet": N_("Có internet"),
    "has_book_corner": N_("Có tủ sách"), "value": N_("Giá trị"), "signer_name": N_("Người ký"), "decided_on": N_("Ngày ký"),
    "role": N_("Vai trò"), "active": N_("Đang dùng"), "ranking": N_("Xếp loại"), "title": N_("Nội dung"),
    "registered_on": N_("Ngày đăng ký"), "evaluated_on": N_("Ngày đánh giá"), "total": N_("Tổng điểm"),
    "passed": N_("Đạt"), "kind": N_("Loại"), "year": N_("Năm"), "funding_programme": N_("Nguồn kinh phí"),
}


def field_name(field: str) -> str:
    """"full_name" -> "Họ và tên"; a field this version does not name is shown as it is."""
    return _(FIELD_WORDS[field]) if field in FIELD_WORDS else field


def field_value(value: object) -> str:
    """A stored value as a person reads it: "Có"/"Không", "(trống)", dates dd/MM/yyyy."""
    import re

    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    text = str(value)
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}).*)?", text)
    if found:
        year, month, day, hour, minute = found.groups()
        return f"{day}/{month}/{year}" + (f" {hour}:{minute}" if hour else "")
    return text

# The built-in certificate templates (services.certificates.BUILT_IN) by the paper they print on.
TEMPLATE_NAMES = {"a4-landscape": N_("Khổ A4, in ngang"), "a5-landscape": N_("Khổ A5, in ngang"),
                  "literacy-a5-landscape": N_("Giấy chứng nhận biết chữ, khổ A5, in ngang")}


def template_name(name: str) -> str:
    """A template as the lists show it: the built-in ones by their paper, the office's own by its name."""
    return _(TEMPLATE_NAMES[name]) if name in TEMPLATE_NAMES else name
