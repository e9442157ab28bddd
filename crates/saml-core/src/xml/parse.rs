//! Reading XML into the tree, over quick-xml, within hard limits: DOCTYPEs (and so entity
//! expansion) are refused; depth, element, attribute and namespace-declaration counts and the
//! input's size are capped; namespaces are resolved as elements open, one lookup per name.

use quick_xml::events::{BytesStart, Event};

use super::tree::{Attribute, Document, Element, Node, NS_XML};

/// Limits applied while parsing. The defaults are far above any real SAML message.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Element nesting.
    pub max_depth: usize,
    /// Elements in the whole document.
    pub max_elements: usize,
    /// Attributes on one element.
    pub max_attributes_per_element: usize,
    /// Namespace declarations on one element.
    pub max_namespaces_per_element: usize,
    /// The whole document, in bytes.
    pub max_input_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_elements: 50_000,
            max_attributes_per_element: 256,
            max_namespaces_per_element: 64,
            max_input_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Why a document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Not well-formed.
    #[error("not well-formed XML at byte {position}: {message}")]
    Syntax {
        /// The byte offset where the parser stopped.
        position: u64,
        /// The parser's reason.
        message: String,
    },
    /// A DOCTYPE declaration (refused, so entities are never expanded).
    #[error("the XML has a DOCTYPE declaration; SAML messages never do, and entity declarations are refused rather than expanded")]
    DocType,
    /// Nested deeper than [`Limits::max_depth`].
    #[error("the XML nests deeper than {limit} elements")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More elements than [`Limits::max_elements`].
    #[error("the XML has more than {limit} elements")]
    TooManyElements {
        /// The limit.
        limit: usize,
    },
    /// An element with more attributes than [`Limits::max_attributes_per_element`].
    #[error("an element has more than {limit} attributes")]
    TooManyAttributes {
        /// The limit.
        limit: usize,
    },
    /// An element with more namespace declarations than
    /// [`Limits::max_namespaces_per_element`].
    #[error("an element declares more than {limit} namespaces")]
    TooManyNamespaces {
        /// The limit.
        limit: usize,
    },
    /// A document larger than [`Limits::max_input_bytes`].
    #[error("the XML is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// No root element.
    #[error("the XML has no root element")]
    NoRoot,
    /// Content after the root element.
    #[error("the XML has content after its root element")]
    TrailingContent,
}

/// Parses a whole document into its root element.
pub fn parse(xml: &str, limits: Limits) -> Result<Element, XmlError> {
    parse_document(xml, limits).map(|d| d.root)
}

/// Namespace bindings in scope while parsing: a stack of URIs per prefix ("" for the default,
/// an empty URI for an undeclared default), so resolving a name is one hash lookup however many
/// declarations are in scope.
#[derive(Default)]
struct Bindings {
    by_prefix: std::collections::HashMap<String, Vec<String>>,
    /// For each open element, the prefixes it declared (popped when it closes).
    frames: Vec<Vec<String>>,
}

impl Bindings {
    fn open(&mut self, decls: &[(String, String)]) {
        let mut frame = Vec::with_capacity(decls.len());
        for (p, u) in decls {
            self.by_prefix.entry(p.clone()).or_default().push(u.clone());
            frame.push(p.clone());
        }
        self.frames.push(frame);
    }

    fn close(&mut self) {
        for p in self.frames.pop().unwrap_or_default() {
            if let Some(stack) = self.by_prefix.get_mut(&p) {
                stack.pop();
            }
        }
    }

    /// The namespace of a prefix ("" for unprefixed element names).
    fn resolve(&self, prefix: &str) -> Result<Option<String>, String> {
        if prefix == "xml" {
            return Ok(Some(NS_XML.to_owned()));
        }
        match self.by_prefix.get(prefix).and_then(|s| s.last()) {
            Some(u) if u.is_empty() => Ok(None),
            Some(u) => Ok(Some(u.clone())),
            None if prefix.is_empty() => Ok(None),
            None => Err(format!("the prefix `{prefix}` is not declared")),
        }
    }
}

/// Parses a whole document.
pub fn parse_document(xml: &str, limits: Limits) -> Result<Document, XmlError> {
    if xml.len() > limits.max_input_bytes {
        return Err(XmlError::TooLarge {
            limit: limits.max_input_bytes,
        });
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut bindings = Bindings::default();
    let mut root: Option<Element> = None;
    let mut before_root = Vec::new();
    let mut after_root = Vec::new();
    let mut elements = 0usize;
    let syntax = |reader: &quick_xml::Reader<&[u8]>, e: &dyn std::fmt::Display| XmlError::Syntax {
        position: reader.error_position(),
        message: e.to_string(),
    };
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(syntax(&reader, &e)),
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
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
                let element = element(&mut bindings, start, limits).map_err(|e| match e {
                    ElementError::Limit(e) => e,
                    ElementError::Syntax(m) => XmlError::Syntax {
                        position: reader.buffer_position(),
                        message: m,
                    },
                })?;
                if matches!(event, Event::Empty(_)) {
                    bindings.close();
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
                bindings.close();
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
                let text = normalize_line_ends(&data.into_inner());
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Text(text)),
                    None => return Err(XmlError::TrailingContent),
                }
            }
            Event::Comment(comment) => {
                if let Some(parent) = stack.last_mut() {
                    parent
                        .children
                        .push(Node::Comment(normalize_line_ends(&comment)));
                }
            }
            Event::PI(pi) => {
                let target = String::from_utf8_lossy(pi.target()).into_owned();
                if !is_xml_name(&target) || target.eq_ignore_ascii_case("xml") {
                    return Err(XmlError::Syntax {
                        position: reader.buffer_position(),
                        message: format!("`<?{target}` is not a valid processing instruction"),
                    });
                }
                // The data starts after the white space that follows the target.
                let data = normalize_line_ends(pi.content());
                let data = data.trim_start_matches([' ', '\t', '\n', '\r']).to_owned();
                let node = Node::ProcessingInstruction { target, data };
                match (stack.last_mut(), &root) {
                    (Some(parent), _) => parent.children.push(node),
                    (None, None) => before_root.push(node),
                    (None, Some(_)) => after_root.push(node),
                }
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Decl(_) if root.is_some() || !stack.is_empty() || !before_root.is_empty() => {
                return Err(XmlError::Syntax {
                    position: reader.buffer_position(),
                    message: "an XML declaration where only the document's start may have one"
                        .into(),
                })
            }
            Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::Syntax {
            position: xml.len() as u64,
            message: format!("the document ends before </{}>", open.name),
        });
    }
    let root = root.ok_or(XmlError::NoRoot)?;
    Ok(Document {
        before_root,
        root,
        after_root,
    })
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

/// A qualified name split as Namespaces in XML 1.0 requires: at most one colon, with a
/// non-empty prefix and local part around it.
fn split_qname(name: &str) -> Result<(&str, &str), String> {
    match name.split_once(':') {
        None => Ok(("", name)),
        Some((p, l)) if !p.is_empty() && !l.is_empty() && !l.contains(':') => Ok((p, l)),
        Some(_) => Err(format!("`{name}` is not a valid qualified name")),
    }
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

/// Reads a start tag, opening its namespace declarations in `bindings` (the caller closes
/// them when the element ends).
fn element(
    bindings: &mut Bindings,
    start: &BytesStart,
    limits: Limits,
) -> Result<Element, ElementError> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    if !is_xml_name(&name) {
        return Err(ElementError::Syntax(format!(
            "`<{name}` is not a valid element name"
        )));
    }
    let mut namespace_decls: Vec<(String, String)> = Vec::new();
    let mut raw_attributes: Vec<(String, String)> = Vec::new();
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
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        if !is_xml_name(&key) {
            return Err(ElementError::Syntax(format!(
                "`{key}` is not a valid attribute name"
            )));
        }
        if key == "xmlns" {
            namespace_decls.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            let bad = prefix == "xmlns"
                || prefix.contains(':')
                || value.is_empty()
                || (prefix == "xml") != (value == NS_XML);
            if bad {
                return Err(ElementError::Syntax(format!(
                    "`{key}=\"{value}\"` is not an allowed namespace declaration"
                )));
            }
            namespace_decls.push((prefix.to_owned(), value));
        } else {
            raw_attributes.push((key, value));
        }
        if namespace_decls.len() > limits.max_namespaces_per_element {
            return Err(ElementError::Limit(XmlError::TooManyNamespaces {
                limit: limits.max_namespaces_per_element,
            }));
        }
    }
    bindings.open(&namespace_decls);
    let resolved = (|| {
        let (prefix, local) = split_qname(&name)?;
        let namespace = bindings.resolve(prefix)?;
        let mut attributes = Vec::with_capacity(raw_attributes.len());
        for (key, value) in raw_attributes {
            let (prefix, local) = split_qname(&key)?;
            let namespace = if prefix.is_empty() {
                None
            } else {
                bindings.resolve(prefix)?
            };
            let local = local.to_owned();
            attributes.push(Attribute {
                name: key,
                namespace,
                local,
                value,
            });
        }
        if attributes.len() > 1 {
            let mut seen = std::collections::HashSet::new();
            for a in &attributes {
                if !seen.insert((a.namespace.as_deref(), a.local.as_str())) {
                    return Err(format!(
                        "the attribute `{}` is given twice (by namespace and name)",
                        a.name
                    ));
                }
            }
        }
        Ok((local.to_owned(), namespace, attributes))
    })();
    match resolved {
        Ok((local, namespace, attributes)) => Ok(Element {
            name,
            namespace,
            local,
            namespace_decls,
            attributes,
            children: Vec::new(),
        }),
        Err(m) => {
            bindings.close();
            Err(ElementError::Syntax(m))
        }
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

    #[test]
    fn keeps_processing_instructions_where_they_are() {
        let doc = parse_document("<?a x?><r><?b  y z?></r><?c?>", Limits::default()).unwrap();
        let pi = |t: &str, d: &str| Node::ProcessingInstruction {
            target: t.into(),
            data: d.into(),
        };
        assert_eq!(doc.before_root, [pi("a", "x")]);
        assert_eq!(doc.root.children, [pi("b", "y z")]);
        assert_eq!(doc.after_root, [pi("c", "")]);
        assert!(parse("<r><?xml x?></r>", Limits::default()).is_err());
    }

    #[test]
    fn namespace_lookups_and_declarations_are_bounded() {
        let decls: String = (0..65)
            .map(|i| format!(" xmlns:p{i}=\"urn:{i}\""))
            .collect();
        assert_eq!(
            parse(&format!("<r{decls}/>"), Limits::default()).unwrap_err(),
            XmlError::TooManyNamespaces { limit: 64 }
        );
        let limits = Limits {
            max_input_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(
            parse("<r>01234567890</r>", limits).unwrap_err(),
            XmlError::TooLarge { limit: 10 }
        );
        // Namespace well-formedness: no undeclaring a prefix, no rebinding xml, no a:b:c.
        for doc in [
            r#"<r xmlns:p=""/>"#,
            r#"<r xmlns:xml="urn:x"/>"#,
            r#"<a:b:c xmlns:a="urn:a"/>"#,
            r#"<r xmlns:a="urn:x" xmlns:b="urn:x" a:k="1" b:k="2"/>"#,
        ] {
            assert!(parse(doc, Limits::default()).is_err(), "{doc}");
        }
        // A default namespace undeclared below.
        let root = parse(r#"<r xmlns="urn:d"><s xmlns=""/></r>"#, Limits::default()).unwrap();
        assert_eq!(root.elements().next().unwrap().namespace, None);
    }
}
