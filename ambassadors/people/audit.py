"""The audit trail: one row per sensitive act, written in the same transaction as the act."""

from ambassadors.models import AuditEvent


def audit_record(*, actor, verb: str, target: str = "", details: dict | None = None) -> AuditEvent:
    """Record that ``actor`` did ``verb`` (an AuditEvent.Verb) on ``target``."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        verb=verb,
        target=str(target)[:300],
        details=details or {},
    )
