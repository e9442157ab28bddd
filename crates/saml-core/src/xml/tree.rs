//! The XML tree as parsed: elements with their namespaces resolved and their prefixes and
//! namespace declarations kept as written, text, comments and processing instructions; read by
//! namespace and local name, and printed indented for people.

use std::fmt::Write as _;

/// An attribute of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written (`xsi:type`).
    pub name: String,
    /// Its namespace, `None` for an unprefixed attribute.
    pub namespace: Option<String>,
    /// Its local name.
    pub local: String,
    /// Its value, entities and character references resolved.
    pub value: String,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data (CDATA included), entities resolved.
    Text(String),
    /// A comment's text.
    Comment(String),
    /// `<?target data?>`; `data` without the white space after the target.
    ProcessingInstruction {
        /// The target.
        target: String,
        /// What follows the target.
        data: String,
    },
}

/// An element with its attributes and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written (`saml2:Assertion`).
    pub name: String,
    /// Its namespace, `None` when it has none.
    pub namespace: Option<String>,
    /// Its local name (`Assertion`).
    pub local: String,
    /// Namespace declarations on this element: (prefix, or "" for the default; URI).
    pub namespace_decls: Vec<(String, String)>,
    /// Its attributes (namespace declarations apart), in document order.
    pub attributes: Vec<Attribute>,
    /// Its children, in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// True for the element `local` in `namespace`.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.local == local && self.namespace.as_deref() == Some(namespace)
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The child elements named `local` in `namespace`, in order.
    pub fn children_named<'a>(
        &'a self,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(namespace, local))
    }

    /// The first child element named `local` in `namespace`.
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
                    Node::ProcessingInstruction { target, data } if data.is_empty() => {
                        let _ = writeln!(out, "{indent}  <?{target}?>");
                    }
                    Node::ProcessingInstruction { target, data } => {
                        let _ = writeln!(out, "{indent}  <?{target} {data}?>");
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

/// The XML namespace, bound to the `xml` prefix by definition.
pub const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A parsed document: its root element and the processing instructions around it (comments
/// outside the root are dropped: no canonicalization of a SAML reference includes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Processing instructions before the root element, in order.
    pub before_root: Vec<Node>,
    /// The root element.
    pub root: Element,
    /// Processing instructions after the root element, in order.
    pub after_root: Vec<Node>,
}
