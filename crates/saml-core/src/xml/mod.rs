//! A small namespace-aware XML tree over quick-xml, with hard limits.
//!
//! SAML messages are a few kilobytes; a tree is the simplest faithful model of them and keeps
//! the prefixes and namespace declarations as written (for pretty-printing now, and canonical
//! XML for signature checks later). Input from strangers is bounded: DOCTYPEs (and so entity
//! expansion) are refused, and depth, element and attribute counts are capped.

//!
//! - `tree.rs`: the tree ([`Document`], [`Element`], [`Node`], [`Attribute`]), read by namespace
//!   and local name, and printed for people.
//! - `parse.rs`: reading XML into it ([`parse_document`]) within [`Limits`], refusing what a
//!   SAML message never holds.

mod parse;
mod tree;

pub use parse::{parse, parse_document, Limits, XmlError};
pub use tree::{Attribute, Document, Element, Node, NS_XML};
