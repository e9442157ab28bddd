//! Canonical XML over the tree of [`crate::xml`]: Exclusive XML Canonicalization 1.0 (with and
//! without comments, with an InclusiveNamespaces PrefixList) and Canonical XML 1.0, for a
//! subtree with one element left out (the enveloped signature).
//!
//! Namespace declarations are rendered where exclusive c14n says they are visibly utilized (or
//! listed as inclusive), attributes in c14n order, text and attribute values escaped as c14n
//! requires, empty elements as start-end pairs.

use std::collections::{BTreeMap, HashMap};

use crate::xml::{Attribute, Element, Node, NS_XML};

/// A canonicalization method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Exclusive XML Canonicalization 1.0.
    Exclusive {
        /// `#WithComments`: comments are kept.
        with_comments: bool,
        /// The InclusiveNamespaces PrefixList: prefixes treated as in inclusive canonicalization.
        inclusive_prefixes: Vec<String>,
    },
    /// Canonical XML 1.0.
    Inclusive {
        /// `#WithComments`: comments are kept.
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

/// Parent links of a parsed tree, built once per document in one pass, so the namespaces and
/// `xml:*` attributes an element inherits are found by walking up its ancestors (bounded by the
/// parser's depth limit), never by searching the document again.
pub struct Index<'a> {
    parents: HashMap<*const Element, &'a Element>,
}

impl<'a> Index<'a> {
    /// Indexes the tree under `root`.
    pub fn new(root: &'a Element) -> Self {
        let mut parents = HashMap::new();
        let mut stack = vec![root];
        while let Some(e) = stack.pop() {
            for c in e.elements() {
                parents.insert(c as *const Element, e);
                stack.push(c);
            }
        }
        Self { parents }
    }

    /// The parent of `e`, `None` for the root (or an element not in the tree).
    pub fn parent(&self, e: &Element) -> Option<&'a Element> {
        self.parents.get(&(e as *const Element)).copied()
    }

    /// `e`'s ancestors, nearest first.
    pub fn ancestors(&self, e: &Element) -> impl Iterator<Item = &'a Element> + '_ {
        std::iter::successors(self.parent(e), move |p| self.parent(p))
    }

    /// Whether `e` is in this index's tree.
    pub fn contains(&self, root: &Element, e: &Element) -> bool {
        std::ptr::eq(root, e) || self.parents.contains_key(&(e as *const Element))
    }

    /// The namespaces in scope at `e` declared by its ancestors (not by itself).
    pub fn scope_of(&self, e: &Element) -> Scope {
        let mut scope = Scope::new();
        let chain: Vec<&Element> = self.ancestors(e).collect();
        for a in chain.iter().rev() {
            for (p, u) in &a.namespace_decls {
                scope.insert(p.clone(), u.clone());
            }
        }
        scope
    }

    /// The `xml:*` attributes `e` inherits from its ancestors and does not carry itself,
    /// the nearest ancestor's value winning (Canonical XML 1.0, section 2.4).
    fn inherited_xml_attributes(&self, e: &Element) -> Vec<&'a Attribute> {
        let mut out: Vec<&'a Attribute> = Vec::new();
        for a in self.ancestors(e) {
            for attr in &a.attributes {
                if attr.namespace.as_deref() == Some(NS_XML)
                    && !e
                        .attributes
                        .iter()
                        .any(|x| x.namespace == attr.namespace && x.local == attr.local)
                    && !out.iter().any(|x| x.local == attr.local)
                {
                    out.push(attr);
                }
            }
        }
        out
    }
}

/// The namespaces in scope at `target` (declared by its ancestors, not by itself). `None` if
/// `target` is not in the tree. Builds an [`Index`]: for one lookup only.
pub fn scope_of(root: &Element, target: &Element) -> Option<Scope> {
    let index = Index::new(root);
    index.contains(root, target).then(|| index.scope_of(target))
}

/// What to canonicalize: a subtree, with what a Reference's transforms take out of it.
pub struct Subtree<'a> {
    /// The element whose subtree is canonicalized.
    pub apex: &'a Element,
    /// An element left out with its descendants (the enveloped signature).
    pub exclude: Option<&'a Element>,
    /// Comments are removed whatever the method says: a same-document reference (`URI=""`
    /// or `URI="#id"`) selects a node-set without comments (XML-DSig 4.3.3.3).
    pub drop_comments: bool,
}

/// Canonicalizes `element`, whose ancestors declare `scope`, leaving out `exclude`. Inherited
/// `xml:*` attributes are not known here: use [`canonicalize_in`] for inclusive c14n of an
/// element that has ancestors.
pub fn canonicalize<'a>(
    element: &'a Element,
    scope: &'a Scope,
    method: &Method,
    exclude: Option<&'a Element>,
) -> Vec<u8> {
    let mut out = Writer::new(method, exclude, method.with_comments());
    for (p, u) in scope {
        out.in_scope.entry(p.as_str()).or_default().push(u.as_str());
    }
    out.element(element, true, &[]);
    out.out.into_bytes()
}

/// Canonicalizes a subtree of the tree `index` was built on.
pub fn canonicalize_in<'a>(index: &Index<'a>, subtree: &Subtree<'a>, method: &Method) -> Vec<u8> {
    let scope = index.scope_of(subtree.apex);
    let inherited = match method {
        Method::Inclusive { .. } => index.inherited_xml_attributes(subtree.apex),
        Method::Exclusive { .. } => Vec::new(),
    };
    let mut out = Writer::new(
        method,
        subtree.exclude,
        method.with_comments() && !subtree.drop_comments,
    );
    for (p, u) in &scope {
        out.in_scope.entry(p.as_str()).or_default().push(u.as_str());
    }
    out.element(subtree.apex, true, &inherited);
    out.out.into_bytes()
}

/// Canonicalizes a whole document (`URI=""`): the processing instructions around the root
/// element, then the root; comments are never part of it.
pub fn canonicalize_document<'a>(
    before_root: &'a [Node],
    root: &'a Element,
    after_root: &'a [Node],
    method: &Method,
    exclude: Option<&'a Element>,
) -> Vec<u8> {
    let mut out = Writer::new(method, exclude, false);
    for n in before_root {
        out.node(n);
        out.out.push('\n');
    }
    out.element(root, true, &[]);
    for n in after_root {
        out.out.push('\n');
        out.node(n);
    }
    out.out.into_bytes()
}

/// The canonicalizer's state: namespaces in scope and namespaces rendered, each a stack per
/// prefix, so every element costs time in proportion to its own size only.
struct Writer<'m, 'e> {
    method: &'m Method,
    exclude: Option<&'e Element>,
    comments: bool,
    in_scope: HashMap<&'e str, Vec<&'e str>>,
    rendered: HashMap<&'e str, Vec<&'e str>>,
    out: String,
}

impl<'m, 'e> Writer<'m, 'e> {
    fn new(method: &'m Method, exclude: Option<&'e Element>, comments: bool) -> Self {
        Self {
            method,
            exclude,
            comments,
            in_scope: HashMap::new(),
            rendered: HashMap::new(),
            out: String::new(),
        }
    }

    fn top<'a>(map: &'a HashMap<&'e str, Vec<&'e str>>, p: &str) -> &'e str {
        map.get(p).and_then(|s| s.last().copied()).unwrap_or("")
    }

    fn node(&mut self, n: &'e Node) {
        match n {
            Node::Element(c) if self.exclude.is_some_and(|x| std::ptr::eq(x, c)) => {}
            Node::Element(c) => self.element(c, false, &[]),
            Node::Text(t) => escape_text(t, &mut self.out),
            Node::Comment(c) if self.comments => {
                self.out.push_str("<!--");
                self.out.push_str(c);
                self.out.push_str("-->");
            }
            Node::Comment(_) => {}
            Node::ProcessingInstruction { target, data } => {
                self.out.push_str("<?");
                self.out.push_str(target);
                if !data.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(data);
                }
                self.out.push_str("?>");
            }
        }
    }

    fn element(&mut self, e: &'e Element, apex: bool, inherited: &[&'e Attribute]) {
        for (p, u) in &e.namespace_decls {
            self.in_scope
                .entry(p.as_str())
                .or_default()
                .push(u.as_str());
        }
        // The prefixes whose declarations this element must consider.
        let mut wanted: Vec<&'e str> = Vec::new();
        match self.method {
            Method::Exclusive {
                inclusive_prefixes, ..
            } => {
                wanted.push(e.name.split_once(':').map(|(p, _)| p).unwrap_or(""));
                for a in &e.attributes {
                    if let Some((p, _)) = a.name.split_once(':') {
                        wanted.push(p);
                    }
                }
                for p in inclusive_prefixes {
                    let p = if p == "#default" { "" } else { p.as_str() };
                    // Only prefixes of this document can be rendered; look the owned one up.
                    if let Some((k, _)) = self.in_scope.get_key_value(p) {
                        wanted.push(k);
                    }
                }
            }
            Method::Inclusive { .. } if apex => {
                wanted.extend(self.in_scope.keys().copied());
                wanted.push("");
            }
            Method::Inclusive { .. } => {
                wanted.extend(e.namespace_decls.iter().map(|(p, _)| p.as_str()));
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let mut pushed: Vec<&'e str> = Vec::new();
        let mut decls: Vec<(&'e str, &'e str)> = Vec::new();
        for p in wanted {
            if p == "xml" {
                continue;
            }
            let uri = Self::top(&self.in_scope, p);
            let above = Self::top(&self.rendered, p);
            if p.is_empty() {
                // xmlns="" is written only to undo a default namespace rendered above.
                if uri != above {
                    decls.push(("", uri));
                    self.rendered.entry("").or_default().push(uri);
                    pushed.push("");
                }
                continue;
            }
            if uri.is_empty() {
                continue; // not in scope: nothing to declare
            }
            if above != uri {
                decls.push((p, uri));
                self.rendered.entry(p).or_default().push(uri);
                pushed.push(p);
            }
        }
        let out = &mut self.out;
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
        let mut attrs: Vec<&Attribute> = e
            .attributes
            .iter()
            .chain(inherited.iter().copied())
            .collect();
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
            self.node(child);
        }
        self.out.push_str("</");
        self.out.push_str(&e.name);
        self.out.push('>');
        for p in pushed {
            if let Some(s) = self.rendered.get_mut(p) {
                s.pop();
            }
        }
        for (p, _) in &e.namespace_decls {
            if let Some(s) = self.in_scope.get_mut(p.as_str()) {
                s.pop();
            }
        }
    }
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

    #[test]
    fn processing_instructions_are_canonicalized_in_place() {
        let doc = "<r><?pi  some data ?><a/><?empty?></r>";
        let root = parse(doc, Limits::default()).unwrap();
        let method = Method::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        };
        assert_eq!(
            String::from_utf8(canonicalize(&root, &Scope::new(), &method, None)).unwrap(),
            "<r><?pi some data ?><a></a><?empty?></r>"
        );
    }

    #[test]
    fn inclusive_inherits_xml_attributes_from_outside_the_subtree() {
        let doc = r#"<r xml:lang="en" xml:space="preserve"><m xml:lang="fr"><x xml:space="default"/></m></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        let index = Index::new(&root);
        let x = root.elements().next().unwrap().elements().next().unwrap();
        let subtree = Subtree {
            apex: x,
            exclude: None,
            drop_comments: false,
        };
        let inclusive = Method::Inclusive {
            with_comments: false,
        };
        assert_eq!(
            String::from_utf8(canonicalize_in(&index, &subtree, &inclusive)).unwrap(),
            r#"<x xml:lang="fr" xml:space="default"></x>"#
        );
        // Exclusive c14n does not inherit them.
        let exclusive = Method::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        };
        assert_eq!(
            String::from_utf8(canonicalize_in(&index, &subtree, &exclusive)).unwrap(),
            r#"<x xml:space="default"></x>"#
        );
    }

    #[test]
    fn a_same_document_reference_drops_comments_even_with_comments() {
        let root = parse("<r><!--c-->t</r>", Limits::default()).unwrap();
        let index = Index::new(&root);
        let method = Method::Exclusive {
            with_comments: true,
            inclusive_prefixes: vec![],
        };
        let mut subtree = Subtree {
            apex: &root,
            exclude: None,
            drop_comments: true,
        };
        assert_eq!(canonicalize_in(&index, &subtree, &method), b"<r>t</r>");
        subtree.drop_comments = false;
        assert_eq!(
            canonicalize_in(&index, &subtree, &method),
            b"<r><!--c-->t</r>"
        );
    }

    #[test]
    fn inclusive_below_the_apex_renders_only_what_changes() {
        let doc = r#"<r xmlns="urn:d" xmlns:a="urn:a"><s><t xmlns:a="urn:a" xmlns:b="urn:b"><u xmlns=""/></t></s></r>"#;
        let root = parse(doc, Limits::default()).unwrap();
        let index = Index::new(&root);
        let s = root.elements().next().unwrap();
        let subtree = Subtree {
            apex: s,
            exclude: None,
            drop_comments: false,
        };
        let method = Method::Inclusive {
            with_comments: false,
        };
        assert_eq!(
            String::from_utf8(canonicalize_in(&index, &subtree, &method)).unwrap(),
            r#"<s xmlns="urn:d" xmlns:a="urn:a"><t xmlns:b="urn:b"><u xmlns=""></u></t></s>"#
        );
    }
}
