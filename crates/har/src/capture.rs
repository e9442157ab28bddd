//! A whole capture: every SAML message found (the same message seen twice is one message with
//! two sightings), and the facts about the capture that findings need (was it cut, did the
//! browser drop a POST body, did the user open Connect directly).
//!
//! [`scan`](crate::scan::scan) reads a HAR into a [`Capture`]; [`Capture::findings`] says what is
//! wrong with the capture itself.

use saml_core::decode::{DecodeError, Decoded, MessageField};
// IAM federation's endpoints and IAM Identity Center's ACS URLs: both take a SAMLResponse.
use saml_core::identity_center::is_aws_saml_endpoint as is_aws_signin_endpoint;
use saml_core::{Code, Finding, Timestamp};
use serde::Serialize;
use std::time::Duration;

use crate::find::LocationKind;
use crate::url::{shorten, url_without_query};

/// One place a message was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sighting {
    /// The HAR entry, from 0.
    pub entry: usize,
    /// When the browser started the request (`startedDateTime`).
    pub started: Option<Timestamp>,
    /// The request method.
    pub method: String,
    /// The request URL (cut to 2048 characters).
    pub url: String,
    /// How the message was carried.
    pub kind: LocationKind,
    /// The RelayState that travelled beside it.
    pub relay_state: Option<String>,
    /// For an auto-post form: where it posts to.
    pub form_action: Option<String>,
}

impl Sighting {
    /// True when this sighting is the browser posting the message to AWS.
    pub fn is_post_to_aws(&self) -> bool {
        self.kind == LocationKind::FormPost && is_aws_signin_endpoint(url_without_query(&self.url))
    }

    /// Where it was seen, for people: `HAR entry 3 (form POST body, POST https://…)`.
    pub fn describe(&self) -> String {
        format!(
            "HAR entry {} ({}, {} {})",
            self.entry,
            self.kind.describe(),
            self.method,
            shorten(&self.url, 120)
        )
    }
}

/// One distinct SAML message.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Which field it is (SAMLResponse or SAMLRequest).
    pub field: MessageField,
    /// The message decoded, or why it could not be.
    #[serde(serialize_with = "serialize_decoded")]
    pub decoded: Result<Decoded, DecodeError>,
    /// Every place it was seen, in capture order.
    pub sightings: Vec<Sighting>,
}

fn serialize_decoded<S: serde::Serializer>(
    d: &Result<Decoded, DecodeError>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    match d {
        Ok(d) => {
            map.serialize_entry("encoded_chars", &d.encoded_chars)?;
            map.serialize_entry("transport", &d.transport)?;
        }
        Err(e) => {
            map.serialize_entry("error", &e.to_string())?;
            map.serialize_entry("code", &e.code())?;
        }
    }
    map.end()
}

impl Message {
    /// The sighting whose moment counts: the POST to AWS if there is one, else the last.
    pub fn key_sighting(&self) -> &Sighting {
        self.sightings
            .iter()
            .rev()
            .find(|s| s.is_post_to_aws())
            .unwrap_or_else(|| self.sightings.last().expect("a message has a sighting"))
    }

    /// True when a sighting is the browser posting it to AWS.
    pub fn was_posted_to_aws(&self) -> bool {
        self.sightings.iter().any(Sighting::is_post_to_aws)
    }

    /// The RelayState that travelled with it (from the key sighting, else any).
    pub fn relay_state(&self) -> Option<&str> {
        self.key_sighting()
            .relay_state
            .as_deref()
            .or_else(|| self.sightings.iter().find_map(|s| s.relay_state.as_deref()))
    }
}

/// The most hosts kept in [`Capture::hosts_visited`].
pub const MAX_HOSTS: usize = 16;

/// What a scan of a HAR file found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Capture {
    /// Complete entries read.
    pub entries: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Where the file was cut or damaged, if it was.
    pub cut: Option<CutInfo>,
    /// The distinct SAML messages, in order of first sighting.
    pub messages: Vec<Message>,
    /// POSTs to an AWS SAML endpoint recorded without a body: (entry, URL).
    pub posts_without_body: Vec<(usize, String)>,
    /// The first visit to the Connect instance's own URL with no SAML sign-in before it.
    pub direct_connect_visit: Option<(usize, String)>,
    /// Identity-provider and AWS sign-in URLs seen, to explain a capture with no response.
    pub signin_urls: Vec<(usize, String)>,
    /// The hosts of the pages visited ([`crate::steps::is_page_visit`]), in order of first
    /// visit, at most [`MAX_HOSTS`]; to explain a capture with no response.
    pub hosts_visited: Vec<String>,
    /// Further hosts visited, not kept.
    pub more_hosts: usize,
    /// SAMLResponse values that `saml-doctor redact --saml drop` replaced with a marker.
    pub dropped_responses: usize,
    /// Fields skipped for being over their limit: (entry, URL, field, limit).
    pub oversized: Vec<(usize, String, &'static str, usize)>,
    /// The sign-in's steps, for a timeline (bounded; see `steps`).
    #[serde(skip)]
    pub steps: crate::steps::Steps,
    /// IAM Identity Center error pages among the responses.
    pub idc_error_pages: Vec<crate::identity_center::Seen>,
    /// Time spent decoding the messages found (part of the scan), for `--timings`.
    #[serde(skip)]
    pub decode_time: Duration,
}

/// Where a capture was cut or damaged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CutInfo {
    /// The byte offset where reading stopped.
    pub offset: u64,
    /// Why reading stopped.
    pub reason: String,
}

impl Capture {
    /// The distinct SAMLResponses, in order of first sighting.
    pub fn responses(&self) -> impl Iterator<Item = &Message> {
        self.messages
            .iter()
            .filter(|m| m.field == MessageField::SamlResponse)
    }

    /// The index (in `responses()`) of the response whose outcome the user saw: the last one
    /// posted to AWS, else the last one.
    pub fn primary_response(&self) -> Option<usize> {
        let responses: Vec<&Message> = self.responses().collect();
        let by_time = |m: &&Message| (m.key_sighting().entry, m.key_sighting().started);
        responses
            .iter()
            .enumerate()
            .filter(|(_, m)| m.was_posted_to_aws())
            .max_by_key(|(_, m)| by_time(m))
            .or_else(|| responses.iter().enumerate().max_by_key(|(_, m)| by_time(m)))
            .map(|(i, _)| i)
    }

    /// Findings about the capture itself (not about any one message).
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        if let Some(cut) = &self.cut {
            findings.push(
                Finding::new(
                    Code::HarTruncated,
                    format!(
                        "{} at byte {}; the {} complete entr{} before it were used",
                        cut.reason,
                        cut.offset,
                        self.entries,
                        if self.entries == 1 { "y" } else { "ies" }
                    ),
                )
                .with("complete_entries", self.entries.to_string())
                .with("offset", cut.offset.to_string()),
            );
        }
        for (entry, url, field, limit) in &self.oversized {
            findings.push(
                Finding::new(
                    Code::HarEntryTooLarge,
                    format!("HAR entry {entry} ({url}): {field} is over the {} MiB this tool reads, and was skipped", limit / (1024 * 1024)),
                )
                .at_entry(*entry)
                .with("field", field.to_string())
                .with("limit_bytes", limit.to_string()),
            );
        }
        for (entry, url) in &self.posts_without_body {
            findings.push(
                Finding::new(
                    Code::HarPostDataMissing,
                    format!("HAR entry {entry}: POST {url} was recorded without its form body"),
                )
                .at_entry(*entry)
                .with("url", url.clone()),
            );
        }
        for (entry, url, page) in &self.idc_error_pages {
            findings.push(
                Finding::new(
                    Code::IdcErrorPage,
                    format!("HAR entry {entry} ({url}) is IAM Identity Center's page \"{}\"; likely causes: {}", page.text, page.likely_causes),
                )
                .at_entry(*entry)
                .with("url", url.clone())
                .with("page_text", page.text),
            );
        }
        if let Some((entry, url)) = &self.direct_connect_visit {
            findings.push(
                Finding::new(
                    Code::ConnectDirectLogin,
                    format!("HAR entry {entry} opens the Connect instance at {url} with no SAML sign-in before it in the capture"),
                )
                .at_entry(*entry)
                .with("url", url.clone()),
            );
        }
        let responses = self.responses().count();
        // A direct visit to Connect explains why there is no response: one problem, one finding.
        if responses == 0 && self.direct_connect_visit.is_none() {
            let requests = self
                .messages
                .iter()
                .filter(|m| m.field == MessageField::SamlRequest)
                .count();
            let mut detail = format!(
                "no SAMLResponse in {} entr{}",
                self.entries,
                if self.entries == 1 { "y" } else { "ies" }
            );
            if requests > 0 {
                detail += &format!(
                    "; {requests} SAMLRequest{} (the sign-in was sent to the identity provider, which never answered with a response: it stopped at its login, MFA or error page)",
                    if requests == 1 { " was seen" } else { "s were seen" }
                );
            } else {
                detail += "; no SAMLRequest either";
            }
            if self.signin_urls.is_empty() {
                detail += "; no identity-provider or AWS sign-in URL was seen: the capture does not cover the sign-in";
            } else {
                let urls: Vec<String> = self
                    .signin_urls
                    .iter()
                    .map(|(i, u)| format!("entry {i}: {}", crate::steps::display_url(u)))
                    .collect();
                detail += &format!("; sign-in URLs seen: {}", urls.join(", "));
            }
            let hosts = self.hosts_visited.join(", ");
            if !hosts.is_empty() {
                detail += &format!("; hosts visited: {hosts}");
                if self.more_hosts > 0 {
                    detail += &format!(" and {} more", self.more_hosts);
                }
            }
            if !self.posts_without_body.is_empty() {
                detail += "; a POST to AWS's SAML endpoint was recorded without its body (see har_post_data_missing)";
            }
            if self.dropped_responses > 0 {
                detail += &format!(
                    "; {} SAMLResponse value{} removed by `saml-doctor redact --saml drop`: diagnose the original capture, or redact it with the default --saml strip",
                    self.dropped_responses,
                    if self.dropped_responses == 1 { " was" } else { "s were" }
                );
            }
            let mut finding = Finding::new(Code::SamlResponseNotFound, detail)
                .with("entries", self.entries.to_string())
                .with("saml_requests", requests.to_string());
            if !hosts.is_empty() {
                finding = finding.with("hosts_visited", hosts);
            }
            findings.push(finding);
        } else if responses > 1 {
            let list: Vec<String> = self
                .responses()
                .map(|m| {
                    let s = m.key_sighting();
                    format!(
                        "entry {} at {}",
                        s.entry,
                        s.started
                            .map(|t| t.to_string())
                            .unwrap_or_else(|| "?".into())
                    )
                })
                .collect();
            findings.push(
                Finding::new(
                    Code::MultipleSamlResponses,
                    format!("{responses} distinct SAMLResponses: {}", list.join(", ")),
                )
                .with("responses", responses.to_string()),
            );
        }
        findings
    }
}
