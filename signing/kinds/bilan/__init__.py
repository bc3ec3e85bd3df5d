"""Bilan de parcours: a review of a contrat de parcours individualisé, held with the pupil, the
family and the référent, recorded and signed (issue 13 §3). It belongs to a completed contract
(its ``parcours_id``); once completed, its statuses, decision and outcome are the contract's
(`signing.follow_up.reviews`)."""

from __future__ import annotations

from types import MappingProxyType

from signing.data.signer_emails import distinct_emails
from signing.kinds.bilan import rules
from signing.kinds.bilan.contract import fits_contract, from_contract
from signing.kinds.bilan.summary import review_summary
from signing.kinds.bilan.texts import review_info
from signing.kinds.parcours.guardians import copy_offered, copy_only_when_alone
from signing.kinds.spec import KindSpec, ParentLink
from signing.vocabulary import Role

SPEC = KindSpec(
    name="bilan",
    package=__name__,
    new_article="Nouveau",
    short_title="bilan de parcours",
    rules=(
        distinct_emails(),
        rules.held_in_period,
        rules.held_before_issue,
        rules.early_end,
        rules.final_outcome,
        rules.distinct_objectives,
        rules.guardians_of_scheme,
        copy_only_when_alone,
    ),
    # The pupil and the référent, the guardians of a minor between them as in the contract; the
    # head signs last (the plan adds them): the decision commits the school, as the contract did.
    signing_order=(Role.PUPIL, Role.GUARDIAN, Role.REFERENT),
    printed_order=(Role.PUPIL, Role.GUARDIAN, Role.REFERENT, Role.HEAD),
    people=MappingProxyType({Role.PUPIL: "pupil", Role.REFERENT: "referent"}),
    role_labels=MappingProxyType({Role.REFERENT: "Le référent du parcours"}),
    info=review_info,
    summary=review_summary,
    form_sections=(
        ("Bilan", ("parcours_id", "scheme", "review_type", "review_date", "planned_date")),
        "attendees",
        "objectives",
        (
            "Décision",
            ("observations", "decision", "early_end_date", "outcome", "inform_guardians"),
        ),
    ),
    parent=ParentLink(
        parent="parcours",
        field="parcours_id",
        # Offered in the contract's follow-up (« Tenir un bilan »), once it is completed.
        offered_when=lambda contract: False,
        prefill=from_contract,
        parent_label="Contrat de parcours suivi",
        parent_noun="contrat de parcours",
        child_label="Bilan de ce contrat",
        offer_label="Tenir un bilan",
        offer_help=(
            "Le bilan reprend l'élève, ses représentants légaux, le référent et les objectifs "
            "du contrat ; une fois signé, ses appréciations et sa décision s'appliquent au "
            "contrat."
        ),
        fits=fits_contract,
        requires_followed=True,
        reviews_parent=True,
        from_query=("review_type", "planned_date"),
    ),
    # The pupil's choice of a copy for the guardians, as in the contract's amendments.
    offered=MappingProxyType({"inform_guardians": copy_offered}),
)
