//! The pieces of a URL the scanner reads, cheaply and without allocating where it can: its host,
//! its path and query, the URL without query or fragment, and a URL cut short for display.

/// A URL's host, lower-case, without user info or port (an IPv6 literal keeps its brackets);
/// `None` when it has none.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next()?
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `(path, query)` of a URL; the fragment is dropped.
pub fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or(rest);
    let after_host = rest.find(['/', '?']).map_or("", |i| &rest[i..]);
    match after_host.split_once('?') {
        Some((path, query)) => (path, query),
        None => (after_host, ""),
    }
}

/// The URL without its query or fragment.
pub fn url_without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// `s` cut to `max` characters, with `…` where it was cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}
