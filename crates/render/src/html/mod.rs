//! `diagnose --format html`: one self-contained page for a ticket. The verdict and every error
//! code first, then the sign-in as it happened (timeline), the timing picture (SVG), the
//! assertion decoded, and every finding with its fix, in the same words as the text report.
//!
//! Self-contained and inert, as every page is ([`crate::page`]): inline CSS and SVG only, no
//! script, no external resource, and a Content-Security-Policy that forbids everything else.
//! Every capture string is escaped ([`crate::page::escape`]), and nothing secret reaches the
//! page: no SAMLResponse, no SignatureValue, no cookies, headers, query values or tokens.

mod assertion;
mod checks;
pub(crate) mod findings;
mod placed;
mod timeline;
mod timing;

use std::fmt::Write as _;

use saml_diagnosis::Diagnosis;

use crate::page::escape::{scrub, text};
pub use crate::page::CSP;

/// The diagnose page's own style, after the shared one.
const STYLE: &str = include_str!("style.css");

/// The whole page for a diagnosis: with a timeline when the input was a HAR capture, and the
/// account checks marked as run when they ran.
pub fn render(d: &Diagnosis) -> String {
    let capture = d.timeline.as_ref();
    let aws_ran = d.account_checked;
    let placed = placed::place(d, capture);
    let mut out = String::with_capacity(64 * 1024);
    let title = match placed
        .iter()
        .find(|p| p.finding.severity == saml_core::Severity::Error)
    {
        Some(p) => format!("✗ {} · saml-doctor", p.finding.code.as_str()),
        None => "saml-doctor report".to_owned(),
    };
    crate::page::open(&mut out, &title, STYLE);
    findings::verdict(&mut out, d, &placed);
    out.push_str("<nav aria-label=\"sections\"><a href=\"#timeline\">Timeline</a> <a href=\"#timing\">Timing</a> <a href=\"#assertion\">Assertion</a> <a href=\"#findings\">Findings</a></nav>\n<main>\n");
    timeline::section(&mut out, capture, &placed);
    messages(&mut out, d, &placed);
    findings::section(&mut out, d, &placed, aws_ran);
    out.push_str("</main>\n");
    crate::page::close(
        &mut out,
        &format!(
            "Made by saml-doctor {} from <span class=\"input\">{}</span>. The page holds the decoded facts of the sign-in, never the SAMLResponse itself, its signature, cookies or tokens. Finding codes are stable: <code>saml-doctor explain CODE</code> says more.",
            env!("CARGO_PKG_VERSION"),
            text(&scrub(&d.input))
        ),
    );
    out
}

/// The timing picture and the decoded assertion, for each diagnosed message (primary first).
fn messages(out: &mut String, d: &Diagnosis, placed: &[placed::Placed]) {
    let several = d.messages.len() > 1;
    let heading = |i: usize| {
        let m = &d.messages[i];
        let mut h = format!("SAMLResponse {} of {}", i + 1, d.messages.len());
        if m.primary {
            h += " (primary: the last one sent to AWS)";
        }
        h
    };
    out.push_str("<section id=\"timing\" aria-labelledby=\"timing-h\">\n<h2 id=\"timing-h\">The timing picture</h2>\n");
    let mut drew = false;
    for (i, m) in d.messages.iter().enumerate() {
        let mine: Vec<&placed::Placed> = placed.iter().filter(|p| p.message == Some(i)).collect();
        let mut one = String::new();
        timing::picture(&mut one, &m.report, &mine);
        if one.is_empty() {
            continue;
        }
        if several {
            let _ = writeln!(out, "<h3>{}</h3>", text(&heading(i)));
        }
        out.push_str(&one);
        drew = true;
    }
    if !drew {
        out.push_str("<p class=\"muted\">No assertion timestamps to draw: no SAMLResponse with an IssueInstant was diagnosed.</p>\n");
    }
    out.push_str("</section>\n<section id=\"assertion\" aria-labelledby=\"assertion-h\">\n<h2 id=\"assertion-h\">The assertion, decoded</h2>\n");
    let mut any = false;
    for (i, m) in d.messages.iter().enumerate() {
        if m.report.response().is_none() {
            continue;
        }
        any = true;
        if several {
            let _ = writeln!(out, "<h3>{}</h3>", text(&heading(i)));
        }
        let mine: Vec<&placed::Placed> = placed.iter().filter(|p| p.message == Some(i)).collect();
        assertion::table(out, &m.report, &mine);
    }
    if !any {
        out.push_str("<p class=\"muted\">No SAMLResponse could be decoded, so there is nothing to show here: see the findings.</p>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use saml_core::{AsOf, AsOfSource, RelayStateInput, Timestamp};
    use saml_diagnosis::MessageReport;

    fn diagnosis_of(xml: &str, relay: Option<&str>) -> Diagnosis {
        let report = saml_core::diagnose_xml(
            xml,
            AsOf {
                instant: Timestamp::parse("2024-05-14T09:31:09Z").unwrap(),
                source: AsOfSource::Given,
            },
            match relay {
                Some(r) => RelayStateInput::Present(r.to_owned()),
                None => RelayStateInput::Absent,
            },
        );
        Diagnosis::new(
            "<input>".into(),
            Vec::new(),
            vec![MessageReport::standalone(report)],
        )
    }

    const HOSTILE: &str = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" IssueInstant="2024-05-14T09:31:07Z" Destination="javascript:alert(1)">
<saml:Issuer>&lt;script&gt;alert('issuer')&lt;/script&gt;</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="_2" IssueInstant="2024-05-14T09:31:07Z"><saml:Issuer>x</saml:Issuer>
<saml:Subject><saml:NameID>"&gt;&lt;img src=x onerror=alert(2)&gt;</saml:NameID></saml:Subject>
<saml:AttributeStatement>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>&lt;script&gt;alert(3)&lt;/script&gt;</saml:AttributeValue></saml:Attribute>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:&lt;b&gt;"><saml:AttributeValue>javascript:alert(4)</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement></saml:Assertion></samlp:Response>"#;

    #[test]
    fn hostile_values_are_text_and_the_page_has_no_active_content() {
        let d = diagnosis_of(
            HOSTILE,
            Some("javascript:alert(5)//\"><script>alert(6)</script>"),
        );
        let page = render(&d);
        // The only tags are the page's own, with no event handler, style or source attribute,
        // and links only to the page's own fragments.
        crate::page::assert_inert(&page, &["ol", "div", "line", "path", "mark", "br"]);
        // The values are there, as text.
        assert!(
            page.contains("&lt;script&gt;alert(3)&lt;/script&gt;")
                || page.contains("&lt;</mark>script")
        );
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
        assert!(page.contains("javascript:alert(1)"));
        assert!(page.contains(CSP));
    }

    #[test]
    fn the_first_screenful_has_the_verdict_and_every_error_code() {
        let d = diagnosis_of(HOSTILE, None);
        let page = render(&d);
        let header_end = page.find("</header>").unwrap();
        let header = &page[..header_end];
        assert!(header.contains("The sign-in fails"));
        for f in d
            .findings
            .iter()
            .filter(|f| f.severity == saml_core::Severity::Error)
        {
            assert!(
                header.contains(f.code.as_str()),
                "{} not in the header",
                f.code
            );
            assert!(
                header.contains(&crate::page::escape::text(&f.title)),
                "{}",
                f.title
            );
        }
        assert!(header.contains(&crate::page::escape::text(
            crate::words::verdict_words(&d.summary).as_str()
        )));
    }
}
