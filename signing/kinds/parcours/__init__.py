"""Contrat de parcours individualisé: a pupil at risk of dropping out, the family and the head
agree on objectives and deadlines, followed by a référent (domain README §2)."""

from __future__ import annotations

from types import MappingProxyType

from signing.data.signer_emails import distinct_emails
from signing.kinds.parcours.guardians import (
    both_guardians_agree,
    copy_offered,
    copy_only_when_alone,
)
from signing.kinds.parcours.rules import pafi_limits, parcours_dates
from signing.kinds.parcours.summary import parcours_summary
from signing.kinds.parcours.texts import parcours_info
from signing.kinds.spec import KindSpec
from signing.vocabulary import Role

SPEC = KindSpec(
    name="parcours",
    package=__name__,
    new_article="Nouveau",
    short_title="contrat de parcours",
    rules=(
        distinct_emails(),
        parcours_dates,
        pafi_limits,
        both_guardians_agree,
        copy_only_when_alone,
    ),
    signing_order=(Role.PUPIL, Role.GUARDIAN, Role.REFERENT),
    printed_order=(Role.PUPIL, Role.GUARDIAN, Role.REFERENT, Role.HEAD),
    people=MappingProxyType({Role.PUPIL: "pupil", Role.REFERENT: "referent"}),
    role_labels=MappingProxyType({Role.REFERENT: "Le référent du parcours"}),
    mentions=MappingProxyType({Role.REFERENT: "Pour prise de connaissance"}),
    info=parcours_info,
    summary=parcours_summary,
    followed=True,
    form_sections=(
        ("Dispositif", ("scheme", "reasons")),
        "objectives",
        (
            "Période et organisation",
            ("start_date", "end_date", "schedule", "includes_internship"),
        ),
        ("Bilans", ("reviews", "final_review")),
        "commitments",
        ("Copie aux représentants légaux", ("inform_guardians",)),
    ),
    offered=MappingProxyType({"inform_guardians": copy_offered}),
)
