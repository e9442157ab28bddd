//! The expected-names file (`--expect FILE`): a CSV with one column, the value the identity
//! provider will send as RoleSessionName for each person. Read as RFC 4180 CSV: an optional
//! UTF-8 byte-order mark, an optional header line, quoted values (`""` inside quotes is a `"`),
//! blank lines skipped, CRLF or LF line ends. Unquoted values lose surrounding spaces and tabs
//! (spreadsheet exports add them); quoted values are kept exactly.
//!
//! A comma is a valid RoleSessionName character, so a line with an unquoted comma is refused
//! rather than guessed at: quote such a value. Values that can never be a RoleSessionName are
//! reported once, as `role_session_name_invalid` (STS refuses them before Connect is reached).

use saml_core::aws::RoleSessionName;
use saml_core::{Code, Finding};

/// The largest file read.
pub const MAX_EXPECT_BYTES: usize = 32 * 1024 * 1024;
/// The most names read.
pub const MAX_EXPECTED_NAMES: usize = 1_000_000;

/// Whether the file starts with a header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderLine {
    /// A header when the first value is a column name people use (`RoleSessionName`,
    /// `username`, `email`, `UPN`…, compared without case, spaces, `_` or `-`).
    #[default]
    Auto,
    /// The first line is a header.
    Present,
    /// Every line is a name.
    Absent,
}

/// Why the file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpectError {
    /// Over [`MAX_EXPECT_BYTES`].
    #[error("the file is {0} bytes, more than the {MAX_EXPECT_BYTES} read")]
    TooLarge(usize),
    /// Over [`MAX_EXPECTED_NAMES`] names.
    #[error("the file has more than {MAX_EXPECTED_NAMES} names")]
    TooManyNames,
    /// UTF-16 (a byte-order mark FF FE or FE FF).
    #[error("the file is UTF-16: save it as UTF-8 (CSV UTF-8 in Excel)")]
    Utf16,
    /// Not UTF-8.
    #[error("line {0} is not UTF-8: save the file as UTF-8 (CSV UTF-8 in Excel)")]
    NotUtf8(usize),
    /// More than one value on a line.
    #[error("line {line} has {fields} values; the file must have one column (quote a name that contains a comma)")]
    MultipleColumns {
        /// The line, from 1.
        line: usize,
        /// How many values.
        fields: usize,
    },
    /// A quote that opens and never closes.
    #[error("the quote opened on line {0} is never closed")]
    UnterminatedQuote(usize),
    /// A quote inside an unquoted value, or text after a closing quote.
    #[error(
        "line {0} has a stray `\"`: quote the whole value, and write a quote inside it as `\"\"`"
    )]
    StrayQuote(usize),
}

/// One expected name and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedName {
    /// The value the identity provider will send as RoleSessionName.
    pub value: String,
    /// Its line, from 1.
    pub line: usize,
}

/// The names read from the file, without repeats, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedNames {
    source_name: String,
    names: Vec<ExpectedName>,
}

/// One record: its first line and its values (value, was quoted).
type Record = (usize, Vec<(String, bool)>);

fn finish(field: &mut String, quoted: bool) -> (String, bool) {
    let value = std::mem::take(field);
    if quoted {
        (value, true)
    } else {
        (value.trim_matches([' ', '\t']).to_owned(), false)
    }
}

/// Splits RFC 4180 CSV into records.
fn records(text: &str) -> Result<Vec<Record>, ExpectError> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, bool)> = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut in_quotes, mut closed) = (false, false, false);
    let (mut line, mut record_line) = (1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    closed = true;
                }
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                fields.push(finish(&mut field, quoted));
                out.push((record_line, std::mem::take(&mut fields)));
                (quoted, closed) = (false, false);
                line += 1;
                record_line = line;
            }
            ',' => {
                fields.push(finish(&mut field, quoted));
                (quoted, closed) = (false, false);
            }
            ' ' | '\t' if closed => {}
            _ if closed => return Err(ExpectError::StrayQuote(line)),
            '"' if !quoted && field.trim_matches([' ', '\t']).is_empty() => {
                field.clear();
                (quoted, in_quotes) = (true, true);
            }
            '"' => return Err(ExpectError::StrayQuote(line)),
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(ExpectError::UnterminatedQuote(record_line));
    }
    if quoted || !field.is_empty() || !fields.is_empty() {
        fields.push(finish(&mut field, quoted));
        out.push((record_line, fields));
    }
    Ok(out)
}

fn is_header(value: &str) -> bool {
    const NAMES: [&str; 14] = [
        "rolesessionname",
        "username",
        "user",
        "name",
        "login",
        "email",
        "emailaddress",
        "mail",
        "upn",
        "userprincipalname",
        "samaccountname",
        "expected",
        "expectedusername",
        "connectusername",
    ];
    let folded: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    NAMES.contains(&folded.as_str())
}

impl ExpectedNames {
    /// Reads the file's bytes; `source_name` names it in findings.
    pub fn parse(source_name: &str, bytes: &[u8], header: HeaderLine) -> Result<Self, ExpectError> {
        if bytes.len() > MAX_EXPECT_BYTES {
            return Err(ExpectError::TooLarge(bytes.len()));
        }
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(ExpectError::Utf16);
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            ExpectError::NotUtf8(line)
        })?;
        let mut names: Vec<ExpectedName> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut first = true;
        for (line, mut fields) in records(text)? {
            // Trailing empty values (`name,` from a spreadsheet) are not a second column.
            while fields.len() > 1 && fields.last().is_some_and(|(v, q)| v.is_empty() && !q) {
                fields.pop();
            }
            if fields.len() > 1 {
                return Err(ExpectError::MultipleColumns {
                    line,
                    fields: fields.len(),
                });
            }
            let Some((value, was_quoted)) = fields.pop() else {
                continue;
            };
            if value.is_empty() && !was_quoted {
                continue;
            }
            let is_first = std::mem::replace(&mut first, false);
            if is_first
                && (header == HeaderLine::Present
                    || (header == HeaderLine::Auto && is_header(&value)))
            {
                continue;
            }
            if seen.insert(value.clone()) {
                if names.len() == MAX_EXPECTED_NAMES {
                    return Err(ExpectError::TooManyNames);
                }
                names.push(ExpectedName { value, line });
            }
        }
        Ok(Self {
            source_name: source_name.to_owned(),
            names,
        })
    }

    /// The file, as named when it was read.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Every name, in file order.
    pub fn names(&self) -> &[ExpectedName] {
        &self.names
    }

    /// The names that can be a RoleSessionName: the ones to look up in Connect.
    pub fn valid(&self) -> impl Iterator<Item = &ExpectedName> {
        self.names
            .iter()
            .filter(|n| RoleSessionName::parse(&n.value).is_ok())
    }

    /// One `role_session_name_invalid` for each name that can never be a RoleSessionName; about
    /// the file, not an account (resource `<file>:<line>`).
    pub fn findings(&self) -> Vec<Finding> {
        self.names
            .iter()
            .filter_map(|n| {
                let why = RoleSessionName::parse(&n.value).err()?;
                let at = format!("{}:{}", self.source_name, n.line);
                Some(
                    Finding::new(
                        Code::RoleSessionNameInvalid,
                        format!(
                            "{at}: `{}` can never be a RoleSessionName: {why}",
                            n.value.escape_debug()
                        ),
                    )
                    .with("resource", at)
                    .with("expected", n.value.clone()),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(bytes: &[u8]) -> Vec<(String, usize)> {
        ExpectedNames::parse("people.csv", bytes, HeaderLine::Auto)
            .unwrap()
            .names()
            .iter()
            .map(|n| (n.value.clone(), n.line))
            .collect()
    }

    #[test]
    fn reads_headers_quotes_bom_and_blank_lines() {
        let csv = "\u{feff}RoleSessionName\r\njane@contoso.com\r\n\r\n\"Doe, John\"\r\n  bob@contoso.com  \r\n\"say \"\"hi\"\"\"\r\n,\r\nann@contoso.com,\r\njane@contoso.com\r\nlast@contoso.com";
        assert_eq!(
            values(csv.as_bytes()),
            [
                ("jane@contoso.com".to_owned(), 2),
                ("Doe, John".to_owned(), 4),
                ("bob@contoso.com".to_owned(), 5),
                ("say \"hi\"".to_owned(), 6),
                ("ann@contoso.com".to_owned(), 8),
                ("last@contoso.com".to_owned(), 10),
            ]
        );
        // No header: the first line is a name.
        assert_eq!(values(b"jane@contoso.com\n")[0].1, 1);
        let present =
            ExpectedNames::parse("p.csv", b"Agents\njane@contoso.com\n", HeaderLine::Present)
                .unwrap();
        assert_eq!(present.names().len(), 1);
        let absent =
            ExpectedNames::parse("p.csv", b"username\njane@contoso.com\n", HeaderLine::Absent)
                .unwrap();
        assert_eq!(absent.names().len(), 2);
        // A quoted value keeps its spaces; lone CR ends lines too.
        assert_eq!(values(b"\" x \"\ry")[0].0, " x ");
        assert_eq!(values(b"\" x \"\ry")[1], ("y".to_owned(), 2));
        assert!(values(b"").is_empty());
        assert!(values(b"\n\n\r\n").is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_read_without_guessing() {
        let err =
            |bytes: &[u8]| ExpectedNames::parse("p.csv", bytes, HeaderLine::Auto).unwrap_err();
        assert_eq!(
            err(b"jane\njane,doe\n"),
            ExpectError::MultipleColumns { line: 2, fields: 2 }
        );
        assert_eq!(err(b"a\n\"open\nb\n"), ExpectError::UnterminatedQuote(2));
        assert_eq!(err(b"ja\"ne\n"), ExpectError::StrayQuote(1));
        assert_eq!(err(b"\"jane\"x\n"), ExpectError::StrayQuote(1));
        assert_eq!(err(b"\xFF\xFEj\x00"), ExpectError::Utf16);
        assert_eq!(err(b"a\nb\xC3(\n"), ExpectError::NotUtf8(2));
        assert!(matches!(
            err(&vec![b'a'; MAX_EXPECT_BYTES + 1]),
            ExpectError::TooLarge(_)
        ));
    }

    #[test]
    fn names_that_can_never_be_a_session_name_are_reported_once() {
        let names = ExpectedNames::parse(
            "people.csv",
            "email\njane@contoso.com\njane_gmail.com#EXT#@contoso.onmicrosoft.com\n\"Jane Doe\"\nx\n".as_bytes(),
            HeaderLine::Auto,
        )
        .unwrap();
        assert_eq!(
            names.valid().map(|n| n.value.as_str()).collect::<Vec<_>>(),
            ["jane@contoso.com"]
        );
        let f = names.findings();
        assert_eq!(f.len(), 3);
        assert!(f.iter().all(|f| f.code == Code::RoleSessionNameInvalid));
        assert_eq!(f[0].evidence.get("resource"), Some("people.csv:3"));
        assert!(f[0].detail.contains("'#'"), "{}", f[0].detail);
        assert_eq!(f[2].evidence.get("expected"), Some("x"));
    }
}
