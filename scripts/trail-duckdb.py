#!/usr/bin/env python3
"""Runs saml-doctor trail's Athena query on DuckDB, for the test that checks the SQL by running
it (crates/trail/tests/trail/duckdb.rs).

Reads the query (Trino/Athena dialect) from --query, transpiles it to DuckDB with sqlglot, loads
the given CloudTrail inputs (trail folders, .json/.json.gz log files, lookup-events output) into
a table shaped like the one AWS documents for CloudTrail logs (lower-case columns, `useridentity`
a struct, `requestparameters`, `responseelements`, `additionaleventdata` and
`serviceeventdetails` JSON text, partition column `timestamp` as yyyy/MM/dd), runs the query and
prints its rows as Athena returns them: a JSON array of rows, the column names first, every value
text or null.

Needs (pinned, as .ci/run installs them): duckdb==1.4.1 sqlglot==30.31.0.
Usage: trail-duckdb.py --query FILE --table SCHEMA.TABLE INPUT...
"""

import argparse
import gzip
import json
import os
import re
import sys

import duckdb
import sqlglot

USER_FIELDS = ["type", "principalid", "arn", "accountid", "invokedby", "accesskeyid", "username"]
STRING_COLUMNS = ["eventversion", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress",
                  "useragent", "errorcode", "errormessage"]
JSON_COLUMNS = ["requestparameters", "responseelements", "additionaleventdata"]
TAIL_COLUMNS = ["requestid", "eventid", "readonly", "eventtype", "recipientaccountid"]


def files(paths):
    for path in paths:
        if os.path.isdir(path):
            for dirpath, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != "CloudTrail-Digest")
                for name in sorted(names):
                    if name.lower().endswith((".json", ".json.gz")):
                        yield os.path.join(dirpath, name)
        else:
            yield path


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        doc = json.loads(data)
    except (OSError, EOFError, ValueError) as e:
        print(f"skipped {path}: {e}", file=sys.stderr)
        return
    if not isinstance(doc, dict):
        return
    for r in doc.get("Records") or []:
        yield r
    for e in doc.get("Events") or []:
        text = e.get("CloudTrailEvent")
        yield json.loads(text) if isinstance(text, str) else text


def text(value):
    """How Athena's JSON SerDe shows a value in a string column."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def row(record, partition):
    lower = {k.lower(): v for k, v in record.items()}
    ident = {k.lower(): v for k, v in (lower.get("useridentity") or {}).items()}
    obo = {k.lower(): v for k, v in (ident.get("onbehalfof") or {}).items()}
    user = {f: text(ident.get(f)) for f in USER_FIELDS}
    user["onbehalfof"] = {"userid": text(obo.get("userid")), "identitystorearn": text(obo.get("identitystorearn"))}
    values = [text(lower.get(c)) for c in STRING_COLUMNS[:1]] + [user]
    values += [text(lower.get(c)) for c in STRING_COLUMNS[1:]]
    values += [text(lower.get(c)) for c in JSON_COLUMNS]
    values += [text(lower.get(c)) for c in TAIL_COLUMNS]
    values += [text(lower.get("serviceeventdetails")), partition]
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--query", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()
    schema, table = args.table.split(".")
    db = duckdb.connect()
    db.execute(f"CREATE SCHEMA {schema}")
    columns = ["eventversion VARCHAR",
               "useridentity STRUCT(type VARCHAR, principalid VARCHAR, arn VARCHAR, accountid VARCHAR, "
               "invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR, "
               "onbehalfof STRUCT(userid VARCHAR, identitystorearn VARCHAR))"]
    columns += [f"{c} VARCHAR" for c in STRING_COLUMNS[1:] + JSON_COLUMNS + TAIL_COLUMNS]
    columns += ["serviceeventdetails VARCHAR", '"timestamp" VARCHAR']
    db.execute(f"CREATE TABLE {schema}.{table} ({', '.join(columns)})")
    rows = []
    for path in files(args.inputs):
        day = re.search(r"/(\d{4})/(\d{2})/(\d{2})/[^/]*$", path)
        for r in records(path):
            if not isinstance(r, dict):
                continue
            partition = "/".join(day.groups()) if day else str(r.get("eventTime", ""))[:10].replace("-", "/")
            rows.append(row(r, partition))
    placeholders = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO {schema}.{table} VALUES ({placeholders})", rows)
    with open(args.query) as f:
        trino = f.read()
    duck = sqlglot.transpile(trino, read="trino", write="duckdb")[0]
    cursor = db.execute(duck)
    names = [d[0] for d in cursor.description]
    result = [names] + [[None if v is None else str(v) for v in r] for r in cursor.fetchall()]
    json.dump(result, sys.stdout)
    print(f"loaded {len(rows)} records", file=sys.stderr)


if __name__ == "__main__":
    main()
