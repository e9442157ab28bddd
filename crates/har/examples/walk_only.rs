//! Lower bounds for the scanner, to profile against: skip every value of the file whole
//! (`skip`), or walk each entry's fields without looking for SAML in them (`walk`).
//!
//!     cargo run --release -p saml-har --example walk_only -- skip capture.har

use har::json::{Reader, ValueKind};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mode, path) = (
        args.next().unwrap_or_default(),
        args.next().unwrap_or_default(),
    );
    let file = std::fs::File::open(&path).expect("a readable file");
    if mode == "skip" {
        let mut r = Reader::new(file);
        // {"log": {..., "entries": [ ... ]}}: skip the entries one by one.
        let (mut first, mut key) = (true, Vec::new());
        let mut entries = 0;
        while r.next_key(&mut first, &mut key).unwrap() {
            let (mut lfirst, mut lkey) = (true, Vec::new());
            while r.next_key(&mut lfirst, &mut lkey).unwrap() {
                if lkey == b"entries" && r.kind().unwrap() == ValueKind::Array {
                    let mut efirst = true;
                    while r.next_element(&mut efirst).unwrap() {
                        r.skip_value().unwrap();
                        entries += 1;
                    }
                } else {
                    r.skip_value().unwrap();
                }
            }
        }
        println!("{entries} entries skipped");
    } else {
        let mut n = 0usize;
        let cut = har::entry::walk(file, |e, _| n += e.url.len()).unwrap();
        println!("{n} bytes of URLs, cut: {cut:?}");
    }
}
