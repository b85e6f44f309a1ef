"""This site's keys for the services that sign (certificates) and for sync.

The private halves live in the key file beside the database (storage/keys.py); the public halves
are recorded on this site's Site row, which travels to every office through the hub.
"""

from __future__ import annotations

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ServiceContext
from kbang_desktop.storage import keys as K


def site_keys(ctx: ServiceContext) -> K.SiteKeys:
    """This site's keys; made (and their public halves recorded) on first use."""
    site_id, _office_id = ctx.require_identity()
    path = K.key_file(ctx.db.path, site_id)
    keys = K.load_or_create(site_id, path)
    with ctx.read() as repo:
        site = repo.require(E.Site, site_id)
    if site.signing_key != keys.signing_public or site.encryption_key != keys.encryption_public:
        if site.signing_key and site.signing_key != keys.signing_public:
            raise KbangError(N_("Khóa của máy này không khớp với khóa đã đăng ký. Xem hướng dẫn khôi phục khi mất khóa."))
        with ctx.write("site_keys", minimum_role="admin") as repo:
            repo.update(E.Site, site_id, signing_key=keys.signing_public, encryption_key=keys.encryption_public)
    return keys
