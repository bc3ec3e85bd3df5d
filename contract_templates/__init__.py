"""The documents' templates and field schemas, shipped as package data.

``<kind>/fields.toml`` declares the fields of a kind, ``<kind>/template.docx`` is the docxtpl
template ``signing.render`` fills (written by ``build_templates.py``; see README.md).
"""
