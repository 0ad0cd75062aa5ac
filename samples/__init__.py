"""Sample and fixture generator for kiemchung.

Builds a realistic, deterministic batch of evidence documents ("tài liệu kiểm chứng") the way
Vietnamese commune People's Committees submit them for the Administrative Reform Index (Chỉ số
CCHC): Decree 30/2020 PDFs and DOCX files, scans, digitally signed PDFs (person + organisation) from a
throwaway test PKI, tampered and broken files, and self-assessment tables.

Modules:

- :mod:`samples.pki`: throwaway test PKI (root, intermediate, signers, rogue and expired certificates).
- :mod:`samples.documents`: Decree 30 documents as PDF, DOCX and scanned PDF.
- :mod:`samples.scans`: paper pages saved as pictures (.jpg, .png, .tif), phone photos, event photos.
- :mod:`samples.legacy`: documents typed in the legacy encodings TCVN3 and VNI, as DOCX and PDF.
- :mod:`samples.signing`: offline pyHanko signing at a chosen time, and tampered copies.
- :mod:`samples.broken`: broken and odd files (empty, truncated, encrypted, misnamed, OS junk).
- :mod:`samples.self_assessment`: the unit's self-assessment table as XLSX, DOCX and CSV.
- :mod:`samples.catalog`: the sample units and the evidence document templates (subjects, bodies).
- :mod:`samples.plans`: the special cases, their expected rules, and how a batch is planned.
- :mod:`samples.generate`: ``python -m samples.generate`` writes the batch and its manifest.

No private key is ever written into the batch; the test root certificate (public) is written to
``samples/trust/test-root.pem`` for ``kiemchung --trust-root``.
"""
