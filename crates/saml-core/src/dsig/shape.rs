//! The XML-DSig grammar of a `ds:Signature` as the engine reads it: exactly one of each element
//! where the schema says one, children in the schema's order, text-only values, the
//! canonicalization methods and their inclusive prefixes. Anything else is malformed, never
//! read leniently, since another implementation may read it differently.

use base64::Engine;

use super::outcome::Outcome;
use crate::c14n::Method;
use crate::model::NS_DSIG;
use crate::xml::{Element, Node};

const NS_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";

/// The most prefixes an InclusiveNamespaces PrefixList may name (a SAML signature names a few).
pub const MAX_INCLUSIVE_PREFIXES: usize = 64;

/// The text of an element that XML-DSig defines as text only (SignatureValue, DigestValue,
/// X509Certificate): a child element, comment or processing instruction is refused, since
/// another implementation reads that content differently.
pub(super) fn text_only(e: &Element) -> Result<String, Outcome> {
    if e.children.iter().any(|c| !matches!(c, Node::Text(_))) {
        return Err(Outcome::Malformed {
            why: format!(
                "its {} holds markup where XML-DSig allows only text",
                e.local
            ),
        });
    }
    Ok(e.text())
}

pub(super) fn b64(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if clean.is_empty() {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

fn inclusive_prefixes(method_element: &Element) -> Result<Vec<String>, Outcome> {
    let list: Vec<String> = method_element
        .child(NS_EXC, "InclusiveNamespaces")
        .and_then(|i| i.attr("PrefixList"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if list.len() > MAX_INCLUSIVE_PREFIXES {
        return Err(Outcome::Malformed {
            why: format!(
                "its InclusiveNamespaces PrefixList names {} prefixes; saml-doctor accepts at most {MAX_INCLUSIVE_PREFIXES}",
                list.len()
            ),
        });
    }
    Ok(list)
}

/// The one element named `local` among `parent`'s children: none or several is malformed.
pub(super) fn only_child<'a>(
    parent: &'a Element,
    local: &'static str,
    owner: &str,
) -> Result<&'a Element, Outcome> {
    let mut found = parent.children_named(NS_DSIG, local);
    match (found.next(), found.next()) {
        (Some(e), None) => Ok(e),
        (None, _) => Err(Outcome::Malformed {
            why: format!("its {owner} has no {local}"),
        }),
        (Some(_), Some(_)) => Err(Outcome::Malformed {
            why: format!("its {owner} has more than one {local}"),
        }),
    }
}

/// Checks that `parent`'s child elements are, in order, the XML-DSig elements `shape` lists
/// with their allowed counts (XML-DSig's schema): anything else is malformed, since another
/// implementation may read it (xmlsec1 refuses it).
pub(super) fn expect_shape(
    parent: &Element,
    owner: &str,
    shape: &[(&str, usize, usize)],
) -> Result<(), Outcome> {
    let mut children = parent.elements().peekable();
    for (local, min, max) in shape {
        let mut n = 0;
        while children.peek().is_some_and(|c| c.is(NS_DSIG, local)) {
            children.next();
            n += 1;
        }
        if n < *min || n > *max {
            return Err(Outcome::Malformed {
                why: format!("its {owner} has {n} {local} elements where XML-DSig allows {min} to {max} at that place"),
            });
        }
    }
    match children.next() {
        Some(extra) => Err(Outcome::Malformed {
            why: format!(
                "its {owner} holds <{}> where XML-DSig allows none",
                extra.name
            ),
        }),
        None => Ok(()),
    }
}

pub(super) fn c14n_method(element: &Element, what: &str) -> Result<Method, Outcome> {
    let uri = element.attr("Algorithm").unwrap_or_default();
    if uri.is_empty() {
        return Err(Outcome::Malformed {
            why: format!("its {what} has no Algorithm"),
        });
    }
    Method::from_uri(uri, inclusive_prefixes(element)?).ok_or_else(|| Outcome::Unsupported {
        what: format!("the {what} {uri}, which saml-doctor does not implement (it implements Canonical XML 1.0 and Exclusive XML Canonicalization 1.0, with and without comments)"),
    })
}
