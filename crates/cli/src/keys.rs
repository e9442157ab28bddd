//! `--decryption-key`: the IAM SAML provider's private keys read from PEM files, an encrypted
//! one opened with a passphrase from `--decryption-key-pass-env` or asked for on the terminal
//! without echo. A file that cannot be read or used stops the run (exit 2) with one line that
//! names the file and never quotes it.
//!
//! The prompt turns echo off with `stty` on the controlling terminal rather than a terminal
//! crate: no dependency and nothing to build (`#![forbid(unsafe_code)]` rules out calling
//! termios here), at the price of Unix only; elsewhere the passphrase comes from the
//! environment.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use saml_core::keys::{DecryptionKey, KeyError, MAX_PEM_BYTES};

use crate::Failure;

/// The flags that give decryption keys, shared by the commands that diagnose.
#[derive(Args, Debug, Default)]
pub struct KeyArgs {
    /// The IAM SAML provider's private key (PEM: PKCS#8, PKCS#1, or encrypted PKCS#8), to
    /// decrypt encrypted assertions and check everything inside them; repeat it for the
    /// provider's second key
    #[arg(long = "decryption-key", value_name = "KEY.pem")]
    pub decryption_key: Vec<PathBuf>,
    /// The environment variable that holds the passphrase of an encrypted --decryption-key
    /// (without it, the passphrase is asked for on the terminal)
    #[arg(long, value_name = "VAR", requires = "decryption_key")]
    pub decryption_key_pass_env: Option<String>,
}

impl KeyArgs {
    /// Reads every key given.
    pub fn read(&self) -> Result<Vec<DecryptionKey>, Failure> {
        self.decryption_key
            .iter()
            .map(|path| self.read_one(path))
            .collect()
    }

    fn read_one(&self, path: &Path) -> Result<DecryptionKey, Failure> {
        let fail = |why: String| Failure(format!("--decryption-key {}: {why}", path.display()));
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
        if bytes.len() > MAX_PEM_BYTES {
            return Err(fail(
                KeyError::TooLarge {
                    limit: MAX_PEM_BYTES,
                }
                .to_string(),
            ));
        }
        let text =
            String::from_utf8(bytes).map_err(|_| fail("not a PEM file (it is not text)".into()))?;
        match DecryptionKey::from_pem(&text, None) {
            Err(KeyError::NeedsPassphrase) => {
                let passphrase = self.passphrase(path).map_err(fail)?;
                DecryptionKey::from_pem(&text, Some(passphrase.as_bytes()))
                    .map_err(|e| fail(e.to_string()))
            }
            other => other.map_err(|e| fail(e.to_string())),
        }
    }

    /// The passphrase of the encrypted key `path`.
    fn passphrase(&self, path: &Path) -> Result<String, String> {
        if let Some(var) = &self.decryption_key_pass_env {
            return std::env::var(var).map_err(|_| {
                format!("the key is encrypted, and the variable {var} (--decryption-key-pass-env) is not set")
            });
        }
        ask(&format!("Passphrase for {}: ", path.display())).map_err(|why| {
            format!("the key is encrypted, and {why}: give its passphrase in an environment variable named by --decryption-key-pass-env")
        })
    }
}

/// Asks on the controlling terminal, with echo off, and puts echo back however reading ends.
#[cfg(unix)]
fn ask(prompt: &str) -> Result<String, String> {
    use std::fs::OpenOptions;
    use std::process::{Command, Stdio};
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| "there is no terminal to ask on".to_owned())?;
    let stty = |arg: &str| {
        Command::new("stty")
            .arg(arg)
            .stdin(tty.try_clone().map(Stdio::from).unwrap_or(Stdio::null()))
            .status()
            .is_ok_and(|s| s.success())
    };
    if !stty("-echo") {
        return Err("echo could not be turned off on the terminal".into());
    }
    let mut out = &tty;
    let _ = out.write_all(prompt.as_bytes());
    let _ = out.flush();
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    stty("echo");
    let _ = out.write_all(b"\n");
    read.map_err(|e| format!("the terminal could not be read ({e})"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(not(unix))]
fn ask(_: &str) -> Result<String, String> {
    Err("saml-doctor asks for passphrases on Unix terminals only".into())
}
