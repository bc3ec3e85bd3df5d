"""A third document kind, the review (bilan de parcours, kind « bilan »): the check on
documents.kind."""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_BEFORE = "kind IN ('parcours', 'convention')"
_AFTER = "kind IN ('parcours', 'convention', 'bilan')"


def _check(condition: str) -> None:
    # On SQLite the table is copied: `migrations.upgrade` holds its foreign keys meanwhile.
    with op.batch_alter_table("documents") as batch:
        batch.drop_constraint("kind", type_="check")
        batch.create_check_constraint("kind", condition)


def upgrade() -> None:
    _check(_AFTER)


def downgrade() -> None:
    _check(_BEFORE)
