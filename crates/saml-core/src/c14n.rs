//! Canonical XML over the tree of [`crate::xml`]: Exclusive XML Canonicalization 1.0 (with and
//! without comments, with an InclusiveNamespaces PrefixList) and Canonical XML 1.0, for a
//! subtree with one element left out (the enveloped signature).
//!
//! Namespace declarations are rendered where exclusive c14n says they are visibly utilized (or
//! listed as inclusive), attributes in c14n order, text and attribute values escaped as c14n
//! requires, empty elements as start-end pairs.

use std::collections::BTreeMap;

use crate::xml::{Element, Node};

/// A canonicalization method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Exclusive {
        with_comments: bool,
        inclusive_prefixes: Vec<String>,
    },
    Inclusive {
        with_comments: bool,
    },
}

impl Method {
    /// From a CanonicalizationMethod or Transform algorithm URI; `inclusive_prefixes` from its
    /// `ec:InclusiveNamespaces PrefixList`.
    pub fn from_uri(uri: &str, inclusive_prefixes: Vec<String>) -> Option<Self> {
        Some(match uri {
            "http://www.w3.org/2001/10/xml-exc-c14n#" => Method::Exclusive {
                with_comments: false,
                inclusive_prefixes,
            },
            "http://www.w3.org/2001/10/xml-exc-c14n#WithComments" => Method::Exclusive {
                with_comments: true,
                inclusive_prefixes,
            },
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315" => Method::Inclusive {
                with_comments: false,
            },
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments" => Method::Inclusive {
                with_comments: true,
            },
            _ => return None,
        })
    }

    fn with_comments(&self) -> bool {
        match self {
            Method::Exclusive { with_comments, .. } | Method::Inclusive { with_comments } => {
                *with_comments
            }
        }
    }
}

/// Namespace declarations in scope: prefix ("" for the default) to URI.
pub type Scope = BTreeMap<String, String>;

/// The namespaces in scope at `target` (declared by its ancestors, not by itself), found by
/// walking down from `root`. `None` if `target` is not in the tree.
pub fn scope_of(root: &Element, target: &Element) -> Option<Scope> {
    fn walk(e: &Element, target: &Element, scope: &Scope) -> Option<Scope> {
        if std::ptr::eq(e, target) {
            return Some(scope.clone());
        }
        let mut inner = scope.clone();
        for (p, u) in &e.namespace_decls {
            inner.insert(p.clone(), u.clone());
        }
        e.elements().find_map(|c| walk(c, target, &inner))
    }
    walk(root, target, &Scope::new())
}

/// Canonicalizes `element`, whose ancestors declare `scope`, leaving out `exclude`.
pub fn canonicalize(
    element: &Element,
    scope: &Scope,
    method: &Method,
    exclude: Option<&Element>,
) -> Vec<u8> {
    let mut out = String::new();
    render(element, scope, &Scope::new(), method, exclude, &mut out);
    out.into_bytes()
}

fn render(
    e: &Element,
    parent_scope: &Scope,
    rendered: &Scope,
    method: &Method,
    exclude: Option<&Element>,
    out: &mut String,
) {
    let mut scope = parent_scope.clone();
    for (p, u) in &e.namespace_decls {
        scope.insert(p.clone(), u.clone());
    }
    let element_prefix = e.name.split_once(':').map(|(p, _)| p).unwrap_or("");
    // The prefixes whose declarations this element must carry.
    let mut wanted: Vec<&str> = Vec::new();
    match method {
        Method::Exclusive {
            inclusive_prefixes, ..
        } => {
            wanted.push(element_prefix);
            for a in &e.attributes {
                if let Some((p, _)) = a.name.split_once(':') {
                    wanted.push(p);
                }
            }
            for p in inclusive_prefixes {
                wanted.push(if p == "#default" { "" } else { p.as_str() });
            }
        }
        Method::Inclusive { .. } => {
            wanted.extend(scope.keys().map(String::as_str));
            wanted.push("");
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut now_rendered = rendered.clone();
    let mut decls: Vec<(String, String)> = Vec::new();
    for p in wanted {
        if p == "xml" {
            continue;
        }
        let uri = scope.get(p).cloned().unwrap_or_default();
        if p.is_empty() {
            // xmlns="" is written only to undo a default namespace rendered above.
            let above = rendered.get("").map(String::as_str).unwrap_or("");
            if uri != above {
                decls.push((String::new(), uri.clone()));
                now_rendered.insert(String::new(), uri);
            }
            continue;
        }
        if uri.is_empty() {
            continue; // not in scope: nothing to declare
        }
        if rendered.get(p) != Some(&uri) {
            decls.push((p.to_owned(), uri.clone()));
            now_rendered.insert(p.to_owned(), uri);
        }
    }
    out.push('<');
    out.push_str(&e.name);
    for (p, u) in &decls {
        if p.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(p);
            out.push_str("=\"");
        }
        escape_attr(u, out);
        out.push('"');
    }
    let mut attrs: Vec<_> = e.attributes.iter().collect();
    attrs.sort_by(|a, b| {
        (a.namespace.as_deref().unwrap_or(""), &a.local)
            .cmp(&(b.namespace.as_deref().unwrap_or(""), &b.local))
    });
    for a in attrs {
        out.push(' ');
        out.push_str(&a.name);
        out.push_str("=\"");
        escape_attr(&a.value, out);
        out.push('"');
    }
    out.push('>');
    for child in &e.children {
        match child {
            Node::Element(c) if exclude.is_some_and(|x| std::ptr::eq(x, c)) => {}
            Node::Element(c) => render(c, &scope, &now_rendered, method, exclude, out),
            Node::Text(t) => escape_text(t, out),
            Node::Comment(c) if method.with_comments() => {
                out.push_str("<!--");
                out.push_str(c);
                out.push_str("-->");
            }
            Node::Comment(_) => {}
        }
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{parse, Limits};

    fn exc(doc: &str, path: &[usize], prefixes: &[&str]) -> String {
        let root = parse(doc, Limits::default()).unwrap();
        let mut target = &root;
        for i in path {
            target = target.elements().nth(*i).unwrap();
        }
        let scope = scope_of(&root, target).unwrap();
        let method = Method::Exclusive {
            with_comments: false,
            inclusive_prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        };
        String::from_utf8(canonicalize(target, &scope, &method, None)).unwrap()
    }

    #[test]
    fn exclusive_renders_only_visibly_utilized_namespaces() {
        let doc = r#"<p:r xmlns:p="urn:p" xmlns:q="urn:q" xmlns="urn:d"><p:a q:x="1" b="2" a="3"><c/><!-- gone --><p:d xmlns:p="urn:p"/></p:a></p:r>"#;
        assert_eq!(
            exc(doc, &[0], &[]),
            r#"<p:a xmlns:p="urn:p" xmlns:q="urn:q" a="3" b="2" q:x="1"><c xmlns="urn:d"></c><p:d></p:d></p:a>"#
        );
        // An inclusive prefix is rendered though unused.
        assert_eq!(
            exc(r#"<r xmlns:s="urn:s"><a/></r>"#, &[0], &["s"]),
            r#"<a xmlns:s="urn:s"></a>"#
        );
    }

    #[test]
    fn escapes_as_c14n_requires() {
        let doc = "<a b=\"&quot;&amp;&lt;&gt;&#x9;&#xA;&#xD;\">&amp;&lt;&gt;\"'&#xD;</a>";
        assert_eq!(
            exc(doc, &[], &[]),
            "<a b=\"&quot;&amp;&lt;>&#x9;&#xA;&#xD;\">&amp;&lt;&gt;\"'&#xD;</a>"
        );
    }

    #[test]
    fn undeclares_the_default_namespace_only_when_needed() {
        let doc = r#"<r xmlns="urn:d"><a xmlns=""><b/></a></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        let method = Method::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        };
        let out = String::from_utf8(canonicalize(&root, &Scope::new(), &method, None)).unwrap();
        assert_eq!(out, r#"<r xmlns="urn:d"><a xmlns=""><b></b></a></r>"#);
    }

    #[test]
    fn inclusive_renders_every_namespace_in_scope_at_the_apex() {
        let doc = r#"<r xmlns:a="urn:a" xmlns:b="urn:b"><x/></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        let x = root.elements().next().unwrap();
        let out = canonicalize(
            x,
            &scope_of(&root, x).unwrap(),
            &Method::Inclusive {
                with_comments: false,
            },
            None,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<x xmlns:a="urn:a" xmlns:b="urn:b"></x>"#
        );
    }

    #[test]
    fn leaves_out_the_excluded_element() {
        let doc = r#"<r><s/><t>1</t></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        let s = root.elements().next().unwrap();
        let method = Method::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        };
        assert_eq!(
            String::from_utf8(canonicalize(&root, &Scope::new(), &method, Some(s))).unwrap(),
            "<r><t>1</t></r>"
        );
    }
}
