"""Demo data for the course's live blocks: each demo organisation's communications contact,
official accounts and hashtags. Every address is a placeholder on example domains or clearly
marked "demo": nothing here describes a real Dianova account.
"""

from ambassadors.models import OfficialAccount, Organisation, Platform

HASHTAGS = "#DianovaDemo #Prevention"


def load_contacts(organisations: dict[str, Organisation]) -> None:
    """Fill in what is still empty; an admin's edits are kept (idempotent)."""
    platforms = {p.slug: p for p in Platform.objects.filter(slug__in=["facebook", "linkedin"])}
    for slug, organisation in organisations.items():
        if not organisation.has_communications_contact:
            organisation.communications_contact_name = f"Communications team, {organisation.name}"
            organisation.communications_contact_email = f"communication@{slug}.example"
            organisation.communications_contact_phone = "+00 000 000 000"
            organisation.communications_out_of_hours = "+00 000 000 001 (demo on-call number)"
        if not organisation.hashtags:
            organisation.hashtags = HASHTAGS
        organisation.save()
        accounts = [(None, f"https://www.{slug}.example/", "")]
        if "facebook" in platforms:
            accounts.append(
                (platforms["facebook"], f"https://www.facebook.com/{slug}-demo", f"@{slug}-demo")
            )
        if "linkedin" in platforms:
            accounts.append(
                (
                    platforms["linkedin"],
                    f"https://www.linkedin.com/company/{slug}-demo",
                    f"{organisation.name} (demo)",
                )
            )
        for order, (platform, url, handle) in enumerate(accounts):
            OfficialAccount.objects.get_or_create(
                organisation=organisation,
                url=url,
                defaults={"platform": platform, "handle": handle, "order": order},
            )
