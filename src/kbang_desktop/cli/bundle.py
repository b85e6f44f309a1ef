"""`kbang bundle`: sync bundles on a USB stick (export, import with its preview, status per peer)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kbang_desktop import i18n
from kbang_desktop.cli.common import EXIT_FAILED, EXIT_OK, command, emit, group, size_text
from kbang_desktop.i18n import _


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    bundle = group(sub, common, "bundle", _("gói dữ liệu trao đổi qua USB"))
    p = command(bundle, common, "export", _("xuất gói dữ liệu cho một đơn vị"), export)
    p.add_argument("--to", required=True, help=_("mã đơn vị nhận (hoặc \"hub\" cho đơn vị đầu mối của xã)"))
    p.add_argument("--out", required=True)
    p.add_argument("--no-encrypt", action="store_true", help=_("không mã hóa (chỉ để kiểm tra lỗi)"))
    p = command(bundle, common, "import", _("nhập gói dữ liệu"), import_)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help=_("chỉ xem trước, không ghi gì"))
    command(bundle, common, "status", _("tình trạng trao đổi dữ liệu với từng đơn vị"), status)


def export(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import exchange

    target = exchange.resolve_peer(services, args.to)
    result = exchange.export_bundle(services, target, Path(args.out), encrypt=not args.no_encrypt)
    text = _("Đã xuất {n} bản ghi vào {file} ({size}).").format(
        n=i18n.format_number(result.records), file=result.file, size=size_text(result.bytes))
    if not result.encrypted:
        text += " " + _("Cảnh báo: gói không được mã hóa.")
    emit(args, result.as_json(), text)
    return EXIT_OK


def import_(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import exchange

    result = exchange.import_bundle(services, Path(args.file), dry_run=args.dry_run)
    emit(args, result.as_json(), import_text(result))
    return EXIT_FAILED if result.status == "rejected" else EXIT_OK


def import_text(result: Any) -> str:
    if result.status == "rejected":
        return _("Không nhập gói dữ liệu: {reason}").format(reason=result.reason)
    if result.status == "already-imported":
        return _("Gói dữ liệu này đã được nhập trước đây; không có gì thay đổi.")
    c = result.counts
    head = _("Xem trước (chưa ghi gì)") if result.status == "dry-run" else _("Đã nhập")
    text = _("{head}: {new} mới, {updated} cập nhật, {unchanged} không đổi, {conflicts} xung đột, {refused} bị từ chối.").format(
        head=head, **{k: i18n.format_number(v) for k, v in c.items()})
    for refused in result.refused[:20]:
        text += "\n  " + _("Từ chối {type} {id}: {reason}").format(**refused)
    for warning in result.warnings:
        text += "\n" + warning
    if result.backup:
        text += "\n" + _("Bản sao lưu trước khi nhập: {path}").format(path=result.backup)
    return text


def status(args: argparse.Namespace, services: Any) -> int:
    from kbang_desktop.sync import exchange

    peers = exchange.status(services)
    lines = []
    for peer in peers:
        lines.append(_("{name}: đã gửi đến số {sent}, đã được xác nhận đến số {acked}; {n} bản ghi chưa được xác nhận, "
                       "chỉ có trên máy này.").format(name=peer.name, sent=peer.last_sent_seq, acked=peer.acked_seq,
                                                      n=i18n.format_number(peer.unacknowledged)))
        for gap in peer.gaps:
            lines.append("  " + _("Thiếu các thay đổi số {a} đến {b} của máy {site}: sẽ được gửi lại ở lần trao đổi tới.")
                         .format(a=gap["from"], b=gap["to"], site=gap["site_id"][:8]))
        if peer.problem:
            lines.append("  " + peer.problem)
    emit(args, [p.as_json() for p in peers], "\n".join(lines) or _("Chưa trao đổi dữ liệu với đơn vị nào."))
    return EXIT_OK
