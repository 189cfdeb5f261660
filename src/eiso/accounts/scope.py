"""The one place that decides what a user may see: `scope_for(user)`.

A user sees
- everything, as a superuser or while holding the administrator role;
- for each active membership: its agency, and its whole subtree when the membership includes
  sub-units;
- for each active membership with an oversight role (oversight officer, inspector): every subtree
  granted to that membership's agency by an active oversight scope.

Every scoped queryset's `visible_to(user)` turns this into one filter on `Agency.path`
(a prefix match per subtree), which is an index range scan on both SQLite and PostgreSQL.
The result is cached on the user object for the length of a request.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from eiso.accounts import roles


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    subtree_paths: frozenset[str] = field(default_factory=frozenset)
    agency_ids: frozenset[int] = field(default_factory=frozenset)
    # Same as above, restricted to memberships whose role may write (not inspector or viewer).
    writable_subtree_paths: frozenset[str] = field(default_factory=frozenset)
    writable_agency_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.everything or self.subtree_paths or self.agency_ids)

    def agency_q(self, prefix: str = "", writable: bool = False) -> Q:
        """A filter on an Agency (or a relation to one, via `prefix`, e.g. "agency__")."""
        if self.everything:
            return Q()
        paths = self.writable_subtree_paths if writable else self.subtree_paths
        ids = self.writable_agency_ids if writable else self.agency_ids
        q = Q(**{f"{prefix}pk__in": list(ids)}) if ids else Q(pk__in=[])
        for path in _outermost(paths):
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def contains(self, agency, writable: bool = False) -> bool:
        if self.everything:
            return True
        paths = self.writable_subtree_paths if writable else self.subtree_paths
        ids = self.writable_agency_ids if writable else self.agency_ids
        return agency.pk in ids or any(agency.path.startswith(p) for p in paths)


def _outermost(paths: frozenset[str]) -> list[str]:
    """Drop paths already covered by an ancestor path, so the SQL has fewer OR branches."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_for(user, on: datetime.date | None = None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache_key = on or "today"
    cached = getattr(user, "_eiso_scope", None)
    if cached and cached[0] == cache_key:
        return cached[1]
    scope = _compute(user, on or datetime.date.today())
    user._eiso_scope = (cache_key, scope)
    return scope


def _compute(user, day: datetime.date) -> Scope:
    from eiso.accounts.models import Membership
    from eiso.organizations.models import OversightScope

    memberships = list(
        Membership.objects.active_on(day)
        .filter(user=user)
        .select_related("role", "agency")
        .only("include_descendants", "role__code", "role__read_only", "agency__path", "agency_id")
    )
    if any(m.role.code == roles.ADMIN for m in memberships):
        return EVERYTHING
    paths: set[str] = set()
    ids: set[int] = set()
    w_paths: set[str] = set()
    w_ids: set[int] = set()
    oversight_agencies: set[int] = set()
    writable_oversight: set[int] = set()
    for m in memberships:
        writable = not m.role.read_only
        (paths if m.include_descendants else ids).add(m.agency.path if m.include_descendants else m.agency_id)
        if writable:
            (w_paths if m.include_descendants else w_ids).add(
                m.agency.path if m.include_descendants else m.agency_id
            )
        if m.role.code in roles.OVERSIGHT_ROLES:
            oversight_agencies.add(m.agency_id)
            if writable:
                writable_oversight.add(m.agency_id)
    if oversight_agencies:
        for overseer_id, root_path in (
            OversightScope.objects.active_on(day)
            .filter(overseer_id__in=oversight_agencies)
            .values_list("overseer_id", "root__path")
        ):
            paths.add(root_path)
            if overseer_id in writable_oversight:
                w_paths.add(root_path)
    return Scope(
        subtree_paths=frozenset(paths),
        agency_ids=frozenset(ids),
        writable_subtree_paths=frozenset(w_paths),
        writable_agency_ids=frozenset(w_ids),
    )


def forget_scope(user) -> None:
    """Call after changing a user's memberships within the same request.

    Drops every cache kept on the user object: the scope, and the memberships and oversight roots that
    the permission predicates in `eiso.accounts.rules` read (else a grant would show in lists but not
    in rights).
    """
    for attribute in ("_eiso_scope", "_eiso_memberships", "_eiso_oversight_roots"):
        if hasattr(user, attribute):
            delattr(user, attribute)
