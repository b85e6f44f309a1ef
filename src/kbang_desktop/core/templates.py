"""Certificate templates: data an administrator can change, checked before use.

A template says the paper (A4 or A5, landscape or portrait), the font family, an optional
background image (a scan of pre-printed paper), the wording for each learning model, and where
each block of text goes. Positions are millimetres from the top-left corner of the page; `y` is
the baseline of a block's first line. Text uses named fields, e.g. "{issuer_unit}"; the fields are
listed in FIELDS.
"""

from __future__ import annotations

import base64
import binascii
import json
import string
from dataclasses import dataclass

from kbang_desktop.core.errors import KbangError
from kbang_desktop.core.scoring import MODEL_KINDS
from kbang_desktop.i18n import N_

PAGES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
STYLES = ("regular", "bold", "italic", "bold_italic")
ALIGNS = ("left", "center", "right")
RULES = ("none", "short", "full")
FIELDS = ("issuer_body", "issuer_unit", "issuer_unit_name", "model_title", "model_year", "subject", "address",
          "decision_number", "decision_date", "place_date", "signer_for", "signer_title", "signer_name", "serial",
          "year", "code", "recognition", "decided_by", "decided_by_upper")
LITERACY_FIELDS = ("issuer_body", "issuer_unit", "issuer_unit_name", "model_title", "subject", "address", "birth",
                   "class_name", "centre_name", "completed_date", "place_date", "signer_for", "signer_title",
                   "signer_name")
KINDS = {"recognition": (MODEL_KINDS, FIELDS), "literacy": (("phase1", "phase2"), LITERACY_FIELDS)}
MODEL_FIELDS = ("title", "subject")  # and "recognition", the sentence of what is recognised (optional in old templates)
SUBJECT_FIELDS = ("name", "honorific", "honorific_lower")
RECOGNITION_FIELDS = (*SUBJECT_FIELDS, "model_title", "model_year")
# Who decides (Decree 30/2020): the Chairman in his own name signs "CHỦ TỊCH" (a deputy "KT. CHỦ TỊCH /
# PHÓ CHỦ TỊCH"); when the People's Committee decides, "TM. ỦY BAN NHÂN DÂN" comes first.
AUTHORITIES = ("chairman", "committee")
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"


def authority_fields(authority: str, issuer_unit_name: str) -> dict[str, str]:
    """The fields that follow from who decides: "signer_for" above the signer's title, "decided_by" in
    "Theo Quyết định số ... của {decided_by}" ("Chủ tịch Ủy ban nhân dân xã Kông Bơ La")."""
    decided_by = ("Ủy ban nhân dân " if authority == "committee" else "Chủ tịch Ủy ban nhân dân ") + issuer_unit_name
    return {"signer_for": ON_BEHALF if authority == "committee" else "", "decided_by": decided_by,
            "decided_by_upper": decided_by.upper()}


def default_recognition(subject: str) -> str:
    """The recognition sentence of a template made before templates had one: "Công nhận hộ gia đình
    {honorific_lower} {name}" and "đạt danh hiệu “{model_title}” năm {model_year}"."""
    lowered = subject[:1].lower() + subject[1:] if not subject.startswith("{") else subject
    return f"Công nhận {lowered}\nđạt danh hiệu “{{model_title}}” năm {{model_year}}"


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    x: float
    y: float
    size: float
    style: str = "regular"
    align: str = "left"
    width: float = 0.0  # wrap inside this width (mm) when > 0
    leading: float = 1.25  # line height as a multiple of the size
    rule: str = "none"  # "short": a third of the widest line, "full": as long as the last line


@dataclass(frozen=True, slots=True)
class Qr:
    x: float
    y: float  # top edge
    size: float


@dataclass(frozen=True, slots=True)
class CertificateTemplate:
    name: str
    title: str
    kind: str
    page: str
    landscape: bool
    font: str
    background: bytes | None
    is_template: bool
    models: dict[str, dict[str, str]]
    blocks: tuple[Block, ...]
    qr: Qr | None
    authority: str = "chairman"  # who decides: "chairman" or "committee" (AUTHORITIES)

    @property
    def size_mm(self) -> tuple[float, float]:
        short, long = PAGES[self.page]
        return (long, short) if self.landscape else (short, long)


def _fail(message: str, **values: object) -> KbangError:
    return KbangError(message, **values)


def _fields_of(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: dấu ngoặc {{ }} không khớp trong \"{text}\"."), text=text) from None


def _number(data: dict, key: str, where: str, default: float | None = None, low: float = 0, high: float = 1000) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: khối {where}: \"{key}\" phải là số từ {low} đến {high}."), where=where, key=key, low=low, high=high)
    return float(value)


def parse_template(data: object) -> CertificateTemplate:
    """Check a template (as loaded from JSON) and return it; raise KbangError naming the first problem."""
    if not isinstance(data, dict):
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: không phải một đối tượng JSON."))
    name, page = data.get("name"), data.get("page", "A4")
    if not isinstance(name, str) or not name.strip():
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: thiếu tên mẫu (\"name\")."))
    if page not in PAGES:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: khổ giấy phải là A4 hoặc A5."))
    background = data.get("background")
    image = None
    if background is not None:
        try:
            image = base64.b64decode(str(background), validate=True)
        except (binascii.Error, ValueError):
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: ảnh nền không đọc được.")) from None
        if not image.startswith((b"\x89PNG", b"\xff\xd8")):
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: ảnh nền phải là PNG hoặc JPEG."))
    kind = data.get("kind", "recognition")
    if kind not in KINDS:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: loại mẫu phải là recognition hoặc literacy."))
    model_keys, fields = KINDS[kind]
    models = data.get("models")
    if not isinstance(models, dict) or set(models) != set(model_keys):
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: \"models\" phải có đủ: {kinds}."), kinds=", ".join(model_keys))
    for model, wording in models.items():
        if not isinstance(wording, dict) or not set(MODEL_FIELDS) <= set(wording) <= {*MODEL_FIELDS, "recognition"} \
                or not all(isinstance(v, str) for v in wording.values()):
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: \"models.{kind}\" phải có \"title\" và \"subject\"."), kind=model)
        unknown = (_fields_of(wording["subject"]) - set(SUBJECT_FIELDS)) | (
            _fields_of(wording.get("recognition", "")) - set(RECOGNITION_FIELDS))
        if unknown:
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: trường không có: {fields}."), fields=", ".join(sorted(unknown)))
    authority = data.get("authority", "chairman")
    if authority not in AUTHORITIES:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: \"authority\" phải là chairman (Chủ tịch quyết định) "
                       "hoặc committee (Ủy ban nhân dân quyết định)."))
    width, height = PAGES[page] if not data.get("landscape", True) else PAGES[page][::-1]
    blocks = []
    raw_blocks = data.get("blocks")
    if not isinstance(raw_blocks, list) or not raw_blocks:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: thiếu các khối chữ (\"blocks\")."))
    for number, raw in enumerate(raw_blocks, 1):
        where = str(number)
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: khối {where}: thiếu \"text\"."), where=where)
        unknown = _fields_of(raw["text"]) - set(fields)
        if unknown:
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: khối {where}: trường không có: {fields}."), where=where, fields=", ".join(sorted(unknown)))
        style, align, rule = raw.get("style", "regular"), raw.get("align", "left"), raw.get("rule", "none")
        if style not in STYLES or align not in ALIGNS or rule not in RULES:
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: khối {where}: kiểu chữ, căn lề hoặc đường kẻ không hợp lệ."), where=where)
        blocks.append(Block(raw["text"], _number(raw, "x", where, high=width), _number(raw, "y", where, high=height),
                            _number(raw, "size", where, low=5, high=72), style, align,
                            _number(raw, "width", where, 0.0, high=width), _number(raw, "leading", where, 1.25, 0.8, 3),
                            rule))
    qr = None
    if data.get("qr") is not None:
        raw_qr = data["qr"]
        if not isinstance(raw_qr, dict):
            raise _fail(N_("Mẫu giấy công nhận không hợp lệ: \"qr\" không hợp lệ."))
        qr = Qr(_number(raw_qr, "x", "qr", high=width), _number(raw_qr, "y", "qr", high=height),
                _number(raw_qr, "size", "qr", low=15, high=80))
    return CertificateTemplate(name.strip(), str(data.get("title", name)), kind, page, bool(data.get("landscape", True)),
                               str(data.get("font", "Times New Roman")), image, bool(data.get("is_template", False)),
                               {k: {**v, "recognition": v.get("recognition") or default_recognition(v["subject"])}
                                for k, v in models.items()}, tuple(blocks), qr, authority)


def load_template(text: str | bytes) -> CertificateTemplate:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise _fail(N_("Mẫu giấy công nhận không hợp lệ: không đọc được JSON ({error})."), error=str(error)) from None
    return parse_template(data)
