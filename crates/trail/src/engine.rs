//! The local engine: reads files and trail folders in parallel on every core and aggregates
//! their sign-in events into a [`Report`].
//!
//! One thread walks the inputs and hands file paths over a small bounded channel, so a folder
//! of 100,000 files is never listed in memory; one worker per core opens, inflates and walks a
//! file at a time and sends only its sign-in events (a small fraction of the records) to the
//! calling thread, which aggregates. Memory is per worker (its buffers) plus the aggregate
//! state (see [`crate::aggregate`]), whatever the number or size of the files.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::aggregate::Aggregator;
use crate::event::SignInEvent;
use crate::read::{read_input, ReadError, ReadStats};
use crate::report::{Report, Warning, WarningKind};
use crate::window::Window;

/// At most this many warnings are listed; one more says how many were left out.
pub const MAX_WARNINGS: usize = 200;

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (read whatever its name) or a folder (walked for `*.json` and `*.json.gz`).
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

/// How to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Only events in this window count.
    pub window: Window,
    /// Worker threads; `None` is one per core.
    pub threads: Option<usize>,
}

/// What flows from the workers to the aggregating thread.
enum Message {
    Event(SignInEvent),
    Read(u64),
    Warning(Warning),
}

/// What the walker hands a worker.
enum Job {
    File(PathBuf),
    Stdin,
}

/// Reads every input and returns the report. Problems with single files are warnings in the
/// report; nothing here fails as a whole.
pub fn analyze(inputs: &[Input], options: &Options) -> Report {
    let threads = options
        .threads
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let window = options.window;
    let mut aggregator = Aggregator::new();
    let mut warnings = Vec::new();
    let mut dropped = 0usize;
    thread::scope(|scope| {
        let (job_tx, job_rx) = sync_channel::<Job>(threads * 4);
        let (msg_tx, msg_rx) = sync_channel::<Message>(4096);
        let walker_tx = msg_tx.clone();
        scope.spawn(move || walk_inputs(inputs, &job_tx, &walker_tx));
        let job_rx = Arc::new(Mutex::new(job_rx));
        for _ in 0..threads {
            let (jobs, messages) = (Arc::clone(&job_rx), msg_tx.clone());
            scope.spawn(move || work(&jobs, &messages, &window));
        }
        drop(msg_tx);
        for message in msg_rx {
            match message {
                Message::Event(e) => aggregator.add(e),
                Message::Read(n) => aggregator.add_read(n),
                Message::Warning(w) if warnings.len() < MAX_WARNINGS => warnings.push(w),
                Message::Warning(_) => dropped += 1,
            }
        }
    });
    // Workers finish in any order: list the warnings by file.
    warnings.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
    if dropped > 0 {
        warnings.push(Warning {
            kind: WarningKind::MoreWarnings,
            file: None,
            message: format!("{dropped} more warnings are not listed"),
        });
    }
    aggregator.finish().into_report(window, warnings)
}

/// Sends every file to read, walking folders depth first without listing them whole.
fn walk_inputs(inputs: &[Input], jobs: &SyncSender<Job>, messages: &SyncSender<Message>) {
    for input in inputs {
        let path = match input {
            Input::Stdin => {
                let _ = jobs.send(Job::Stdin);
                continue;
            }
            Input::Path(p) => p,
        };
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => walk_folder(path, jobs, messages),
            Ok(_) => {
                let _ = jobs.send(Job::File(path.clone()));
            }
            Err(e) => warn(messages, WarningKind::Unreadable, path, e.to_string()),
        }
    }
}

fn walk_folder(root: &Path, jobs: &SyncSender<Job>, messages: &SyncSender<Message>) {
    // A stack of open folders: memory grows with depth, not with the number of entries.
    let mut stack: Vec<(PathBuf, fs::ReadDir)> = Vec::new();
    match fs::read_dir(root) {
        Ok(rd) => stack.push((root.to_path_buf(), rd)),
        Err(e) => return warn(messages, WarningKind::Unreadable, root, e.to_string()),
    }
    while let Some((dir, entries)) = stack.last_mut() {
        let Some(entry) = entries.next() else {
            stack.pop();
            continue;
        };
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let dir = dir.clone();
                warn(messages, WarningKind::Unreadable, &dir, e.to_string());
                continue;
            }
        };
        let path = entry.path();
        // Symbolic links to folders are not followed (no cycles); to files, they are.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            // Digest files prove delivery; they hold no events.
            if entry.file_name() != "CloudTrail-Digest" {
                match fs::read_dir(&path) {
                    Ok(rd) => stack.push((path, rd)),
                    Err(e) => warn(messages, WarningKind::Unreadable, &path, e.to_string()),
                }
            }
        } else if is_log_name(&path) && jobs.send(Job::File(path)).is_err() {
            return;
        }
    }
}

/// The names a trail writes: `*.json.gz`, and `*.json` for logs saved unzipped.
fn is_log_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".json.gz") || lower.ends_with(".json")
}

fn work(jobs: &Mutex<Receiver<Job>>, messages: &SyncSender<Message>, window: &Window) {
    loop {
        // The lock is held only to take one job.
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let (name, opened): (PathBuf, io::Result<Box<dyn io::Read>>) = match job {
            Job::Stdin => (PathBuf::from("-"), Ok(Box::new(io::stdin().lock()))),
            Job::File(path) => {
                let file = File::open(&path).map(|f| Box::new(f) as Box<dyn io::Read>);
                (path, file)
            }
        };
        let input = match opened {
            Ok(i) => i,
            Err(e) => {
                warn(messages, WarningKind::Unreadable, &name, e.to_string());
                continue;
            }
        };
        let mut stats = ReadStats::default();
        let mut send = |e: SignInEvent| {
            let _ = messages.send(Message::Event(e));
        };
        let result = read_input(input, window, &mut stats, &mut send);
        let _ = messages.send(Message::Read(stats.records));
        if let Err(e) = result {
            let kind = match &e {
                ReadError::NotCloudTrail => WarningKind::NotCloudTrail,
                ReadError::Gzip(_) => WarningKind::CorruptGzip,
                ReadError::Json(_) => WarningKind::CorruptJson,
                ReadError::TooLarge => WarningKind::TooLarge,
                ReadError::Io(_) => WarningKind::Unreadable,
            };
            let note = if stats.records > 0 {
                format!("{e} ({} records before it were read)", stats.records)
            } else {
                e.to_string()
            };
            warn(messages, kind, &name, note);
        }
    }
}

fn warn(messages: &SyncSender<Message>, kind: WarningKind, file: &Path, message: String) {
    let _ = messages.send(Message::Warning(Warning {
        kind,
        file: Some(file.display().to_string()),
        message,
    }));
}
