#!/usr/bin/env python3
"""Writes tests/fixtures/audit/: the identity-provider metadata the `saml-audit` rules are tested on,
with real X.509 certificates whose validity windows straddle the instant the tests judge at (AT).

Two kinds of file:
  idp-*.xml       what the identity provider publishes now (the audit's --metadata);
  provider-*.xml  what an IAM SAML provider holds (GetSAMLProvider's SAMLMetadataDocument).

Certificates (RSA 2048, self-signed, SHA-256), relative to AT = 2026-06-01T00:00:00Z:
  old       2023-01-01 .. 2026-03-01   expired before AT
  current   2025-01-01 .. 2028-01-01   valid; the IdP's current certificate
  next      2026-05-20 .. 2029-05-20   valid, newer: the IdP's next certificate (rollover)
  expiring  2024-01-01 .. 2026-06-15   valid, but expires within 30 days of AT
  stranger  2025-01-01 .. 2028-01-01   another IdP's certificate

Keys are thrown away: only certificates are needed, so a new run writes new certificates (the
tests read every value they assert from the files). Needs the `cryptography` package.
Run from the repository root:
    python3 scripts/make-audit-fixtures.py
"""
import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

OUT = "tests/fixtures/audit"
ENTITY = "https://sts.windows.net/0a1b2c3d-1111-2222-3333-444455556666/"
OLD_ENTITY = "https://sts.windows.net/99999999-aaaa-bbbb-cccc-ddddeeeeffff/"
OKTA_ENTITY = "http://www.okta.com/exk1stranger"


def utc(y, m, d):
    return datetime.datetime(y, m, d, tzinfo=datetime.timezone.utc)


CERTS = {
    "old": ("Contoso IdP signing (2023)", utc(2023, 1, 1), utc(2026, 3, 1)),
    "current": ("Contoso IdP signing (2025)", utc(2025, 1, 1), utc(2028, 1, 1)),
    "next": ("Contoso IdP signing (2026)", utc(2026, 5, 20), utc(2029, 5, 20)),
    "expiring": ("Contoso IdP signing (expiring)", utc(2024, 1, 1), utc(2026, 6, 15)),
    "stranger": ("Okta stranger", utc(2025, 1, 1), utc(2028, 1, 1)),
}


def make_cert(cn, not_before, not_after):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before)
            .not_valid_after(not_after).sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return "".join(pem.split("-----")[2].split())


def metadata(entity_id, certs, valid_until=None):
    keys = "".join(
        '<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>'
        f"<X509Certificate>{c}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>" for c in certs)
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<EntityDescriptor ID="_md" entityID="{entity_id}"{until} '
            'xmlns="urn:oasis:names:tc:SAML:2.0:metadata">'
            f'<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}'
            '<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            'Location="https://login.microsoftonline.com/0a1b2c3d-1111-2222-3333-444455556666/saml2"/>'
            "</IDPSSODescriptor></EntityDescriptor>\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    c = {name: make_cert(*spec) for name, spec in CERTS.items()}
    files = {
        # What the identity provider publishes.
        "idp-current.xml": metadata(ENTITY, [c["current"]]),
        "idp-rollover.xml": metadata(ENTITY, [c["current"], c["next"]]),
        # What IAM SAML providers hold.
        "provider-current.xml": metadata(ENTITY, [c["current"]]),
        "provider-two.xml": metadata(ENTITY, [c["current"], c["next"]]),
        "provider-old.xml": metadata(ENTITY, [c["old"]]),
        "provider-expired.xml": metadata(ENTITY, [c["current"]], valid_until="2026-04-01T00:00:00Z"),
        "provider-expiring.xml": metadata(ENTITY, [c["current"], c["expiring"]]),
        "provider-other-entity.xml": metadata(OLD_ENTITY, [c["current"], c["next"]]),
        "provider-okta.xml": metadata(OKTA_ENTITY, [c["stranger"]]),
    }
    for name, text in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            f.write(text)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
