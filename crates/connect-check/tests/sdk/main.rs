//! The SDK adapters on recorded responses (aws-smithy-mocks), one module per concern, in one test
//! binary (each binary links the whole AWS SDK: one link instead of four).

mod audit;
mod connect_iam;
mod identity_center;
mod saml_provider;
