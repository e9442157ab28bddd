//! XML-DSig verification under structural attack. Starts from the signed fixtures (documents
//! whose signatures verify against the metadata) and mutates their structure, not only their
//! bytes: elements moved, duplicated, wrapped (Extensions, Advice, a new Assertion), deleted;
//! IDs copied onto other elements; algorithms swapped (HMAC, MD5, SHA-384, ECDSA, C14N 1.1,
//! XPath, with comments); text changed; comments and processing instructions inserted. One
//! mutation in four is libFuzzer's own byte mutation.
//!
//! Oracle: whatever the report shows as covered by a verified signature must be exactly what
//! the identity provider signed in one of the seeds. A report that marks the assertion (or the
//! response) as signed while showing a NameID, Role, RoleSessionName, Audience, Recipient or
//! validity the IdP never signed is an accept of an altered meaning: the target panics.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::{fuzz_mutator, fuzz_target};
use saml_core::metadata::Metadata;
use saml_core::xml::{Element, Node};
use saml_core::{AsOf, AsOfSource, Context, Facts, Timestamp};

const METADATA: &str = include_str!("../../tests/fixtures/signed/metadata-rotation.xml");
const SEEDS: &[&str] = &[
    include_str!("../../tests/fixtures/signed/xmlsec1-response-signed.xml"),
    include_str!("../../tests/fixtures/signed/xmlsec1-assertion-signed.xml"),
    include_str!("../../tests/fixtures/signed/xmlsec1-both-signed.xml"),
    include_str!("../../tests/fixtures/signed/xmlsec1-sha1.xml"),
    include_str!("../../tests/fixtures/signed/xmlsec1-signed-by-rotated-key.xml"),
    include_str!("../../tests/fixtures/signed/signxml-response-signed.xml"),
    include_str!("../../tests/fixtures/signed/signxml-assertion-signed.xml"),
    include_str!("../../tests/fixtures/signed/signxml-both-signed.xml"),
    include_str!("../../tests/fixtures/signed/signxml-signed-by-rotated-key.xml"),
    include_str!("../../tests/fixtures/signed/comment-in-nameid.xml"),
];

/// What an assertion says, as the report shows it.
type AssertionFacts = (
    Option<String>,
    Vec<String>,
    Option<String>,
    Vec<String>,
    Option<String>,
    Option<Timestamp>,
    Option<Timestamp>,
);
/// What a response says about itself, as the report shows it.
type ResponseFacts = (Option<String>, Option<String>);

struct Oracle {
    metadata: Metadata,
    assertions: HashSet<AssertionFacts>,
    responses: HashSet<ResponseFacts>,
}

fn as_of() -> AsOf {
    AsOf {
        instant: Timestamp::parse("2026-11-20T10:00:02Z").expect("a valid instant"),
        source: AsOfSource::Given,
    }
}

fn assertion_facts(f: &Facts) -> AssertionFacts {
    (
        f.name_id.clone(),
        f.roles.clone(),
        f.role_session_name.clone(),
        f.audiences.clone(),
        f.recipient.clone(),
        f.not_before,
        f.not_on_or_after,
    )
}

fn response_facts(f: &Facts) -> ResponseFacts {
    (f.destination.clone(), f.status.clone())
}

fn oracle() -> &'static Oracle {
    static ORACLE: OnceLock<Oracle> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let metadata = saml_core::metadata::parse(METADATA).expect("the fixture metadata parses");
        let mut assertions = HashSet::new();
        let mut responses = HashSet::new();
        for seed in SEEDS {
            let report = diagnose(seed, &metadata);
            if report.facts.assertion_signed {
                assertions.insert(assertion_facts(&report.facts));
            }
            if report.facts.response_signed {
                responses.insert(response_facts(&report.facts));
            }
        }
        assert!(!assertions.is_empty(), "the seeds verify");
        Oracle {
            metadata,
            assertions,
            responses,
        }
    })
}

fn diagnose(xml: &str, metadata: &Metadata) -> saml_core::Report {
    let ctx = Context {
        metadata: Some(metadata),
        ..Context::new(as_of())
    };
    saml_core::diagnose_xml_in(xml, &ctx)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let oracle = oracle();
    let report = diagnose(text, &oracle.metadata);
    if report.facts.assertion_signed {
        let shown = assertion_facts(&report.facts);
        assert!(
            oracle.assertions.contains(&shown),
            "the report marks the assertion as signed but shows facts the IdP never signed: {shown:?}\n{:#?}",
            report.findings
        );
    }
    if report.facts.response_signed {
        let shown = response_facts(&report.facts);
        assert!(
            oracle.responses.contains(&shown),
            "the report marks the response as signed but shows facts the IdP never signed: {shown:?}"
        );
    }
    if let Some(summary) = &report.facts.signature {
        let claims = !summary.starts_with("NOT") && summary.contains("covered by a valid signature");
        if claims {
            assert!(
                report.facts.assertion_signed || report.facts.response_signed,
                "the summary claims coverage the facts do not have: {summary}"
            );
        }
    }
    // The rest of the verifier's API must not panic either.
    if let Ok(root) = saml_core::xml::parse(text, saml_core::xml::Limits::default()) {
        let checked = saml_core::dsig::verify(&root, None);
        let _ = saml_core::dsig::summary(&checked);
    }
});

/// A small deterministic generator (xorshift), seeded by libFuzzer.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const ALGORITHMS: &[&str] = &[
    "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#md5",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/TR/1999/REC-xpath-19991116",
    "http://www.w3.org/TR/1999/REC-xslt-19991116",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "",
];

const WRAPPERS: &[(&str, &str, &str)] = &[
    ("samlp:Extensions", "samlp", "urn:oasis:names:tc:SAML:2.0:protocol"),
    ("saml:Advice", "saml", "urn:oasis:names:tc:SAML:2.0:assertion"),
    ("saml:Assertion", "saml", "urn:oasis:names:tc:SAML:2.0:assertion"),
    ("ds:Object", "ds", "http://www.w3.org/2000/09/xmldsig#"),
    ("x:Wrapper", "x", "urn:attacker"),
];

/// Paths (child indices into `children`) of every element below `e`.
fn element_paths(e: &Element, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    for (i, c) in e.children.iter().enumerate() {
        if let Node::Element(c) = c {
            prefix.push(i);
            out.push(prefix.clone());
            element_paths(c, prefix, out);
            prefix.pop();
        }
    }
}

fn at_mut<'a>(root: &'a mut Element, path: &[usize]) -> Option<&'a mut Element> {
    let mut e = root;
    for &i in path {
        e = match e.children.get_mut(i)? {
            Node::Element(c) => c,
            _ => return None,
        };
    }
    Some(e)
}

fn take(root: &mut Element, path: &[usize]) -> Option<Node> {
    let (last, parent) = path.split_last()?;
    let parent = at_mut(root, parent)?;
    (*last < parent.children.len()).then(|| parent.children.remove(*last))
}

fn put(root: &mut Element, rng: &mut Rng, node: Node) {
    let mut paths = vec![Vec::new()];
    element_paths(root, &mut Vec::new(), &mut paths);
    let path = paths[rng.below(paths.len())].clone();
    if let Some(parent) = at_mut(root, &path) {
        let at = rng.below(parent.children.len() + 1);
        parent.children.insert(at, node);
    }
}

fn mutate_tree(root: &mut Element, rng: &mut Rng, seeds_ids: &[String]) {
    let mut paths = Vec::new();
    element_paths(root, &mut Vec::new(), &mut paths);
    if paths.is_empty() {
        return;
    }
    let pick = paths[rng.below(paths.len())].clone();
    match rng.below(9) {
        // Move an element elsewhere.
        0 => {
            if let Some(node) = take(root, &pick) {
                put(root, rng, node);
            }
        }
        // Duplicate an element (IDs and signatures included).
        1 => {
            if let Some(Node::Element(e)) = at_mut(root, &pick).map(|e| Node::Element(e.clone())) {
                put(root, rng, Node::Element(e));
            }
        }
        // Wrap an element into a new one, here or elsewhere.
        2 => {
            if let Some(node) = take(root, &pick) {
                let (name, prefix, ns) = WRAPPERS[rng.below(WRAPPERS.len())];
                let local = name.split_once(':').map(|(_, l)| l).unwrap_or(name);
                let mut attributes = Vec::new();
                if local == "Assertion" {
                    attributes.push(saml_core::xml::Attribute {
                        name: "ID".into(),
                        namespace: None,
                        local: "ID".into(),
                        value: format!("_wrap{}", rng.below(1000)),
                    });
                }
                let wrapper = Element {
                    name: name.into(),
                    namespace: Some(ns.into()),
                    local: local.into(),
                    namespace_decls: vec![(prefix.into(), ns.into())],
                    attributes,
                    children: vec![node],
                };
                if rng.below(2) == 0 {
                    let (last, parent) = pick.split_last().expect("not the root");
                    if let Some(p) = at_mut(root, parent) {
                        let at = (*last).min(p.children.len());
                        p.children.insert(at, Node::Element(wrapper));
                    }
                } else {
                    put(root, rng, Node::Element(wrapper));
                }
            }
        }
        // Delete an element.
        3 => {
            take(root, &pick);
        }
        // Swap an algorithm.
        4 => {
            let mut with_alg: Vec<Vec<usize>> = paths
                .iter()
                .filter(|p| {
                    at_mut(root, p).is_some_and(|e| e.attributes.iter().any(|a| a.local == "Algorithm"))
                })
                .cloned()
                .collect();
            if with_alg.is_empty() {
                with_alg.push(pick);
            }
            let p = with_alg[rng.below(with_alg.len())].clone();
            let alg = ALGORITHMS[rng.below(ALGORITHMS.len())];
            if let Some(e) = at_mut(root, &p) {
                for a in e.attributes.iter_mut().filter(|a| a.local == "Algorithm") {
                    a.value = alg.into();
                }
            }
        }
        // Give an element an ID: another element's, a seed's, or a new one.
        5 => {
            let id = match rng.below(3) {
                0 if !seeds_ids.is_empty() => seeds_ids[rng.below(seeds_ids.len())].clone(),
                _ => format!("_id{}", rng.below(100)),
            };
            if let Some(e) = at_mut(root, &pick) {
                match e.attributes.iter_mut().find(|a| a.local == "ID" && a.namespace.is_none()) {
                    Some(a) => a.value = id,
                    None => e.attributes.push(saml_core::xml::Attribute {
                        name: "ID".into(),
                        namespace: None,
                        local: "ID".into(),
                        value: id,
                    }),
                }
            }
        }
        // Change what an element says.
        6 => {
            const VALUES: &[&str] = &[
                "attacker@evil.example",
                "arn:aws:iam::999999999999:role/Admin,arn:aws:iam::999999999999:saml-provider/Evil",
                "https://signin.aws.amazon.com/saml",
                "2099-01-01T00:00:00Z",
            ];
            if let Some(e) = at_mut(root, &pick) {
                let v = VALUES[rng.below(VALUES.len())].to_owned();
                if rng.below(2) == 0 || e.attributes.is_empty() {
                    e.children.retain(|c| matches!(c, Node::Element(_)));
                    e.children.push(Node::Text(v));
                } else {
                    let i = rng.below(e.attributes.len());
                    e.attributes[i].value = v;
                }
            }
        }
        // Insert a comment or a processing instruction.
        7 => {
            let node = if rng.below(2) == 0 {
                Node::Comment(" inserted ".into())
            } else {
                Node::ProcessingInstruction {
                    target: "evil".into(),
                    data: "x".into(),
                }
            };
            put(root, rng, node);
        }
        // Move an element to become the first child of the root (decoy first).
        _ => {
            if let Some(node) = take(root, &pick) {
                root.children.insert(0, node);
            }
        }
    }
}

fn escape(s: &str, attribute: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' if !attribute => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' if attribute => out.push_str("&#x9;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Writes the tree back as XML, faithfully enough that unchanged signed content still verifies.
fn write(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    for (p, u) in &e.namespace_decls {
        out.push_str(if p.is_empty() { " xmlns" } else { " xmlns:" });
        out.push_str(p);
        out.push_str("=\"");
        escape(u, true, out);
        out.push('"');
    }
    for a in &e.attributes {
        out.push(' ');
        out.push_str(&a.name);
        out.push_str("=\"");
        escape(&a.value, true, out);
        out.push('"');
    }
    out.push('>');
    for c in &e.children {
        match c {
            Node::Element(c) => write(c, out),
            Node::Text(t) => escape(t, false, out),
            Node::Comment(t) => {
                out.push_str("<!--");
                out.push_str(t);
                out.push_str("-->");
            }
            Node::ProcessingInstruction { target, data } => {
                out.push_str("<?");
                out.push_str(target);
                if !data.is_empty() {
                    out.push(' ');
                    out.push_str(data);
                }
                out.push_str("?>");
            }
        }
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if rng.below(4) == 0 {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    let parsed = std::str::from_utf8(&data[..size])
        .ok()
        .and_then(|t| saml_core::xml::parse(t, saml_core::xml::Limits::default()).ok());
    let mut root = match parsed {
        Some(root) if rng.below(8) != 0 => root,
        // Unparsable input, or now and then: start again from a seed.
        _ => match saml_core::xml::parse(SEEDS[rng.below(SEEDS.len())], saml_core::xml::Limits::default()) {
            Ok(root) => root,
            Err(_) => return libfuzzer_sys::fuzzer_mutate(data, size, max_size),
        },
    };
    let ids: Vec<String> = std::iter::once(&root)
        .chain(root.descendants())
        .filter_map(|e| e.attr("ID").map(str::to_owned))
        .collect();
    for _ in 0..=rng.below(3) {
        mutate_tree(&mut root, &mut rng, &ids);
    }
    let mut out = String::new();
    write(&root, &mut out);
    let bytes = out.as_bytes();
    if bytes.len() > max_size {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    data[..bytes.len()].copy_from_slice(bytes);
    bytes.len()
});
