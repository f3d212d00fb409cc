"""Writes for users, role grants, logins and API tokens.

`actor=None` means the system itself (seed data, management commands): it passes every
permission check. Everyone else is checked against `accounts.permissions`.
"""

import datetime as dt
import functools
import hashlib
import ipaddress
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.http import HttpRequest

from storeos.accounts.models import ApiToken, LoginAttempt, Role, RoleGrant, User
from storeos.accounts.permissions import (
    Perm,
    forget_grants,
    require,
    require_unless_system,
    store_ids_with,
)
from storeos.core import clock, pii
from storeos.core.audit import audit_record
from storeos.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    ValidationFailed,
)
from storeos.stores.models import Store

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

TOKEN_PREFIX = "sos_"
TOKEN_MAX_DAYS = 3650
# A token used continuously would otherwise cost one UPDATE per API request.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


# --- Users ---------------------------------------------------------------------------------------


def _clean_username(username: str) -> str:
    username = User.normalize_username((username or "").strip())
    try:
        User._meta.get_field("username").clean(username, None)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "This username is not valid.",
            code="username_invalid",
            details={"errors": list(exc.messages)},
        ) from exc
    return username


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User:
    """Create an active staff account with no roles; grant roles with `role_grant`."""
    require_unless_system(actor, Perm.USERS_MANAGE)
    username = _clean_username(username)
    email = User.objects.normalize_email(email.strip())
    if email:
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                "This email address is not valid.", code="email_invalid"
            ) from exc
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "This password is too weak.",
            code="password_invalid",
            details={"errors": list(exc.messages)},
        ) from exc
    user.set_password(password)
    if phone:
        _set_phone(user, phone)
    taken = Conflict("This username is already taken.", code="username_taken")
    if User.objects.filter(username=username).exists():
        raise taken
    try:
        with transaction.atomic():
            user.save()
            audit_record(
                actor=actor,
                action="user.create",
                obj=user,
                after={"username": user.username, "email": user.email},
            )
    except IntegrityError as exc:  # a concurrent create of the same name won the race
        raise taken from exc
    return user


def _set_phone(user: User, phone: str) -> None:
    digits = pii.normalize_phone(phone)
    if len(digits) < 7:
        raise ValidationFailed("This phone number is not valid.", code="phone_invalid")
    user.phone = digits
    user.phone_index = pii.blind_index(digits)


def user_access_update(
    *,
    actor: User | None,
    user: User,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Switch a user's account flags; a permission change, so audited.

    Making someone a superuser gives them everything, so only a superuser may do it.
    """
    require_unless_system(actor, Perm.USERS_MANAGE)
    wanted = {"is_active": is_active, "is_staff": is_staff, "is_superuser": is_superuser}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    before = {name: getattr(user, name) for name in wanted}
    changed = {name: value for name, value in wanted.items() if before[name] != value}
    if not changed:
        return user
    if "is_superuser" in changed and actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only a superuser may change who is a superuser.")
    with transaction.atomic():
        if changed.get("is_active") is False or changed.get("is_superuser") is False:
            _keep_an_admin(losing=user)
        for name, value in changed.items():
            setattr(user, name, value)
        user.save(update_fields=list(changed))
        audit_record(
            actor=actor,
            action="user.access_change",
            obj=user,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return user


# --- Role grants ---------------------------------------------------------------------------------


def _keep_an_admin(*, losing: User) -> None:
    """Refuse a change that would leave the chain with nobody able to manage users: `losing` is
    about to stop being an admin (grant revoked, deactivated or no longer a superuser).

    The chain-wide admin grants are locked first, so two admins revoking each other at the same
    moment cannot both succeed."""
    grants = RoleGrant.objects.select_for_update().filter(
        role=Role.ADMIN, store__isnull=True, user__is_active=True
    )
    admins = set(grants.values_list("user_id", flat=True))
    admins |= set(
        User.objects.filter(is_active=True, is_superuser=True).values_list("pk", flat=True)
    )
    if admins and admins <= {losing.pk}:
        raise Conflict(
            "This is the last administrator: make someone else an administrator first.",
            code="last_admin",
            details={"user": losing.username},
        )


def _grant_state(role: str, store: Store | None) -> dict:
    return {"role": role, "store_id": store.pk if store else None}


def role_grant(
    *, actor: User | None, user: User, role: str, store: Store | None = None
) -> RoleGrant:
    """Give `user` a role in `store` (every store when None). Granting a held role is a no-op."""
    require_unless_system(actor, Perm.USERS_MANAGE)
    if role not in Role.values:
        raise ValidationFailed(
            "Unknown role.", code="role_unknown", details={"role": role, "known": Role.values}
        )
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, store=store)
        if created:
            audit_record(
                actor=actor,
                action="role.grant",
                obj=user,
                store_id=store.pk if store else None,
                after=_grant_state(role, store),
            )
    forget_grants(user)
    return grant


def role_revoke(*, actor: User | None, user: User, role: str, store: Store | None = None) -> None:
    """Take a role away from `user` in `store` (the chain-wide grant when None)."""
    require_unless_system(actor, Perm.USERS_MANAGE)
    with transaction.atomic():
        if role == Role.ADMIN and store is None:
            _keep_an_admin(losing=user)
        deleted, _ = RoleGrant.objects.filter(user=user, role=role, store=store).delete()
        if not deleted:
            raise NotFound(
                "This user does not hold that role there.",
                code="role_grant_not_found",
                details=_grant_state(role, store),
            )
        audit_record(
            actor=actor,
            action="role.revoke",
            obj=user,
            store_id=store.pk if store else None,
            before=_grant_state(role, store),
        )
    forget_grants(user)


# --- Logins --------------------------------------------------------------------------------------


def _throttle_name(username: str) -> str:
    # Case-folded so "Alice" and "alice" share one budget of guesses.
    return (username or "").strip().casefold()[:150]


def login_check_allowed(*, username: str, ip: str) -> None:
    """Refuse before checking the password once the username or the address failed too often."""
    limit = settings.STOREOS_LOGIN_MAX_FAILURES
    window = dt.timedelta(seconds=settings.STOREOS_LOGIN_WINDOW_SECONDS)
    now = clock.now()
    name = _throttle_name(username)
    recent = LoginAttempt.objects.filter(at__gte=now - window)
    by_name = Q(username=name)
    # Callers with no address (a management command) must not share one budget of failures.
    by_ip = Q(ip_address=ip) if ip else Q(pk__in=[])
    counts = recent.filter(by_name | by_ip).aggregate(
        name_failures=Count("id", filter=by_name),
        ip_failures=Count("id", filter=by_ip),
        name_oldest=Min("at", filter=by_name),
        ip_oldest=Min("at", filter=by_ip),
    )
    blocked_since = [
        counts[f"{key}_oldest"] for key in ("name", "ip") if counts[f"{key}_failures"] >= limit
    ]
    if blocked_since:
        retry_after = max(1, int((min(blocked_since) + window - now).total_seconds()))
        raise TooManyRequests(
            "Too many failed logins. Wait a few minutes and try again.",
            code="login_throttled",
            details={"retry_after_seconds": retry_after},
        )


def login_failed(*, username: str, ip: str) -> None:
    """Count a failed login. Commits on its own: the refusal that follows must not undo it."""
    LoginAttempt.objects.create(
        username=_throttle_name(username), ip_address=(ip or "")[:45], at=clock.now()
    )


def login_succeeded(*, username: str) -> None:
    LoginAttempt.objects.filter(username=_throttle_name(username)).delete()


def login_attempts_purge() -> int:
    """Drop failures older than the throttle window: they no longer count for anything."""
    cutoff = clock.now() - dt.timedelta(seconds=settings.STOREOS_LOGIN_WINDOW_SECONDS)
    deleted, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    return deleted


@functools.lru_cache(maxsize=8)
def _proxy_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: the peer, or, when the peer is one of STOREOS_TRUSTED_PROXIES, the
    nearest X-Forwarded-For hop that is not one of our proxies. Hops further left were written
    by the client itself and could be forged, so they are never believed."""
    if request is None:
        return ""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    networks = _proxy_networks(tuple(settings.STOREOS_TRUSTED_PROXIES))
    if not networks or not _is_trusted_proxy(peer, networks):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop, networks):
            return hop[:45]
    # Every hop was one of our proxies (a health check from inside): the first one sent it.
    return hops[0][:45] if hops else peer


def authenticate_user(*, request: HttpRequest | None, username: str, password: str) -> User:
    """Check a username and password, throttled; the one login path for the UI and the API.

    Call outside any transaction: a failed attempt must be recorded even though this raises.
    """
    ip = client_ip(request)
    login_check_allowed(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failed(username=username, ip=ip)
        raise NotAuthenticated("Wrong username or password.", code="invalid_credentials")
    login_succeeded(username=username)
    return user


# --- API tokens ----------------------------------------------------------------------------------


def _hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def _may_hold_tokens(user: User) -> bool:
    return user.is_superuser or store_ids_with(user, Perm.TOKENS_MANAGE) != set()


def api_token_issue(
    *, actor: User | None, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`; returns the token row and the secret, shown only once.

    People issue tokens for themselves when a role lets them use integrations; issuing one for
    someone else is user management.
    """
    if actor is not None:
        if actor.pk == user.pk:
            if not _may_hold_tokens(actor):
                raise PermissionDenied("Your roles do not allow API tokens.")
        else:
            require(actor, Perm.USERS_MANAGE)
    if not user.is_active:
        raise ValidationFailed("This user is deactivated.", code="user_inactive")
    name = (name or "").strip()
    if not name or len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationFailed(
            "Give the token a name of 1 to 100 characters.", code="token_name_invalid"
        )
    days = settings.STOREOS_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationFailed(
            f"A token lives between 1 and {TOKEN_MAX_DAYS} days.",
            code="token_days_invalid",
            details={"days": days},
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:12],
            token_hash=_hash_token(raw),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action="api_token.issue",
            obj=token,
            after={"user": user.username, "name": name, "prefix": token.prefix, "days": days},
        )
    return token, raw


def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Stop a token working from now on. Revoking a revoked token changes nothing."""
    if actor is not None and actor.pk != token.user_id:
        require(actor, Perm.USERS_MANAGE)
    now = clock.now()
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if revoked:
            audit_record(
                actor=actor,
                action="api_token.revoke",
                obj=token,
                before={"revoked_at": None},
                after={"revoked_at": now},
            )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw_token: str) -> User | None:
    """The active user behind a bearer token, or None if it is unknown, revoked or expired."""
    if not raw_token or not raw_token.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(raw_token), revoked_at__isnull=True)
        .first()
    )
    now = clock.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_INTERVAL)
        ).update(last_used_at=now)
    return token.user
