//! A small namespace-aware XML tree over quick-xml, with hard limits.
//!
//! SAML messages are a few kilobytes; a tree is the simplest faithful model of them and keeps
//! the prefixes and namespace declarations as written (for pretty-printing now, and canonical
//! XML for signature checks later). Input from strangers is bounded: DOCTYPEs (and so entity
//! expansion) are refused, and depth, element and attribute counts are capped.

use std::fmt::Write as _;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// Limits applied while parsing. The defaults are far above any real SAML message.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_elements: usize,
    pub max_attributes_per_element: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_elements: 50_000,
            max_attributes_per_element: 256,
        }
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("not well-formed XML at byte {position}: {message}")]
    Syntax { position: u64, message: String },
    #[error("the XML has a DOCTYPE declaration; SAML messages never do, and entity declarations are refused rather than expanded")]
    DocType,
    #[error("the XML nests deeper than {limit} elements")]
    TooDeep { limit: usize },
    #[error("the XML has more than {limit} elements")]
    TooManyElements { limit: usize },
    #[error("an element has more than {limit} attributes")]
    TooManyAttributes { limit: usize },
    #[error("the XML has no root element")]
    NoRoot,
    #[error("the XML has content after its root element")]
    TrailingContent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written (`xsi:type`).
    pub name: String,
    pub namespace: Option<String>,
    pub local: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
    Comment(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written (`saml2:Assertion`).
    pub name: String,
    pub namespace: Option<String>,
    pub local: String,
    /// Namespace declarations on this element: (prefix, or "" for the default; URI).
    pub namespace_decls: Vec<(String, String)>,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.local == local && self.namespace.as_deref() == Some(namespace)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn children_named<'a>(
        &'a self,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(namespace, local))
    }

    pub fn child(&self, namespace: &str, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(namespace, local))
    }

    /// An attribute without a namespace (SAML's own attributes are unqualified).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// The element's own text: every direct text node joined. Comments are skipped, not used as
    /// terminators, so `user@evil.com<!---->.example.org` reads as the whole value.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every descendant element, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.elements().collect::<Vec<_>>();
        stack.reverse();
        while let Some(e) = stack.pop() {
            out.push(e);
            let before = stack.len();
            stack.extend(e.elements());
            stack[before..].reverse();
        }
        out
    }

    /// Indented XML for people: elements that hold only text stay on one line.
    pub fn to_pretty_string(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let _ = write!(out, "{indent}<{}", self.name);
        for (prefix, uri) in &self.namespace_decls {
            let name = if prefix.is_empty() {
                "xmlns".to_owned()
            } else {
                format!("xmlns:{prefix}")
            };
            let _ = write!(out, " {name}=\"{}\"", escape(uri, true));
        }
        for a in &self.attributes {
            let _ = write!(out, " {}=\"{}\"", a.name, escape(&a.value, true));
        }
        let has_elements = self.children.iter().any(|n| !matches!(n, Node::Text(_)));
        if self.children.is_empty() {
            out.push_str("/>\n");
        } else if !has_elements {
            let _ = writeln!(out, ">{}</{}>", escape(&self.text(), false), self.name);
        } else {
            out.push_str(">\n");
            for child in &self.children {
                match child {
                    Node::Element(e) => e.write_pretty(out, depth + 1),
                    Node::Text(t) if t.trim().is_empty() => {}
                    Node::Text(t) => {
                        let _ = writeln!(out, "{indent}  {}", escape(t.trim(), false));
                    }
                    Node::Comment(c) => {
                        let _ = writeln!(out, "{indent}  <!--{c}-->");
                    }
                }
            }
            let _ = writeln!(out, "{indent}</{}>", self.name);
        }
    }
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

/// Parses a whole document into its root element.
pub fn parse(xml: &str, limits: Limits) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    let syntax = |reader: &NsReader<&[u8]>, e: &dyn std::fmt::Display| XmlError::Syntax {
        position: reader.error_position(),
        message: e.to_string(),
    };
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (namespace_of(&resolved), event),
            Err(e) => return Err(syntax(&reader, &e)),
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(XmlError::TrailingContent);
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                elements += 1;
                if elements > limits.max_elements {
                    return Err(XmlError::TooManyElements {
                        limit: limits.max_elements,
                    });
                }
                if stack.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep {
                        limit: limits.max_depth,
                    });
                }
                let element = element(&reader, namespace, start, limits).map_err(|e| match e {
                    ElementError::Limit(e) => e,
                    ElementError::Syntax(m) => XmlError::Syntax {
                        position: reader.buffer_position(),
                        message: m,
                    },
                })?;
                if matches!(event, Event::Empty(_)) {
                    close(element, &mut stack, &mut root);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| XmlError::Syntax {
                    position: reader.buffer_position(),
                    message: "closing tag without an opening one".into(),
                })?;
                close(element, &mut stack, &mut root);
            }
            Event::Text(text) => {
                // XML 1.0 §2.11: line ends are normalized before anything else sees the text
                // (canonical XML and so signatures depend on it); `&#xD;` survives as \r.
                let raw = normalize_line_ends(&text);
                let text = quick_xml::escape::unescape(&raw).map_err(|e| syntax(&reader, &e))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Text(text.into_owned())),
                    None if text.trim().is_empty() => {}
                    None if root.is_some() => return Err(XmlError::TrailingContent),
                    None => {
                        return Err(XmlError::Syntax {
                            position: reader.buffer_position(),
                            message: "text before the root element".into(),
                        })
                    }
                }
            }
            Event::CData(data) => {
                let text = String::from_utf8_lossy(&data.into_inner()).into_owned();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Text(text)),
                    None => return Err(XmlError::TrailingContent),
                }
            }
            Event::Comment(comment) => {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Comment(
                        String::from_utf8_lossy(&comment).into_owned(),
                    ));
                }
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::Syntax {
            position: xml.len() as u64,
            message: format!("the document ends before </{}>", open.name),
        });
    }
    root.ok_or(XmlError::NoRoot)
}

/// XML 1.0 Name (approximated on the ASCII range, which is where it matters here): a letter, `_`
/// or `:` first, then letters, digits, `.`, `-`, `_`, `:`; any non-ASCII character is accepted.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start_ok = first.is_ascii_alphabetic() || first == '_' || first == ':' || !first.is_ascii();
    start_ok
        && chars.all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':') || !c.is_ascii()
        })
}

fn normalize_line_ends(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    if !text.contains('\r') {
        return text.into_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

enum ElementError {
    Limit(XmlError),
    Syntax(String),
}

fn element(
    reader: &NsReader<&[u8]>,
    namespace: Result<Option<String>, String>,
    start: &BytesStart,
    limits: Limits,
) -> Result<Element, ElementError> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    if !is_xml_name(&name) {
        return Err(ElementError::Syntax(format!(
            "`<{name}` is not a valid element name"
        )));
    }
    let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let namespace = namespace.map_err(ElementError::Syntax)?;
    let mut namespace_decls = Vec::new();
    let mut attributes = Vec::new();
    for (count, attr) in start.attributes().enumerate() {
        if count >= limits.max_attributes_per_element {
            return Err(ElementError::Limit(XmlError::TooManyAttributes {
                limit: limits.max_attributes_per_element,
            }));
        }
        let attr = attr.map_err(|e| ElementError::Syntax(e.to_string()))?;
        // XML 1.0 §3.3.3: literal white space in an attribute value is read as a space, while
        // character references (`&#xA;`) keep their character.
        let raw: String = normalize_line_ends(&attr.value)
            .chars()
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let value = quick_xml::escape::unescape(&raw)
            .map_err(|e| ElementError::Syntax(e.to_string()))?
            .into_owned();
        let key = attr.key.as_ref();
        if !is_xml_name(&String::from_utf8_lossy(key)) {
            return Err(ElementError::Syntax(format!(
                "`{}` is not a valid attribute name",
                String::from_utf8_lossy(key)
            )));
        }
        if key == b"xmlns" {
            namespace_decls.push((String::new(), value));
            continue;
        }
        if let Some(prefix) = key.strip_prefix(b"xmlns:") {
            namespace_decls.push((String::from_utf8_lossy(prefix).into_owned(), value));
            continue;
        }
        let (resolved, attr_local) = reader.resolve_attribute(attr.key);
        attributes.push(Attribute {
            name: String::from_utf8_lossy(key).into_owned(),
            namespace: namespace_of(&resolved).map_err(ElementError::Syntax)?,
            local: String::from_utf8_lossy(attr_local.as_ref()).into_owned(),
            value,
        });
    }
    Ok(Element {
        name,
        namespace,
        local,
        namespace_decls,
        attributes,
        children: Vec::new(),
    })
}

fn namespace_of(resolved: &ResolveResult) -> Result<Option<String>, String> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(format!(
            "the prefix `{}` is not declared",
            String::from_utf8_lossy(prefix)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_namespaces_whatever_the_prefix() {
        let doc =
            r#"<r xmlns="urn:a" xmlns:b="urn:b"><b:x b:k="1" k="2">t<!-- c -->u</b:x><y/></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        assert!(root.is("urn:a", "r"));
        let x = root.child("urn:b", "x").unwrap();
        assert_eq!(x.text(), "tu");
        assert_eq!(x.attr("k"), Some("2"));
        assert!(
            root.child("urn:a", "y").is_some(),
            "default namespace applies to children"
        );
    }

    #[test]
    fn refuses_doctype_and_so_entity_bombs() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><r>&lol2;</r>"#;
        assert_eq!(
            parse(bomb, Limits::default()).unwrap_err(),
            XmlError::DocType
        );
    }

    #[test]
    fn refuses_undeclared_entities_and_prefixes() {
        assert!(matches!(
            parse("<r>&lol;</r>", Limits::default()),
            Err(XmlError::Syntax { .. })
        ));
        assert!(matches!(
            parse("<p:r/>", Limits::default()),
            Err(XmlError::Syntax { .. })
        ));
    }

    #[test]
    fn enforces_limits() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(
            parse(&deep, Limits::default()).unwrap_err(),
            XmlError::TooDeep { limit: 64 }
        );
        let wide = format!("<r>{}</r>", "<a/>".repeat(60_000));
        assert_eq!(
            parse(&wide, Limits::default()).unwrap_err(),
            XmlError::TooManyElements { limit: 50_000 }
        );
        let attrs: String = (0..300).map(|i| format!(" a{i}=\"\"")).collect();
        assert_eq!(
            parse(&format!("<r{attrs}/>"), Limits::default()).unwrap_err(),
            XmlError::TooManyAttributes { limit: 256 }
        );
    }

    #[test]
    fn refuses_broken_documents() {
        for doc in [
            "",
            "   ",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "text<a/>",
            "<a/>text",
            "<a x='1' x='2'/>",
        ] {
            assert!(
                parse(doc, Limits::default()).is_err(),
                "{doc:?} should be refused"
            );
        }
    }

    #[test]
    fn normalizes_line_ends_and_attribute_white_space() {
        let root = parse(
            "<r a=\"x\r\ny\tz&#xA;\">1\r\n2\r3&#xD;</r>",
            Limits::default(),
        )
        .unwrap();
        assert_eq!(root.attr("a"), Some("x y z\n"));
        assert_eq!(root.text(), "1\n2\n3\r");
    }

    #[test]
    fn pretty_prints_with_prefixes_kept() {
        let doc =
            r#"<p:r xmlns:p="urn:p" ID="&quot;1"><p:a>x &amp; y</p:a><p:b><p:c/></p:b></p:r>"#;
        let pretty = parse(doc, Limits::default()).unwrap().to_pretty_string();
        assert_eq!(
            pretty,
            "<p:r xmlns:p=\"urn:p\" ID=\"&quot;1\">\n  <p:a>x &amp; y</p:a>\n  <p:b>\n    <p:c/>\n  </p:b>\n</p:r>\n"
        );
    }
}
