#!/usr/bin/env python3
"""Writes the CloudTrail fixtures of `saml-doctor trail` (crates/trail):

- examples/cloudtrail/: an organization trail's folder (AWSLogs/o-ORG/ACCOUNT/CloudTrail/REGION/
  YYYY/MM/DD/*.json.gz) over three accounts, two regions and four days, plus one account trail
  that delivered some of the same events again (duplicates by eventID), a digest folder, and a
  damaged .gz. It holds each STS failure of the issue's table, an unknown message, a Connect
  refusal after a successful AssumeRoleWithSAML (UserNotFoundException and AccessDenied), users who
  recovered, IAM Identity Center external-IdP failures and a successful sign-in, among ordinary
  API calls.
- crates/trail/testdata/: lookup-events.json (the output shape of `aws cloudtrail lookup-events`),
  trail-log.json (one plain log file built on the IAM guide's AssumeRoleWithSAML sample) and
  not-cloudtrail.json.

Event shapes follow AWS's documentation: the IAM user guide's AssumeRoleWithSAML sample
(userIdentity SAMLUser, requestParameters, responseElements with assumedRoleUser), CloudTrail's
userIdentity reference, IAM Identity Center's sign-in events (UserAuthentication with
CredentialType EXTERNAL_IDP, serviceEventDetails). Failed events lack responseElements and, as
STS could not trust the assertion, often requestParameters or the userName. Deterministic: gzip
without a timestamp, fixed ids. Run from anywhere; rewrites the files in place.
"""

import gzip
import io
import json
import os
import uuid

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
ORG = "o-a1b2c3d4e5"
CONNECT = "111122223333"   # Amazon Connect contact centre
CONSOLE = "444455556666"   # console federation (Shibboleth, as in AWS's sample)
IDC = "999988887777"       # IAM Identity Center's management account
AGENT_ROLE = f"arn:aws:iam::{CONNECT}:role/Connect-Agents"
AGENT_IDP = f"arn:aws:iam::{CONNECT}:saml-provider/AzureAD"
ADMIN_ROLE = f"arn:aws:iam::{CONSOLE}:role/SAMLTestRoleShibboleth"
ADMIN_IDP = f"arn:aws:iam::{CONSOLE}:saml-provider/Shibboleth"
STORE = "arn:aws:identitystore::999988887777:identitystore/d-9067230c03"

counter = [0]


def event_id():
    counter[0] += 1
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"saml-doctor-trail-{counter[0]}"))


def arws(time, region, account, role, idp, name_id, session, error=None, shape="full"):
    """AssumeRoleWithSAML: the IAM guide's sample, or a failure of one of the shapes seen."""
    ident = {"type": "SAMLUser", "principalId": f"SampleQualifierExample=:{name_id}",
             "userName": name_id, "identityProvider": "SampleQualifierExample="}
    params = {"sAMLAssertionID": f"_{event_id()[:8]}", "roleSessionName": session,
              "roleArn": role, "principalArn": idp, "durationSeconds": 3600}
    record = {
        "eventVersion": "1.08", "userIdentity": ident, "eventTime": time,
        "eventSource": "sts.amazonaws.com", "eventName": "AssumeRoleWithSAML",
        "awsRegion": region, "sourceIPAddress": "203.0.113.24",
        "userAgent": "aws-internal/3 aws-sdk-java/1.12.479",
        "requestParameters": params, "responseElements": None,
        "requestID": event_id(), "eventID": event_id(), "readOnly": True,
        "resources": [{"accountId": account, "type": "AWS::IAM::Role", "ARN": role},
                      {"accountId": account, "type": "AWS::IAM::SAMLProvider", "ARN": idp}],
        "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": account, "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.2", "cipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
                       "clientProvidedHostHeader": "signin.aws.amazon.com"},
    }
    if error is None:
        role_name = role.rsplit("/", 1)[1]
        record["responseElements"] = {
            "credentials": {"accessKeyId": "ASIAIOSFODNN7EXAMPLE",
                            "sessionToken": "<encoded session token blob>",
                            "expiration": "May 6, 2024, 7:00:58 PM"},
            "assumedRoleUser": {"assumedRoleId": f"AROAD35QRSTUVWEXAMPLE:{session}",
                                "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}"},
            "packedPolicySize": 1, "subject": name_id, "subjectType": "persistent",
            "issuer": "https://sts.windows.net/7c1f5e2a-3b4d-4e6f-8a9b-0c1d2e3f4a5b/",
            "audience": "https://signin.aws.amazon.com/saml",
            "nameQualifier": "SampleQualifierExample="}
    else:
        record["errorCode"], record["errorMessage"] = error
        if shape == "no-request":
            record["requestParameters"] = None
        elif shape == "no-name":
            del ident["userName"]
            ident["principalId"] = "SampleQualifierExample="
            del params["roleSessionName"]
        elif shape == "no-session":
            del params["roleSessionName"]
    return record


def get_federation_token(time, region, account, role, session, error=None):
    """Amazon Connect's GetFederationToken, called as the SAML session."""
    role_name = role.rsplit("/", 1)[1]
    record = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "AssumedRole", "principalId": f"AROAD35QRSTUVWEXAMPLE:{session}",
            "arn": f"arn:aws:sts::{account}:assumed-role/{role_name}/{session}",
            "accountId": account, "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAD35QRSTUVWEXAMPLE",
                                                 "arn": role, "accountId": account, "userName": role_name},
                               "attributes": {"creationDate": time, "mfaAuthenticated": "false"}}},
        "eventTime": time, "eventSource": "connect.amazonaws.com", "eventName": "GetFederationToken",
        "awsRegion": region, "sourceIPAddress": "203.0.113.24",
        "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
        "requestParameters": {"InstanceId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},
        "responseElements": None, "requestID": event_id(), "eventID": event_id(),
        "readOnly": True, "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": account, "eventCategory": "Management",
    }
    if error:
        record["errorCode"], record["errorMessage"] = error
    else:
        record["responseElements"] = {"credentials": {"accessToken": "HIDDEN_DUE_TO_SECURITY_REASONS"}}
    return record


def idc_login_failure(time, user, message, code="AuthenticationFailed"):
    """IAM Identity Center refusing an external identity provider's assertion."""
    return {
        "eventVersion": "1.08",
        "userIdentity": {"type": "Unknown", "principalId": IDC, "arn": "", "accountId": IDC,
                         "accessKeyId": "", "userName": user},
        "eventTime": time, "eventSource": "signin.amazonaws.com", "eventName": "ExternalIdPDirectoryLogin",
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
        "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15",
        "errorCode": code, "errorMessage": message,
        "requestParameters": None, "responseElements": None,
        "additionalEventData": {"AuthWorkflowID": event_id()},
        "requestID": event_id(), "eventID": event_id(), "readOnly": False,
        "eventType": "AwsServiceEvent", "managementEvent": True, "recipientAccountId": IDC,
        "eventCategory": "Management", "serviceEventDetails": {"ExternalIdPDirectoryLogin": "Failure"},
    }


def idc_user_authentication(time, user, credential="EXTERNAL_IDP"):
    """IAM Identity Center's sign-in success (the user guide's sample, external identity provider)."""
    return {
        "eventVersion": "1.08",
        "userIdentity": {"type": "Unknown", "principalId": IDC, "arn": "", "accountId": IDC,
                         "accessKeyId": "", "userName": user},
        "eventTime": time, "eventSource": "signin.amazonaws.com", "eventName": "UserAuthentication",
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
        "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15",
        "requestParameters": None, "responseElements": None,
        "additionalEventData": {"AuthWorkflowID": event_id(),
                                "LoginTo": "https://d-9067230c03.awsapps.com/start/",
                                "CredentialType": credential},
        "requestID": event_id(), "eventID": event_id(), "readOnly": False,
        "eventType": "AwsServiceEvent", "managementEvent": True, "recipientAccountId": IDC,
        "eventCategory": "Management", "serviceEventDetails": {"UserAuthentication": "Success"},
    }


def noise(time, region, account, i):
    """Ordinary API calls: most of a trail."""
    kinds = [
        ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
        ("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
        ("sts.amazonaws.com", "AssumeRole", {"roleArn": f"arn:aws:iam::{account}:role/ops",
                                             "roleSessionName": "ci-deploy"}),
        ("sts.amazonaws.com", "GetFederationToken", {"name": "batch"}),
        ("connect.amazonaws.com", "DescribeUser", {"InstanceId": "0a1b2c3d", "UserId": "u-1"}),
        ("signin.amazonaws.com", "ConsoleLogin", None),
        ("kms.amazonaws.com", "Decrypt", {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    ]
    source, name, params = kinds[i % len(kinds)]
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE:ops",
                         "arn": f"arn:aws:sts::{account}:assumed-role/ops/ops", "accountId": account,
                         "accessKeyId": "ASIAEXAMPLE",
                         "sessionContext": {"attributes": {"creationDate": time, "mfaAuthenticated": "false"}}},
        "eventTime": time, "eventSource": source, "eventName": name, "awsRegion": region,
        "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.15.33",
        "requestParameters": params, "responseElements": None,
        "requestID": event_id(), "eventID": event_id(), "readOnly": True,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if name == "ConsoleLogin":
        record["eventType"] = "AwsConsoleSignIn"
        record["responseElements"] = {"ConsoleLogin": "Success"}
        record["additionalEventData"] = {"MobileVersion": "No", "MFAUsed": "No"}
    return record


def at(day, hms):
    return f"2024-05-{day:02d}T{hms}Z"


def org_events():
    """(account, region, day, records) of the organization trail."""
    E = []
    guest = "jane_gmail.com#EXT#@contoso.onmicrosoft.com"
    # Day 6: the guest user fails twice (RoleSessionName from the UPN), bob is not a Connect
    # user, carol's role may not call GetFederationToken.
    E.append((CONNECT, "us-east-1", 6, [
        arws(at(6, "08:01:10"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, guest, guest,
             ("InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"),
             shape="no-session"),
        arws(at(6, "08:02:30"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, guest, guest,
             ("InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"),
             shape="no-request"),
        arws(at(6, "09:00:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "bob@example.com", "bob@example.com"),
        get_federation_token(at(6, "09:00:03"), "us-east-1", CONNECT, AGENT_ROLE, "bob@example.com",
                             ("UserNotFoundException", "User not found")),
        arws(at(6, "09:10:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "carol@example.com", "carol@example.com"),
        get_federation_token(at(6, "09:10:02"), "us-east-1", CONNECT, AGENT_ROLE, "carol@example.com",
                             ("AccessDenied", "User: arn:aws:sts::111122223333:assumed-role/Connect-Agents/carol@example.com is not authorized to perform: connect:GetFederationToken")),
        # carol retries: the same sign-in refused again is still one failure.
        get_federation_token(at(6, "09:10:40"), "us-east-1", CONNECT, AGENT_ROLE, "carol@example.com",
                             ("AccessDenied", "User: arn:aws:sts::111122223333:assumed-role/Connect-Agents/carol@example.com is not authorized to perform: connect:GetFederationToken")),
    ]))
    # Day 7: the identity provider's certificate rotated: signatures fail in both regions.
    E.append((CONNECT, "eu-west-2", 7, [
        arws(at(7, "07:30:00"), "eu-west-2", CONNECT, AGENT_ROLE, AGENT_IDP, "dan@example.com", "dan@example.com",
             ("InvalidIdentityToken", "Response signature invalid")),
        arws(at(7, "07:31:00"), "eu-west-2", CONNECT, AGENT_ROLE, AGENT_IDP, "erin@example.com", "erin@example.com",
             ("InvalidIdentityToken", "Response signature invalid"), shape="no-name"),
        arws(at(7, "07:45:00"), "eu-west-2", CONNECT, AGENT_ROLE, AGENT_IDP, "frank@example.com", "frank@example.com",
             ("InvalidIdentityToken", "Response signature invalid"), shape="no-request"),
    ]))
    E.append((CONSOLE, "us-east-1", 7, [
        arws(at(7, "10:00:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "SamlExample", "MyAssignedRoleSessionName",
             ("AuthSamlInvalidSamlResponseException", "Failed to assume role: Issuer not present in specified provider")),
        arws(at(7, "10:05:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "grace", "grace",
             ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")),
        arws(at(7, "10:06:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "heidi", "heidi",
             ("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance")),
        arws(at(7, "10:07:00"), "us-east-1", CONSOLE, ADMIN_ROLE, f"arn:aws:iam::{CONSOLE}:saml-provider/Old",
             "ivan", "ivan",
             ("InvalidIdentityToken", f"SAML provider arn:aws:iam::{CONSOLE}:saml-provider/Old doesn't exist")),
        arws(at(7, "10:08:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "judy", "judy",
             ("InvalidIdentityToken", "SAML Assertion doesn't contain the required audience")),
        arws(at(7, "10:09:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "ken", "ken",
             ("ValidationError", "Requested DurationSeconds exceeds MaxSessionDuration set for this role")),
        arws(at(7, "10:10:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "leo", "leo",
             ("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse"), shape="no-session"),
        arws(at(7, "10:11:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "mia", "mia",
             ("InvalidIdentityToken", "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64}")),
        arws(at(7, "10:12:00"), "us-east-1", CONSOLE, ADMIN_ROLE, ADMIN_IDP, "nina", "nina",
             ("InvalidIdentityToken", "Something went wrong that no rule knows (ExampleNewError)")),
    ]))
    # Day 8: the fixes land: the guest user and carol sign in; dan still fails, then succeeds.
    E.append((CONNECT, "us-east-1", 8, [
        arws(at(8, "08:00:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "jane_gmail.com#EXT#@contoso.onmicrosoft.com",
             "jane@gmail.com"),
        arws(at(8, "08:20:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "carol@example.com", "carol@example.com"),
        get_federation_token(at(8, "08:20:02"), "us-east-1", CONNECT, AGENT_ROLE, "carol@example.com"),
        arws(at(8, "08:30:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "dan@example.com", "dan@example.com",
             ("InvalidIdentityToken", "Response signature invalid")),
        arws(at(8, "09:30:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "dan@example.com", "dan@example.com"),
        get_federation_token(at(8, "09:30:02"), "us-east-1", CONNECT, AGENT_ROLE, "dan@example.com"),
        # bob again, and a refusal whose sign-in is older than a role session can last: its own failure.
        get_federation_token(at(8, "23:10:00"), "us-east-1", CONNECT, AGENT_ROLE, "bob@example.com",
                             ("UserNotFoundException", "User not found")),
    ]))
    # IAM Identity Center, in its management account.
    E.append((IDC, "us-east-1", 6, [
        idc_login_failure(at(6, "12:00:00"), "oscar@example.com", "User oscar@example.com not found in identity store d-9067230c03"),
        idc_login_failure(at(6, "12:30:00"), "peggy@example.com", "Invalid signature in SAML response"),
        idc_user_authentication(at(6, "12:40:00"), "quinn@example.com", "PASSWORD"),
    ]))
    E.append((IDC, "us-east-1", 9, [
        idc_user_authentication(at(9, "08:00:00"), "oscar@example.com"),
        idc_user_authentication(at(9, "08:05:00"), "rita@example.com"),
    ]))
    return E


def gz(records):
    raw = json.dumps({"Records": records}, separators=(",", ":")).encode()
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as f:
        f.write(raw)
    return out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def trail_file(base, account, region, day, hhmm, unique):
    return os.path.join(base, account, "CloudTrail", region, "2024", "05", f"{day:02d}",
                        f"{account}_CloudTrail_{region}_202405{day:02d}T{hhmm}Z_{unique}.json.gz")


def main():
    examples = os.path.join(ROOT, "examples", "cloudtrail")
    org_base = os.path.join(examples, "AWSLogs", ORG)
    account_base = os.path.join(examples, "AWSLogs")
    noise_i = 0
    duplicated = []
    for n, (account, region, day, signins) in enumerate(org_events()):
        # Sign-ins spread over two delivery files, each among ordinary calls.
        for part in range(2):
            records = []
            for k, r in enumerate(signins[part::2]):
                for _ in range(6):
                    records.append(noise(r["eventTime"], region, account, noise_i))
                    noise_i += 1
                records.append(r)
            if not records:
                continue
            path = trail_file(org_base, account, region, day, f"{9 + part:02d}{n:02d}", f"Org{n}{part}Example{day:02d}AbCdEf"[:16])
            write(path, gz(records))
            if account == CONNECT and day == 6 and part == 0:
                duplicated = records
    # The contact centre's own trail delivered day 6's first file again: the same eventIDs.
    write(trail_file(account_base, CONNECT, "us-east-1", 6, "0915", "AcctTrailDup00Ab"), gz(duplicated))
    # A digest (no events), which the reader skips by folder name.
    write(os.path.join(org_base, CONNECT, "CloudTrail-Digest", "us-east-1", "2024", "05", "06",
                       f"{CONNECT}_CloudTrail-Digest_us-east-1_org_us-east-1_20240506T100000Z.json.gz"),
          gz_plain({"awsAccountId": CONNECT, "digestStartTime": "2024-05-06T09:00:00Z", "logFiles": []}))
    # A delivery cut short in transfer: its first 40 bytes hold no complete record.
    whole = gz([noise(at(9, "09:00:00"), "eu-west-2", CONSOLE, i) for i in range(30)])
    write(trail_file(org_base, CONSOLE, "eu-west-2", 9, "0930", "TruncatedExample"), whole[:40])

    testdata = os.path.join(ROOT, "crates", "trail", "testdata")
    write(os.path.join(testdata, "lookup-events.json"), lookup_events())
    write(os.path.join(testdata, "trail-log.json"), trail_log())
    write(os.path.join(testdata, "not-cloudtrail.json"),
          json.dumps({"log": {"version": "1.2", "entries": []}}, indent=2).encode() + b"\n")


def gz_plain(obj):
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as f:
        f.write(json.dumps(obj).encode())
    return out.getvalue()


def lookup_events():
    """The shape `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,…` prints."""
    records = [
        arws(at(10, "09:00:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "sam@example.com", "sam@example.com",
             ("InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")),
        arws(at(10, "09:05:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "tina@example.com", "tina@example.com"),
        get_federation_token(at(10, "09:05:02"), "us-east-1", CONNECT, AGENT_ROLE, "tina@example.com",
                             ("UserNotFoundException", "User not found")),
        arws(at(10, "09:20:00"), "us-east-1", CONNECT, AGENT_ROLE, AGENT_IDP, "sam@example.com", "sam"),
    ]
    events = []
    for r in records:
        events.append({
            "EventId": r["eventID"], "EventName": r["eventName"], "ReadOnly": "true",
            "EventTime": r["eventTime"].replace("Z", "+00:00"), "EventSource": r["eventSource"],
            "Username": r["userIdentity"].get("userName", ""),
            "Resources": [{"ResourceType": "AWS::IAM::Role", "ResourceName": AGENT_ROLE}],
            "CloudTrailEvent": json.dumps(r, separators=(",", ":")),
        })
    return json.dumps({"Events": events, "NextToken": None}, indent=4).encode() + b"\n"


def trail_log():
    """A plain (not gzip'd) log file: AWS's AssumeRoleWithSAML sample and a failure."""
    ok = arws("2023-08-28T18:30:58Z", "us-east-2", "444455556666", ADMIN_ROLE, ADMIN_IDP,
              "SamlExample", "MyAssignedRoleSessionName")
    failed = arws("2023-08-28T18:40:00Z", "us-east-2", "444455556666", ADMIN_ROLE, ADMIN_IDP,
                  "SamlExample", "MyAssignedRoleSessionName", ("InvalidIdentityToken", "Response signature invalid"))
    return json.dumps({"Records": [noise("2023-08-28T18:00:00Z", "us-east-2", "444455556666", 0), ok, failed]},
                      indent=2).encode() + b"\n"


if __name__ == "__main__":
    main()
