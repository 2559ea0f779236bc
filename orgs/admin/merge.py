"""Merging two organizations from the admin: a preview of what would move and what would be dropped, then
the merge itself (`orgs.services.organizations_merge`) once the person confirms it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from orgs import services
from orgs.admin.backend import GraphQuerySet
from orgs.admin.base import SERVICE_ERRORS, relationship_sentence

MERGE_CHANGED_SINCE_OPENED = (
    "One of the two organizations was changed by someone else since you opened this preview; nothing was merged. "
    "The preview below shows them as they are now: check it, then confirm again."
)


def _merge_versions_opened(request: HttpRequest, uids: list[str]) -> dict[str, tuple[int]]:
    """Return {uid: (version,)} of the organizations as the merge preview showed them (none the page did not
    send: a uid left out is merged whatever its version)."""
    versions = {}
    for uid in uids:
        value = request.POST.get(f"opened_version_{uid}", "")
        if value.isascii() and value.isdigit():
            versions[uid] = (int(value),)
    return versions


@admin.action(permissions=["merge"], description="Merge the two selected organizations")
def merge_organizations(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: GraphQuerySet
) -> HttpResponse | None:
    """Show what merging two organizations would do; merge them once the admin confirms."""
    chosen = list(queryset)
    if len(chosen) != 2:
        model_admin.message_user(request, "Select exactly two organizations to merge.", messages.WARNING)
        return None
    uids = [node.uid for node in chosen]
    survivor = request.POST.get("survivor", "")
    if survivor not in uids:
        survivor = max(chosen, key=lambda node: (node.degree or 0, node.uid == uids[0])).uid
    loser = next(uid for uid in uids if uid != survivor)
    error_note = None
    try:
        if request.POST.get("confirm") == "yes":
            try:
                plan = services.organizations_merge(
                    survivor_uid=survivor,
                    loser_uid=loser,
                    actor=request.user,
                    expected_versions=_merge_versions_opened(request, uids),
                )
            except services.StaleVersion:
                error_note = MERGE_CHANGED_SINCE_OPENED  # the preview below shows them as they are now
            else:
                model_admin.message_user(
                    request,
                    f"Merged '{plan['loser']['name']}' into '{plan['survivor']['name']}': "
                    f"{len(plan['moved'])} relationship(s) moved, "
                    f"{len(plan['dropped'])} dropped as duplicates.",
                    messages.SUCCESS,
                )
                return None
        plan = services.organizations_merge_preview(survivor_uid=survivor, loser_uid=loser)
    except SERVICE_ERRORS as error:
        model_admin.message_user(request, f"Nothing was merged: {error}", messages.ERROR)
        return None
    context = {
        "error_note": error_note,
        "versions": [(uid, int(plan["survivor" if uid == survivor else "loser"].get("version") or 0)) for uid in uids],
        **model_admin.admin_site.each_context(request),
        "title": "Merge two organizations",
        "opts": model_admin.opts,
        "plan": plan,
        "uids": uids,
        "survivor": survivor,
        "loser": loser,
        "moved": [relationship_sentence(plan["survivor"]["name"], relationship) for relationship in plan["moved"]],
        "dropped": [
            (relationship_sentence(plan["loser"]["name"], relationship), relationship["reason"])
            for relationship in plan["dropped"]
        ],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/orgs/organization/merge_preview.html", context)
