//! Parses a decrypted `Type="…#Element"` plaintext the way XML Encryption's decryptor does: as
//! the XML of one element, read in the namespace context of the element it replaces (an IdP may
//! serialize the assertion with `saml:` declared only on the Response around it), with the
//! same limits as any SAML message.
//!
//! The context is given by wrapping the plaintext in an element that declares the namespaces in
//! scope, then checking that the wrapper holds exactly one element and nothing else, so that a
//! plaintext cannot close the wrapper and add content of its own.

use crate::model::NS_ASSERTION;
use crate::xml::{self, Element, Limits, Node, XmlError};

const WRAPPER: &str = "saml-doctor-decrypted";

/// Why a plaintext is refused.
#[derive(Debug)]
pub(crate) enum PlaintextError {
    /// Not UTF-8 (XML Encryption serializes Element plaintext as UTF-8).
    NotUtf8,
    /// Not XML, or beyond the limits.
    Xml(XmlError),
    /// XML, and not one saml:Assertion.
    NotAnAssertion(String),
}

/// The namespace context and limits a plaintext is parsed with.
#[derive(Debug, Clone)]
pub struct Context {
    /// The namespace declarations in scope at the EncryptedAssertion, outermost first: (prefix,
    /// or "" for the default namespace; URI, or "" where a default namespace is undeclared).
    pub in_scope: Vec<(String, String)>,
    /// How many elements enclose the decrypted assertion where it belongs: the EncryptedAssertion
    /// and its ancestors (0 for a plaintext read on its own).
    pub depth: usize,
    /// The document's limits, which the plaintext is held to at that depth.
    pub limits: Limits,
}

impl Default for Context {
    /// No namespace in scope, the default limits.
    fn default() -> Self {
        Self {
            in_scope: Vec::new(),
            depth: 0,
            limits: Limits::default(),
        }
    }
}

impl Context {
    /// The context of `encrypted_assertion`, an element of the tree under `root` (found by
    /// identity, not by equality), whose document was parsed with `limits`. `None` when it is
    /// not in that tree.
    pub fn of(root: &Element, encrypted_assertion: &Element, limits: Limits) -> Option<Self> {
        let path = path_to(root, encrypted_assertion)?;
        let mut in_scope: Vec<(String, String)> = Vec::new();
        for e in &path {
            for (prefix, uri) in &e.namespace_decls {
                in_scope.retain(|(p, _)| p != prefix);
                in_scope.push((prefix.clone(), uri.clone()));
            }
        }
        Some(Self {
            in_scope,
            depth: path.len(),
            limits,
        })
    }
}

/// The elements from `root` down to `target`, both included.
fn path_to<'a>(root: &'a Element, target: &Element) -> Option<Vec<&'a Element>> {
    // Depth first with an explicit stack: (element, index of the next child to visit).
    let mut stack: Vec<(&Element, usize)> = vec![(root, 0)];
    while let Some((e, next)) = stack.last_mut() {
        if std::ptr::eq(*e, target) {
            return Some(stack.iter().map(|(e, _)| *e).collect());
        }
        let child = e.children[*next..]
            .iter()
            .position(|n| matches!(n, Node::Element(_)));
        match child {
            Some(i) => {
                let at = *next + i;
                *next = at + 1;
                if let Node::Element(c) = &e.children[at] {
                    stack.push((c, 0));
                }
            }
            None => {
                stack.pop();
            }
        }
    }
    None
}

fn escape_attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Parses `plaintext` as one saml:Assertion in `context`.
pub(crate) fn parse_assertion(
    plaintext: &[u8],
    context: &Context,
) -> Result<(String, Element), PlaintextError> {
    let text = std::str::from_utf8(plaintext).map_err(|_| PlaintextError::NotUtf8)?;
    if text.len() > context.limits.max_input_bytes {
        return Err(PlaintextError::Xml(XmlError::TooLarge {
            limit: context.limits.max_input_bytes,
        }));
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = strip_xml_declaration(body);
    let mut wrapped = String::with_capacity(body.len() + 256);
    wrapped.push('<');
    wrapped.push_str(WRAPPER);
    for (prefix, uri) in &context.in_scope {
        match (prefix.as_str(), uri.as_str()) {
            ("xml", _) | ("", "") => {}
            ("", uri) => wrapped.push_str(&format!(" xmlns=\"{}\"", escape_attribute(uri))),
            (p, uri) => wrapped.push_str(&format!(" xmlns:{p}=\"{}\"", escape_attribute(uri))),
        }
    }
    wrapped.push('>');
    wrapped.push_str(body);
    wrapped.push_str("</");
    wrapped.push_str(WRAPPER);
    wrapped.push('>');
    // The wrapper stands for the `depth` enclosing elements: one level for all of them.
    let limits = Limits {
        max_depth: context
            .limits
            .max_depth
            .saturating_sub(context.depth)
            .saturating_add(1),
        max_elements: context.limits.max_elements.saturating_add(1),
        max_input_bytes: wrapped.len().max(context.limits.max_input_bytes),
        ..context.limits
    };
    let root = xml::parse(&wrapped, limits)
        .map_err(|e| match e {
            XmlError::TooDeep { .. } => XmlError::TooDeep {
                limit: context.limits.max_depth,
            },
            other => other,
        })
        .map_err(PlaintextError::Xml)?;
    let mut element = None;
    for node in root.children {
        match node {
            Node::Element(e) if element.is_none() => element = Some(e),
            Node::Element(e) => {
                return Err(PlaintextError::NotAnAssertion(format!(
                    "it holds a second element, <{}>",
                    e.name
                )))
            }
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Comment(_) => {}
            Node::Text(_) => {
                return Err(PlaintextError::NotAnAssertion(
                    "it holds text outside its element".into(),
                ))
            }
            Node::ProcessingInstruction { target, .. } => {
                return Err(PlaintextError::NotAnAssertion(format!(
                    "it holds a processing instruction <?{target}?> outside its element"
                )))
            }
        }
    }
    let element =
        element.ok_or_else(|| PlaintextError::NotAnAssertion("it holds no element".into()))?;
    if !element.is(NS_ASSERTION, "Assertion") {
        return Err(PlaintextError::NotAnAssertion(format!(
            "it is <{}> in namespace {}",
            element.name,
            element.namespace.as_deref().unwrap_or("(none)")
        )));
    }
    Ok((text.to_owned(), element))
}

/// A leading `<?xml …?>` declaration, which a serializer may write before the element.
fn strip_xml_declaration(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("<?xml") else {
        return text;
    };
    if !rest.starts_with([' ', '\t', '\r', '\n']) {
        return text;
    }
    match rest.find("?>") {
        Some(end) => &rest[end + 2..],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

    fn ctx(decls: &[(&str, &str)]) -> Context {
        Context {
            in_scope: decls
                .iter()
                .map(|(p, u)| ((*p).to_owned(), (*u).to_owned()))
                .collect(),
            ..Context::default()
        }
    }

    #[test]
    fn reads_prefixes_declared_around_the_encrypted_assertion() {
        let (_, a) = parse_assertion(
            b"<saml:Assertion ID=\"_a\"><saml:Issuer>x</saml:Issuer></saml:Assertion>",
            &ctx(&[("saml", SAML)]),
        )
        .unwrap();
        assert!(a.is(SAML, "Assertion"));
        assert!(
            a.namespace_decls.is_empty(),
            "the context's declarations stay outside"
        );
        // The default namespace in scope applies too.
        let (_, a) = parse_assertion(b"<Assertion/>", &ctx(&[("", SAML)])).unwrap();
        assert!(a.is(SAML, "Assertion"));
        // Without the context the prefix is undeclared.
        assert!(matches!(
            parse_assertion(b"<saml:Assertion/>", &Context::default()),
            Err(PlaintextError::Xml(XmlError::Syntax { .. }))
        ));
    }

    #[test]
    fn a_plaintext_cannot_escape_its_wrapper() {
        let escape = format!(
            "<Assertion xmlns=\"{SAML}\"/></{WRAPPER}><{WRAPPER}><Assertion xmlns=\"{SAML}\"/>"
        );
        assert!(parse_assertion(escape.as_bytes(), &Context::default()).is_err());
        let two = format!("<Assertion xmlns=\"{SAML}\"/><Assertion xmlns=\"{SAML}\"/>");
        assert!(matches!(
            parse_assertion(two.as_bytes(), &Context::default()),
            Err(PlaintextError::NotAnAssertion(_))
        ));
        for bad in ["", "text", "<?pi x?><a/>", "<a/>tail"] {
            assert!(
                parse_assertion(bad.as_bytes(), &Context::default()).is_err(),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_assertion(
                b"<Response xmlns=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
                &Context::default()
            ),
            Err(PlaintextError::NotAnAssertion(_))
        ));
        assert!(matches!(
            parse_assertion(&[0xff, 0xfe], &Context::default()),
            Err(PlaintextError::NotUtf8)
        ));
    }

    #[test]
    fn keeps_the_limits_of_any_message() {
        let deep = format!(
            "<Assertion xmlns=\"{SAML}\">{}{}</Assertion>",
            "<a>".repeat(70),
            "</a>".repeat(70)
        );
        assert!(matches!(
            parse_assertion(deep.as_bytes(), &Context::default()),
            Err(PlaintextError::Xml(XmlError::TooDeep { limit: 64 }))
        ));
        let bomb = "<!DOCTYPE a [<!ENTITY x \"y\">]><a/>";
        assert!(parse_assertion(bomb.as_bytes(), &Context::default()).is_err());
        let small = Context {
            limits: Limits {
                max_input_bytes: 10,
                ..Limits::default()
            },
            ..Context::default()
        };
        assert!(matches!(
            parse_assertion(format!("<Assertion xmlns=\"{SAML}\"/>").as_bytes(), &small),
            Err(PlaintextError::Xml(XmlError::TooLarge { limit: 10 }))
        ));
    }

    #[test]
    fn accepts_a_declaration_and_a_byte_order_mark() {
        let text = format!(
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Assertion xmlns=\"{SAML}\"/>"
        );
        let (plain, a) = parse_assertion(text.as_bytes(), &Context::default()).unwrap();
        assert!(a.is(SAML, "Assertion"));
        assert_eq!(plain, text, "the plaintext is returned as decrypted");
    }

    #[test]
    fn context_collects_the_declarations_in_scope() {
        let doc = format!(
            "<p:Response xmlns:p=\"urn:p\" xmlns:saml=\"urn:old\"><x xmlns:saml=\"{SAML}\"><saml:EncryptedAssertion xmlns=\"urn:d\"/></x><y/></p:Response>"
        );
        let root = xml::parse(&doc, Limits::default()).unwrap();
        let x = root.elements().next().unwrap();
        let ea = x.elements().next().unwrap();
        let c = Context::of(&root, ea, Limits::default()).unwrap();
        assert_eq!(
            c.in_scope,
            [
                ("p".to_owned(), "urn:p".to_owned()),
                ("saml".to_owned(), SAML.to_owned()),
                ("".to_owned(), "urn:d".to_owned())
            ]
        );
        assert_eq!(c.depth, 3);
        // The assertion would sit at depth 3: 61 levels are left for it, not 62.
        let nested = |levels: usize| {
            format!(
                "<Assertion xmlns=\"{SAML}\">{}{}</Assertion>",
                "<a>".repeat(levels - 1),
                "</a>".repeat(levels - 1)
            )
        };
        assert!(parse_assertion(nested(61).as_bytes(), &c).is_ok());
        assert!(matches!(
            parse_assertion(nested(62).as_bytes(), &c),
            Err(PlaintextError::Xml(XmlError::TooDeep { limit: 64 }))
        ));
        let stranger = xml::parse("<a/>", Limits::default()).unwrap();
        assert!(Context::of(&root, &stranger, Limits::default()).is_none());
    }
}
