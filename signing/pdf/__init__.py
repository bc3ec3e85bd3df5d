"""The PDF pipeline, one stage per module, in the order a document goes through them:

1. `render`: a kind's DOCX template filled with a document's data (bytes of a DOCX);
2. `convert`: DOCX → PDF on a warm LibreOffice (the frozen PDF every signer sees);
3. `stamp`: each signature placed at its anchor in the frozen PDF;
4. `certificate`: the « Certificat de signature » pages appended;
5. `seal`: the school's PAdES seal, the last write;
6. `archive`: the write-once, content-addressed store of final PDFs;
7. `verify`: what an uploaded PDF proves about itself.

Each stage takes bytes and gives bytes (or a report), and is tested alone. `pipeline` chains the
first two after validation; `increment` (incremental PDF updates), `fonts` and `analysis`
(isolated worker processes for untrusted files) serve the stages.
"""
