//! The `CREATE TABLE` statement for a trail's logs on Amazon Athena (`saml-doctor trail
//! athena-table`): the columns of the table AWS documents for CloudTrail logs ("Create the
//! table for CloudTrail logs in Athena using partition projection": lower-case names,
//! `useridentity` a struct, `requestparameters`, `responseelements`, `additionaleventdata` and
//! `serviceeventdetails` JSON text), partitioned by `account`, `region` and `timestamp`
//! (`yyyy/MM/dd`) with partition projection, so there is nothing to load or repair.
//!
//! `region` is projected over AWS's commercial Regions (a Region the trail never wrote is an
//! empty prefix, which costs nothing). `account` is projected over the accounts given; without
//! them it is `injected`, and every query must name its accounts (Athena refuses it otherwise),
//! which [`crate::sql::QuerySpec::accounts`] does.

use std::fmt::Write;

use crate::sql::{valid_account, valid_name, SqlError};

/// What the table reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    /// The trail's S3 bucket.
    pub bucket: String,
    /// The trail's key prefix, if it has one.
    pub prefix: Option<String>,
    /// For an organization trail, its organization id (`o-…`).
    pub organization: Option<String>,
    /// The table's name (`cloudtrail_logs` by default), optionally `database.table`.
    pub name: String,
    /// The accounts to project; empty: `injected` (queries name them).
    pub accounts: Vec<String>,
}

/// Why no statement could be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DdlError {
    /// The bucket name is not one S3 allows (its first 80 characters).
    #[error(
        "`{0}` is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)"
    )]
    Bucket(String),
    /// The prefix is longer than 512 characters or holds a quote, backslash, `$`, brace or
    /// control character, which the statement cannot hold (its first 80 characters).
    #[error("`{0}` is not an S3 key prefix this statement can hold (no quotes, backslashes or control characters)")]
    Prefix(String),
    /// The organization id is not `o-` and 10 to 32 lower-case letters or digits (its first 80
    /// characters).
    #[error("`{0}` is not an organization id (o- and 10 to 32 lower-case letters or digits)")]
    Organization(String),
    /// The table name or an account id is not valid.
    #[error(transparent)]
    Sql(#[from] SqlError),
}

fn valid_bucket(bucket: &str) -> Result<&str, DdlError> {
    let ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.as_bytes()[0].is_ascii_alphanumeric()
        && bucket.as_bytes()[bucket.len() - 1].is_ascii_alphanumeric();
    if ok {
        Ok(bucket)
    } else {
        Err(DdlError::Bucket(bucket.chars().take(80).collect()))
    }
}

fn valid_organization(org: &str) -> Result<&str, DdlError> {
    let id = org.strip_prefix("o-").unwrap_or("");
    if (10..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        Ok(org)
    } else {
        Err(DdlError::Organization(org.chars().take(80).collect()))
    }
}

fn valid_prefix(prefix: &str) -> Result<&str, DdlError> {
    let trimmed = prefix.trim_matches('/');
    if trimmed.len() > 512
        || trimmed
            .chars()
            .any(|c| c.is_control() || matches!(c, '\'' | '"' | '\\' | '$' | '{' | '}'))
    {
        return Err(DdlError::Prefix(prefix.chars().take(80).collect()));
    }
    Ok(trimmed)
}

/// The `CREATE EXTERNAL TABLE` statement.
pub fn create_table(spec: &TableSpec) -> Result<String, DdlError> {
    let bucket = valid_bucket(&spec.bucket)?;
    let mut root = format!("s3://{bucket}/");
    if let Some(prefix) = spec.prefix.as_deref() {
        let prefix = valid_prefix(prefix)?;
        if !prefix.is_empty() {
            write!(root, "{prefix}/").ok();
        }
    }
    root.push_str("AWSLogs/");
    if let Some(org) = spec.organization.as_deref() {
        write!(root, "{}/", valid_organization(org)?).ok();
    }
    let name = match spec.name.split_once('.') {
        Some((db, table)) => format!("`{}`.`{}`", valid_name(db)?, valid_name(table)?),
        None => format!("`{}`", valid_name(&spec.name)?),
    };
    let accounts = spec
        .accounts
        .iter()
        .map(|a| valid_account(a))
        .collect::<Result<Vec<_>, _>>()?;
    let account_projection = if accounts.is_empty() {
        "  'projection.account.type'='injected',\n".to_owned()
    } else {
        format!(
            "  'projection.account.type'='enum',\n  'projection.account.values'='{}',\n",
            accounts.join(",")
        )
    };
    Ok(format!(
        r#"CREATE EXTERNAL TABLE {name} (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
            userid: STRING,
            identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: MAP<STRING,STRING>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    tlsdetails STRUCT<
        tlsversion: STRING,
        ciphersuite: STRING,
        clientprovidedhostheader: STRING>
)
PARTITIONED BY (
    `account` STRING,
    `region` STRING,
    `timestamp` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '{root}'
TBLPROPERTIES (
  'projection.enabled'='true',
{account_projection}  'projection.region.type'='enum',
  'projection.region.values'='{regions}',
  'projection.timestamp.type'='date',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='2013/11/01,NOW',
  'storage.location.template'='{root}${{account}}/CloudTrail/${{region}}/${{timestamp}}'
)
"#,
        // The commercial partition's Regions: a trail in aws-cn or aws-us-gov needs its own
        // `projection.region.values`.
        regions = saml_core::aws::Partition::Aws.regions().join(","),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> TableSpec {
        TableSpec {
            bucket: "org-trail-logs".into(),
            prefix: Some("/central/".into()),
            organization: Some("o-a1b2c3d4e5".into()),
            name: "cloudtrail_logs".into(),
            accounts: vec![],
        }
    }

    #[test]
    fn an_organization_trail() {
        let ddl = create_table(&spec()).unwrap();
        assert!(ddl.starts_with("CREATE EXTERNAL TABLE `cloudtrail_logs` ("));
        assert!(ddl.contains("LOCATION 's3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/'"));
        assert!(ddl.contains(
            "'storage.location.template'='s3://org-trail-logs/central/AWSLogs/o-a1b2c3d4e5/${account}/CloudTrail/${region}/${timestamp}'"
        ));
        assert!(ddl.contains("'projection.account.type'='injected'"));
        assert!(ddl.contains("us-east-1,us-east-2"));
        // The columns the analysis query reads.
        for column in [
            "useridentity STRUCT<",
            "onbehalfof: STRUCT<",
            "requestparameters STRING",
            "responseelements STRING",
            "additionaleventdata STRING",
            "serviceeventdetails STRING",
            "recipientaccountid STRING",
        ] {
            assert!(ddl.contains(column), "{column}");
        }
    }

    #[test]
    fn an_account_trail_with_listed_accounts() {
        let mut s = spec();
        s.organization = None;
        s.prefix = None;
        s.name = "security.trail".into();
        s.accounts = vec!["111122223333".into(), "444455556666".into()];
        let ddl = create_table(&s).unwrap();
        assert!(ddl.starts_with("CREATE EXTERNAL TABLE `security`.`trail` ("));
        assert!(ddl.contains("LOCATION 's3://org-trail-logs/AWSLogs/'"));
        assert!(ddl.contains("'projection.account.values'='111122223333,444455556666'"));
    }

    #[test]
    fn hostile_values_are_refused() {
        for (field, value) in [
            ("bucket", "Bad_Bucket"),
            ("bucket", "b'); DROP"),
            ("prefix", "logs'/x"),
            ("prefix", "${account}"),
            ("org", "o-short"),
            ("name", "t; DROP"),
            ("account", "12345"),
        ] {
            let mut s = spec();
            match field {
                "bucket" => s.bucket = value.into(),
                "prefix" => s.prefix = Some(value.into()),
                "org" => s.organization = Some(value.into()),
                "name" => s.name = value.into(),
                _ => s.accounts = vec![value.into()],
            }
            assert!(create_table(&s).is_err(), "{field} {value}");
        }
    }
}
