"""Signers: their table, the use cases of a signer through their link (open, sign, decline) and of
the staff (remind, sign as head), and the signer's pages."""
