"""What RoleBindings and ClusterRoleBindings share: defaults, strategy and their printer
(upstream pkg/apis/rbac/v1/defaults.go, printers.go printRoleBinding, rbac.SubjectsStrings)."""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import validation


class BindingStrategy(Strategy):
    allow_create_on_update = True

    def __init__(self, namespaced: bool, kinds: tuple[str, ...]):
        self.namespaced = namespaced
        self.kinds = kinds

    def default(self, obj: Object) -> None:
        validation.default_role_ref(obj)
        validation.default_subjects(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validation.validate_binding(obj, self.namespaced, self.kinds)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        # validated twice as upstream (strategy, then ValidateRoleBindingUpdate)
        return validation.validate_binding(obj, self.namespaced, self.kinds) + validation.validate_binding_update(
            obj, old, self.namespaced, self.kinds)


def subjects_strings(subjects: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """Users, groups, service accounts (`namespace/name`) and anything else (`kind/namespace/name`)."""
    users: list[str] = []
    groups: list[str] = []
    sas: list[str] = []
    others: list[str] = []
    for subject in subjects if isinstance(subjects, list) else []:
        kind, name, ns = subject.get("kind") or "", subject.get("name") or "", subject.get("namespace") or ""
        if kind == validation.SERVICE_ACCOUNT_KIND:
            sas.append(f"{ns}/{name}")
        elif kind == validation.USER_KIND:
            users.append(name)
        elif kind == validation.GROUP_KIND:
            groups.append(name)
        else:
            others.append(f"{kind}/{ns}/{name}")
    return users, groups, sas, others


def _row(obj: Object) -> list[object]:
    ref = obj.get("roleRef") or {}
    users, groups, sas, _ = subjects_strings(obj.get("subjects"))
    return [name_of(obj), f"{ref.get('kind', '')}/{ref.get('name', '')}", age(obj),
            ", ".join(users), ", ".join(groups), ", ".join(sas)]


def binding_printer(role_ref_description: str) -> Printer:
    return Printer((
        NAME_COLUMN,
        Column("Role", "string", "", role_ref_description),
        AGE_COLUMN,
        Column("Users", "string", "", "Users in the roleBinding", 1),
        Column("Groups", "string", "", "Groups in the roleBinding", 1),
        Column("ServiceAccounts", "string", "", "ServiceAccounts in the roleBinding", 1),
    ), _row)
