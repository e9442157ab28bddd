//! The recording engine in a real browser: headless Chromium (Debian's `chromium` in CI), on a
//! closed network (every host but 127.0.0.1 unresolvable), signing in at the fake identity
//! provider of tests/capture/fake_idp.py, whose pages post freshly signed SAML responses to AWS.
//!
//! Each test checks what was recorded and reported as it happened, that the HAR written scans
//! back (with saml-har, as `diagnose` reads it) to the same messages, that the planted cookie,
//! token and password are in the raw recording but absent from the redacted HAR, and that no
//! browser process or profile directory is left behind.
//!
//! Without a browser these tests say so and pass, unless SAML_DOCTOR_REQUIRE_CHROMIUM=1 (CI),
//! which makes them fail.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capture::{End, Event, SamlSeen, Until};
use har::find::LocationKind;
use har::redact::SamlMode;
use saml_core::decode::MessageField;
use support::*;

fn saml(events: &[Event]) -> Vec<&SamlSeen> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Saml(s) => Some(s),
            Event::PageLoaded(_) => None,
        })
        .collect()
}

fn pages(events: &[Event]) -> Vec<(String, Option<u16>, Option<String>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::PageLoaded(p) => Some((capture::display_url(&p.url), p.status, p.error.clone())),
            Event::Saml(_) => None,
        })
        .collect()
}

/// (field, [(entry, where)]) of each message a HAR holds, and its decoded XML.
type Messages = Vec<(MessageField, Vec<(usize, LocationKind)>, String)>;

fn messages(har: &[u8]) -> Messages {
    let capture = har::scan(har, |_| {}).expect("the HAR written is readable");
    assert!(capture.cut.is_none(), "the HAR written is whole");
    capture
        .messages
        .iter()
        .map(|m| {
            let xml = m
                .decoded
                .as_ref()
                .map(|d| d.xml.clone())
                .unwrap_or_default();
            let sightings = m.sightings.iter().map(|s| (s.entry, s.kind)).collect();
            (m.field, sightings, xml)
        })
        .collect()
}

/// The raw HAR's messages, checked against the redacted ones: the same messages, whole with
/// `--saml keep` and as many with the default stripping; no planted secret in either redacted
/// file, each of `planted` present in the raw recording (so its absence proves something).
fn check_har(run: &Run, planted: &[&str]) -> Messages {
    let raw = run.recording.har();
    let raw_text = String::from_utf8_lossy(&raw);
    for secret in planted {
        assert!(
            raw_text.contains(secret),
            "{secret} was not recorded at all"
        );
    }
    let found = messages(&raw);
    for mode in [SamlMode::Keep, SamlMode::Strip] {
        let mut redacted = Vec::new();
        let summary = run
            .recording
            .write_har(&mut redacted, mode)
            .expect("the HAR is written");
        assert_eq!(summary.entries, run.recording.requests.len());
        let text = String::from_utf8_lossy(&redacted);
        for secret in [COOKIE, TOKEN, PASSWORD] {
            assert!(
                !text.contains(secret),
                "{secret} is in the redacted HAR ({mode:?})"
            );
        }
        let again = messages(&redacted);
        if mode == SamlMode::Keep {
            assert_eq!(again, found, "the redacted HAR holds the same messages");
        } else {
            let shape = |m: &Messages| {
                m.iter()
                    .map(|(f, s, _)| (*f, s.clone()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(shape(&again), shape(&found));
        }
    }
    found
}

/// A sign-in through the fake identity provider's login page and auto-post form.
fn sign_in(case: &str, tune: impl FnOnce(&mut capture::Options)) -> Option<Run> {
    let browser = browser()?;
    let idp = FakeIdp::start()?;
    let url = idp.url(&format!("/start?case={case}&access_token={TOKEN}"));
    let mut options = options(&browser, url, Until::Saml, 60);
    tune(&mut options);
    Some(run(options, |_, _| {}))
}

fn assert_posted_and_failed(run: &Run, url: &str) -> usize {
    let End::SamlPosted { entry } = run.recording.end else {
        panic!("ended {:?}, not after the SAML POST", run.recording.end);
    };
    let post = &run.recording.requests[entry];
    assert_eq!((post.method.as_str(), post.url.as_str()), ("POST", url));
    // AWS is unreachable: the POST failed, and its body was kept.
    assert_eq!(post.status, None);
    assert_eq!(post.error.as_deref(), Some("net::ERR_NAME_NOT_RESOLVED"));
    let capture::PostState::Text(body) = &post.post else {
        panic!("the POST body was not kept: {:?}", post.post);
    };
    assert!(
        body.starts_with("SAMLResponse=") || body.contains("&SAMLResponse="),
        "{body:.80}"
    );
    assert!(post.started.is_some() && post.is_complete());
    entry
}

#[test]
fn a_healthy_auto_post_is_recorded_as_the_browser_sent_it() {
    let Some(run) = sign_in("healthy", |_| {}) else {
        return;
    };
    let entry = assert_posted_and_failed(&run, "https://signin.aws.amazon.com/saml");
    // Reported as it happened: the auto-post form's page, then the POST to AWS.
    let seen = saml(&run.events);
    let kinds: Vec<(LocationKind, bool)> = seen
        .iter()
        .map(|s| (s.found.kind, s.is_response_posted_to_aws()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (LocationKind::AutoPostForm, false),
            (LocationKind::FormPost, true)
        ]
    );
    assert_eq!(seen[1].entry, entry);
    assert_eq!(
        seen[0].found.form_action.as_deref(),
        Some("https://signin.aws.amazon.com/saml")
    );
    assert!(seen[1]
        .found
        .relay_state
        .as_deref()
        .unwrap()
        .contains("/connect/federate/"));
    // The login page submits its form while it is still loading, so whether its own load event
    // fires first is the browser's race: its request is what must be recorded.
    let start = run
        .recording
        .requests
        .iter()
        .find(|r| r.url.contains("/start?"))
        .expect("the login page is recorded");
    assert_eq!(start.status, Some(200));
    let loaded = pages(&run.events);
    let login = loaded
        .iter()
        .position(|p| *p == ("http://127.0.0.1/login?case=…".into(), Some(200), None))
        .expect("the auto-post page loaded");
    assert_eq!(
        loaded[login + 1].2.as_deref(),
        Some("net::ERR_NAME_NOT_RESOLVED")
    );
    // Every request has its method, URL and start; the pages that finished loading and the
    // POST to AWS have their duration too. (The login page submits its form while loading:
    // whether the browser ever reports its end is a race, so its duration may be unknown.)
    for r in &run.recording.requests {
        assert!(r.started.is_some(), "{}", r.url);
    }
    for r in run
        .recording
        .requests
        .iter()
        .filter(|r| r.url.contains("/login?") || r.url.starts_with("https://signin.aws"))
    {
        assert!(r.duration_ms().is_some(), "{}", r.url);
    }
    assert_eq!(
        run.recording.hosts_visited(),
        vec!["127.0.0.1", "signin.aws.amazon.com"]
    );
    assert!(run
        .recording
        .browser
        .as_deref()
        .unwrap_or("")
        .contains("Chrome/"));

    let found = check_har(&run, &[COOKIE, TOKEN, PASSWORD]);
    assert_eq!(found.len(), 1, "one response, seen twice");
    let (field, sightings, xml) = &found[0];
    assert_eq!(*field, MessageField::SamlResponse);
    assert_eq!(
        sightings.iter().map(|s| s.1).collect::<Vec<_>>(),
        vec![LocationKind::AutoPostForm, LocationKind::FormPost]
    );
    assert_eq!(sightings[1].0, entry);
    assert!(xml.contains(">jane.doe@contoso.com<"));
    assert_nothing_left(&run);
}

#[test]
fn a_broken_role_session_name_is_recorded_as_sent() {
    let Some(run) = sign_in("broken-rsn", |_| {}) else {
        return;
    };
    assert_posted_and_failed(&run, "https://signin.aws.amazon.com/saml");
    let found = check_har(&run, &[COOKIE, TOKEN]);
    assert_eq!(found.len(), 1);
    assert!(found[0]
        .2
        .contains("<AttributeValue>jane_gmail.com#EXT#@contoso.onmicrosoft.com</AttributeValue>"));
    assert_nothing_left(&run);
}

#[test]
fn an_identity_center_acs_url_ends_the_recording_like_iam_federation() {
    let Some(run) = sign_in("idc", |_| {}) else {
        return;
    };
    let acs = "https://us-east-1.signin.aws/platform/saml/acs/5c1a3e9f-2b7d-4a60-8e14";
    assert_posted_and_failed(&run, acs);
    let posted: Vec<_> = saml(&run.events)
        .into_iter()
        .filter(|s| s.is_response_posted_to_aws())
        .collect();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].url, acs);
    let found = check_har(&run, &[COOKIE, TOKEN]);
    assert_eq!(found.len(), 1);
    assert!(found[0].2.contains("/platform/saml/d-9067a1b2c3"));
    assert_nothing_left(&run);
}

#[test]
fn a_post_body_over_the_inline_limit_is_fetched_before_the_request_fails() {
    let Some(run) = sign_in("healthy", |o| o.max_inline_post = 1000) else {
        return;
    };
    assert_posted_and_failed(&run, "https://signin.aws.amazon.com/saml");
    assert_eq!(check_har(&run, &[COOKIE]).len(), 1);
    assert_nothing_left(&run);
}

#[test]
fn the_redirect_binding_is_seen_in_the_query_string() {
    let Some(browser) = browser() else {
        return;
    };
    let Some(idp) = FakeIdp::start() else {
        return;
    };
    let run = run(
        options(&browser, idp.url("/sp"), Until::Saml, 60),
        |_, _| {},
    );
    let seen = saml(&run.events);
    assert_eq!(seen[0].found.field, MessageField::SamlRequest);
    assert_eq!(seen[0].found.kind, LocationKind::RedirectQuery);
    assert_eq!(seen[0].found.relay_state.as_deref(), Some("portal-state-1"));
    // The SP's 302 is its own request, pointing where the browser went.
    let sp = &run.recording.requests[0];
    assert_eq!(sp.status, Some(302));
    assert!(sp
        .redirect_url
        .as_deref()
        .unwrap()
        .contains("/sso?SAMLRequest="));
    assert_eq!(seen[0].entry, 1);
    assert_posted_and_failed(&run, "https://signin.aws.amazon.com/saml");
    let found = check_har(&run, &[]);
    let request = found
        .iter()
        .find(|m| m.0 == MessageField::SamlRequest)
        .expect("the SAMLRequest scans back");
    assert_eq!(request.1, vec![(1, LocationKind::RedirectQuery)]);
    assert!(request.2.contains("AuthnRequest"));
    assert!(found.iter().any(|m| m.0 == MessageField::SamlResponse));
    assert_nothing_left(&run);
}

/// A sign-in that ends at a 3 s timeout having visited `hosts` and seen no SAML.
fn timed_out(case: &str, hosts: &[&str]) -> Option<Run> {
    let run = sign_in(case, |o| o.timeout = Some(Duration::from_secs(3)))?;
    let hosts = hosts.iter().map(|h| h.to_string()).collect();
    assert_eq!(run.recording.end, End::Timeout { hosts });
    assert!(saml(&run.events).is_empty());
    Some(run)
}

#[test]
fn an_identity_provider_error_page_is_kept_and_the_timeout_lists_the_hosts() {
    let Some(run) = timed_out("error", &["127.0.0.1"]) else {
        return;
    };
    assert!(pages(&run.events).iter().any(|p| p.1 == Some(500)));
    let error = run
        .recording
        .requests
        .iter()
        .find(|r| r.status == Some(500))
        .expect("the error page is recorded");
    assert!(error.body.as_deref().unwrap_or("").contains("AADSTS50105"));
    assert!(check_har(&run, &[COOKIE, PASSWORD]).is_empty());
    assert!(String::from_utf8_lossy(&run.recording.har()).contains("AADSTS50105"));
    assert_nothing_left(&run);
}

#[test]
fn a_sign_in_that_never_posts_saml_ends_at_the_timeout_with_the_hosts_visited() {
    let Some(run) = timed_out("mfa", &["127.0.0.1", "login.microsoftonline.com"]) else {
        return;
    };
    assert!(check_har(&run, &[COOKIE]).is_empty());
    assert_nothing_left(&run);
}

#[test]
fn two_responses_in_one_run_from_a_tab_and_a_popup_until_the_windows_close() {
    let Some(browser) = browser() else {
        return;
    };
    let Some(idp) = FakeIdp::start() else {
        return;
    };
    let mut options = options(
        &browser,
        idp.url(&format!("/two?access_token={TOKEN}")),
        Until::Close,
        60,
    );
    options.browser_args.push("--disable-popup-blocking".into());
    let run = run(options, |_, _| {});
    assert_eq!(run.recording.end, End::WindowClosed);
    let posted: Vec<_> = saml(&run.events)
        .into_iter()
        .filter(|s| s.is_response_posted_to_aws())
        .collect();
    assert_eq!(posted.len(), 2, "both responses were reported");
    // From two windows: the popup's requests are recorded on a page of their own.
    let pages_of_posts: Vec<_> = posted
        .iter()
        .map(|s| run.recording.requests[s.entry].page)
        .collect();
    assert_ne!(pages_of_posts[0], pages_of_posts[1]);
    let found = check_har(&run, &[COOKIE, TOKEN]);
    let responses: Vec<_> = found
        .iter()
        .filter(|m| m.0 == MessageField::SamlResponse)
        .collect();
    assert_eq!(responses.len(), 2);
    assert!(responses
        .iter()
        .any(|m| m.2.contains(">user2@contoso.com<")));
    assert!(responses
        .iter()
        .any(|m| m.2.contains(">jane.doe@contoso.com<")));
    assert_nothing_left(&run);
}

#[test]
fn a_browser_killed_mid_run_ends_the_recording_and_leaves_nothing() {
    let Some(browser) = browser() else {
        return;
    };
    let Some(idp) = FakeIdp::start() else {
        return;
    };
    let url = idp.url(&format!("/start?case=wait&access_token={TOKEN}"));
    let mut killed = false;
    let run = run(options(&browser, url, Until::Saml, 60), |event, group| {
        if let Event::PageLoaded(p) = event {
            if p.url.contains("/login") && !killed {
                let main = browser_main_pid(group).expect("the browser runs");
                signal(main, "KILL");
                killed = true;
            }
        }
    });
    assert!(killed);
    assert_eq!(run.recording.end, End::BrowserExited);
    // What was recorded before the crash is kept.
    assert!(run
        .recording
        .requests
        .iter()
        .any(|r| r.url.contains("/login")));
    check_har(&run, &[COOKIE, PASSWORD]);
    assert_nothing_left(&run);
}

/// A recording in a process of its own, for the tests that signal or kill that process:
/// prints `STARTED <group> <profile>`, `LOADED` once the identity provider's page is up, and
/// `END <end>` when finished.
#[test]
#[ignore = "run in a child process by the Ctrl-C and kill tests"]
fn recording_child() {
    let url = std::env::var("SAML_CAPTURE_CHILD_URL").expect("run by a parent test");
    let browser = std::env::var_os("SAML_CAPTURE_CHILD_BROWSER").expect("run by a parent test");
    let options = options(browser.as_ref(), url, Until::Saml, 60);
    let mut session = capture::Session::start(options).unwrap();
    println!(
        "STARTED {} {}",
        session.process_group(),
        session.profile_dir().display()
    );
    while let Some(event) = session.next_event().unwrap() {
        if matches!(&event, Event::PageLoaded(p) if p.url.contains("/login")) {
            println!("LOADED");
        }
    }
    let recording = session.finish().unwrap();
    println!("END {:?}", recording.end);
}

/// Starts [`recording_child`] on the "wait" sign-in, waits until its page is up, then does
/// `act` to the child; returns the child's lines and its process group and profile.
fn child_recording(act: &str) -> Option<(Vec<String>, u32, std::path::PathBuf, bool)> {
    let browser = browser()?;
    let idp = FakeIdp::start()?;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["recording_child", "--exact", "--ignored", "--nocapture"])
        .env("SAML_CAPTURE_CHILD_URL", idp.url("/start?case=wait"))
        .env("SAML_CAPTURE_CHILD_BROWSER", &browser)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the test binary runs");
    let mut lines = Vec::new();
    let (mut group, mut profile) = (0, std::path::PathBuf::new());
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        let l = std::mem::take(&mut line).trim().to_string();
        if let Some(rest) = l.strip_prefix("STARTED ") {
            let (g, p) = rest.split_once(' ').unwrap();
            (group, profile) = (g.parse().unwrap(), p.into());
        }
        if l == "LOADED" {
            signal(child.id(), act);
        }
        lines.push(l);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the recording did not end: {lines:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    Some((lines, group, profile, status.success()))
}

#[test]
fn ctrl_c_ends_the_recording_in_order_and_leaves_nothing() {
    let Some((lines, group, profile, ok)) = child_recording("INT") else {
        return;
    };
    assert!(ok, "the recording process ended in order: {lines:?}");
    assert!(lines.contains(&"END Interrupted".to_string()), "{lines:?}");
    assert!(
        group > 0 && !profile.exists(),
        "profile {} left",
        profile.display()
    );
    let left = leftovers(group, &profile);
    assert!(left.is_empty(), "{left:#?}");
}

#[test]
fn a_recording_process_killed_outright_still_leaves_nothing() {
    // No handler runs on SIGKILL: the browser sees its pipe close and quits, and the launcher
    // script deletes the profile.
    let Some((lines, group, profile, ok)) = child_recording("KILL") else {
        return;
    };
    assert!(
        !ok && !lines.iter().any(|l| l.starts_with("END")),
        "{lines:?}"
    );
    let left = leftovers(group, &profile);
    assert!(left.is_empty(), "{left:#?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while profile.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!profile.exists(), "profile {} left", profile.display());
}
