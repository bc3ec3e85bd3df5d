"""The table of signers: one row per party who must sign one document."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.orm import Base, EnumText, one_of
from signing.data.parties import channel_of
from signing.kinds.info import party_label, without_article
from signing.vocabulary import Role, SignerState, SigningChannel

if TYPE_CHECKING:
    from service.documents.models import Document


class Signer(Base):
    """One party who must sign one document, with every step of theirs for the audit trail.
    `link_nonce` is compared with the nonce in the signing link: a new value kills old links."""

    __tablename__ = "signers"
    __table_args__ = (
        CheckConstraint(one_of("role", Role), name="role"),
        CheckConstraint(one_of("state", SignerState), name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[Role] = mapped_column(EnumText(Role, 32))
    position: Mapped[int]
    guardian_index: Mapped[int | None]
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    """The language of this signer's pages and mails, chosen by the staff (`signing.i18n`)."""
    state: Mapped[SignerState] = mapped_column(
        EnumText(SignerState, 20), default=SignerState.WAITING
    )
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    sign_ip: Mapped[str | None] = mapped_column(String(45))
    sign_user_agent: Mapped[str | None] = mapped_column(Text)
    signed_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    consent_text: Mapped[str | None] = mapped_column(Text)
    typed_name: Mapped[str | None] = mapped_column(String(250))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    paper_scan: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """A paper signature's scan, rebuilt (`signing.paper.scan.annex_pdf`): the annex of the final
    PDF; its SHA-256 is in the ``signed`` event. Loaded only when asked for."""
    reminder_count: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship(back_populates="signers")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def signs_by(self) -> SigningChannel:
        """How this signer signs, as the document's frozen data says (`channel_of`). A copy
        read for a link's page (`service.signers.links.read_link`) holds no document: only a
        signer by link is ever mailed a link."""
        document = self.document
        if document is None:
            return SigningChannel.LINK
        return channel_of(document.data, self.role, self.guardian_index)

    @property
    def role_label(self) -> str:
        """« La représentante légale » for a mother, « L'enseignant référent »…, as the
        document's signature block says (`signing.kinds.info.party_label`)."""
        document = self.document
        return party_label(document.kind.spec, self.role, self.guardian_index, document.data)

    @property
    def role_noun(self) -> str:
        """The label without its article: « représentante légale »."""
        return without_article(self.role_label)


class SigningCode(Base):
    """A one-time code mailed to a signer before they sign (`signing.codes`): only its HMAC
    is kept. The latest row of a signer is their code; sending another makes the older dead."""

    __tablename__ = "signing_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("signers.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
