"""Accounts for staff and board: creation, passwords (argon2id), authentication."""

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from .extensions import db
from .models import Role, User

#: argon2id with RFC 9106's low-memory profile: m=64 MiB, t=3, p=4, 16-byte salt, 32-byte hash.
#: OWASP's Password Storage Cheat Sheet asks for argon2id with at least m=19 MiB, t=2, p=1;
#: this is above it on every parameter (about 0.2 s per hash on a 2-core server). Named here so
#: a library upgrade cannot change it silently; when it is changed here, each stored hash is
#: upgraded at its user's next login (``check_needs_rehash`` in ``authenticate``).
ARGON2_PARAMETERS = profiles.RFC_9106_LOW_MEMORY
_hasher = PasswordHasher.from_parameters(ARGON2_PARAMETERS)
_DUMMY_HASH = _hasher.hash("timing-equaliser")
MIN_PASSWORD_LENGTH = 12


class UserExists(Exception):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    email: str, password: str, role: Role, name: str = "", *, temporary: bool = False
) -> User:
    """Add an active user; the password is stored only as an argon2id hash. A ``temporary``
    one (chosen by someone else) must be replaced at the user's first login."""
    if get_user_by_email(email):
        raise UserExists(email)
    user = User(
        email=normalise_email(email),
        name=name,
        role=role,
        active=True,
        must_change_password=temporary,
    )
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = _hasher.hash(password)


def issue_temporary_password(user: User) -> str:
    """A new generated password for an admin to hand over once; to be replaced at login."""
    password = generate_password()
    set_password(user, password)
    user.must_change_password = True
    return password


def change_own_password(user: User, password: str) -> None:
    set_password(user, password)
    user.must_change_password = False


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the same work either way."""
    user = get_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def generate_password() -> str:
    """A temporary password to hand over once: 4 groups of 5 from an unambiguous alphabet."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def all_users() -> list[User]:
    return db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
