"""What a practitioner may see of their service: their own leave, requests and
callouts, and of colleagues nothing of why they are away (leave kinds, sickness
above all, are personal and for the lead, manager and admin only)."""

from __future__ import annotations

from amhp.service.model import CALLOUT_REASON, LEAVE_LABELS, ServiceDefinition

PERSONAL_SECTIONS = ("leave", "requests", "callouts")
# What a colleague is told instead of the reason.
UNAVAILABLE = "unavailable"


def definition_for(definition: ServiceDefinition, person: str | None) -> ServiceDefinition:
    """The service with only ``person``'s own leave, requests and callouts."""
    return definition.model_copy(
        update={
            section: [item for item in getattr(definition, section) if item.person == person]
            for section in PERSONAL_SECTIONS
        }
    )


def is_personal(reason: str) -> bool:
    """Whether an explanation of someone's absence says why (a leave kind, a callout)."""
    return reason in LEAVE_LABELS.values() or reason.startswith(CALLOUT_REASON.split("{", 1)[0])
