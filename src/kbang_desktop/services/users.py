"""Users and roles; passwords hashed with scrypt; log-in with lock-out after repeated failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import timedelta
from pathlib import Path

from kbang_desktop.core import entities as E
from kbang_desktop.core.errors import KbangError, PermissionDenied, Problem, ValidationError
from kbang_desktop.i18n import N_
from kbang_desktop.services.context import ROLES, Actor, ServiceContext
from kbang_desktop.storage.writes import new_id, utcnow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str, digests: dict[tuple, bytes] | None = None) -> bool:
    """True when `password` is the one `stored` was made from. `digests`: scrypt digests of this same
    password already worked out by this process, by (salt, n, r, p) (the log-in unsealing the database key
    with it: storage.vault.unlock), so that it is not worked out twice."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        known = (digests or {}).get((salt, int(n), int(r), int(p)))
        actual = known if known is not None else hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def account_problems(username: str, password: str | None, role: str) -> list[Problem]:
    """What is wrong with an account about to be made (forms check as the user types with it)."""
    problems = []
    if not username or len(username) > 60 or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        problems.append(Problem("username", N_("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới hoặc gạch ngang.")))
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(Problem("password", N_("Mật khẩu phải có ít nhất {n} ký tự."), n=MIN_PASSWORD))
    if role not in ROLES:
        problems.append(Problem("role", N_("Vai trò phải là admin, officer hoặc viewer.")))
    return problems


def _validate(username: str, password: str | None, role: str) -> None:
    problems = account_problems(username, password, role)
    if problems:
        raise ValidationError(problems)


def authenticate_in_backup(path: Path, username: str, password: str, key: bytes | None = None) -> Actor:
    """An administrator of the backup at `path` (who may restore it, on this PC or another), read
    without writing anything; the same one sentence as the log-in when the name or password is wrong."""
    from kbang_desktop.services.context import ROLE_NAMES
    from kbang_desktop.storage.backup import account

    found = account(path, username, key)
    if found is None or not found["active"] or not check_password(password, str(found["password_hash"])):
        raise KbangError(N_("Tên đăng nhập hoặc mật khẩu không đúng."))
    if found["role"] != "admin":
        raise PermissionDenied(N_("Tài khoản của bạn (vai trò {role}) không được phép làm việc này."),
                               role=ROLE_NAMES.get(str(found["role"]), str(found["role"])))
    return Actor(f"user:{found['username']}", "admin", str(found["id"]), str(found["display_name"]))


class UserService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def create(self, username: str, password: str, role: str, display_name: str = "") -> E.User:
        """Create a user (administrators only). One transaction, audited (the hash is not logged)."""
        _validate(username, password, role)
        with self.ctx.write("create_user", minimum_role="admin") as repo:
            if repo.first(E.User, username=username):
                raise KbangError(N_("Tên đăng nhập {username} đã có."), username=username)
            user = repo.add(E.User, id=new_id(), username=username, display_name=display_name or username, role=role,
                            password_hash=hash_password(password), active=True, failed_logins=0, locked_until=None,
                            created_at=utcnow())
        self.ctx.db.sync_keyring()  # the new user's slot of the database key
        return user

    def list(self) -> list[E.User]:
        with self.ctx.read() as repo:
            return repo.list(E.User, order_by=[])

    def set_role(self, username: str, role: str) -> E.User:
        _validate(username, None, role)
        with self.ctx.write("set_role", minimum_role="admin") as repo:
            user = self._require(repo, username)
            if role != "admin":
                self._keep_an_admin(repo, user)
            return repo.update(E.User, user.id, role=role)

    def set_password(self, username: str, password: str) -> None:
        """An administrator sets anyone's password; a user may set their own."""
        _validate(username, password, "viewer")
        minimum = "viewer" if self.ctx.actor.label == f"user:{username}" else "admin"
        with self.ctx.write("set_password", minimum_role=minimum) as repo:
            user = self._require(repo, username)
            repo.update(E.User, user.id, password_hash=hash_password(password), failed_logins=0, locked_until=None)
        self.ctx.db.sync_keyring()  # the slot sealed with the new password; the old password opens nothing

    def set_active(self, username: str, active: bool) -> E.User:
        with self.ctx.write("set_active", minimum_role="admin") as repo:
            user = self._require(repo, username)
            if not active:
                self._keep_an_admin(repo, user)
            changed = repo.update(E.User, user.id, active=active)
        self.ctx.db.sync_keyring()  # a user removed loses their slot
        return changed

    @staticmethod
    def _keep_an_admin(repo, user: E.User) -> None:
        """The last administrator who can log in is neither made another role nor locked: nobody could
        then add users, restore a backup or change the settings."""
        if user.role == "admin" and user.active and not [
                u for u in repo.list(E.User, role="admin", active=True) if u.id != user.id]:
            raise KbangError(N_("{username} là quản trị viên cuối cùng còn đăng nhập được: thêm hoặc mở lại một "
                                "quản trị viên khác trước."), username=user.username)

    @staticmethod
    def _require(repo, username: str) -> E.User:
        user = repo.first(E.User, username=username)
        if user is None:
            raise KbangError(N_("Không có người dùng {username}."), username=username)
        return user

    def authenticate(self, username: str, password: str, digests: dict[tuple, bytes] | None = None) -> Actor:
        """Check a password; lock the account for a while after repeated failures (`digests`: see
        `check_password`).

        Raises KbangError with a message that does not reveal whether the user exists.
        """
        wrong = KbangError(N_("Tên đăng nhập hoặc mật khẩu không đúng."))
        system = self.ctx.with_actor(Actor("system:login", "admin"))
        with system.write("login", minimum_role="viewer") as repo:
            user = repo.first(E.User, username=username)
            if user is None or not user.active:
                raise wrong
            now = utcnow()
            if user.locked_until and user.locked_until > now:
                minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
                raise KbangError(N_("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau {minutes} phút."),
                                 minutes=minutes)
            if not check_password(password, user.password_hash, digests):
                failed = user.failed_logins + 1
                locked = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_LOGINS else None
                repo.update(E.User, user.id, failed_logins=0 if locked else failed, locked_until=locked)
                failure = wrong
            else:
                if user.failed_logins or user.locked_until:
                    repo.update(E.User, user.id, failed_logins=0, locked_until=None)
                return Actor(f"user:{user.username}", user.role, user.id, user.display_name)
        raise failure
