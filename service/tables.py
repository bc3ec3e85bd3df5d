"""Every table, imported together: a relationship names its target class (``"Signer"``), which
SQLAlchemy finds only among the mapped classes it has seen, so `service.db` imports this module
before it opens any session. Each table is declared in its concern's ``models.py``."""

from service.accounts import models as accounts
from service.attempts import models as attempts
from service.documents import models as documents
from service.follow_up import models as follow_up
from service.follow_up import notice_models as follow_up_notices
from service.follow_up import visit_model as visits
from service.jobs import models as jobs
from service.mail import models as mail
from service.signers import models as signers

__all__ = [
    "accounts",
    "attempts",
    "documents",
    "follow_up",
    "follow_up_notices",
    "jobs",
    "mail",
    "signers",
    "visits",
]
