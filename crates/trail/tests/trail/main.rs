//! saml-trail's tests, one module per concern, in one test binary (the AWS modules link the
//! whole SDK: one link instead of four): the local engine on the fixtures, the SQL run in DuckDB
//! against the local engine, and, with the `aws` feature, LookupEvents and Athena on recorded
//! responses and moto.

#[cfg(feature = "aws")]
mod aws_athena;
#[cfg(feature = "aws")]
mod aws_lookup;
mod duckdb;
mod local;
