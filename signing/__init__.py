"""Cosigne's signing core: plain values in, values or bytes out. No Flask, no environment reads."""
