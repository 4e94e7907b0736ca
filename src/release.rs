//! What this binary is, and whether it is the one a release published.
//!
//! [`long_version`] is `coldsign --version`: the version, the git commit and the enabled
//! features, plus whether `scripts/release` built it (reproducible mode) or it is a dev build.
//! `scripts/release` passes the commit and the mode through `COLDSIGN_BUILD_COMMIT` and
//! `COLDSIGN_BUILD_MODE` at compile time; nothing about the build host or the time enters the
//! binary, so a plain build stays deterministic too.
//!
//! [`verify_binary`] is `coldsign verify-binary SHA256SUMS`: the SHA-256 of the running
//! executable, looked up in a sums file in the format `sha256sum` writes (docs/release.md).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::i18n::Text;
use crate::{Error, Result};

/// The features compiled into this binary, in Cargo.toml's order.
pub fn features() -> Vec<&'static str> {
    [
        ("online", cfg!(feature = "online")),
        ("hw", cfg!(feature = "hw")),
        ("camera", cfg!(feature = "camera")),
        ("emulator", cfg!(feature = "emulator")),
        ("test-fakes", cfg!(feature = "test-fakes")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// The git commit `scripts/release` built from, if it did.
fn commit() -> Option<&'static str> {
    option_env!("COLDSIGN_BUILD_COMMIT").filter(|c| !c.is_empty())
}

/// Whether `scripts/release` built this binary (reproducible mode).
pub fn reproducible() -> bool {
    option_env!("COLDSIGN_BUILD_MODE") == Some("reproducible")
}

/// The text of `coldsign --version`.
pub fn long_version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let features = features();
        format!(
            "{}\ncommit: {}\nfeatures: {}\nbuild: {}",
            env!("CARGO_PKG_VERSION"),
            commit().unwrap_or("unknown"),
            if features.is_empty() {
                "none".to_string()
            } else {
                features.join(", ")
            },
            if reproducible() {
                "reproducible (scripts/release; compare its SHA256SUMS, docs/release.md)"
            } else {
                "dev build (not made by scripts/release)"
            }
        )
    })
}

/// One line of a sums file: a SHA-256 and the file name it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumsEntry {
    /// The SHA-256, lower-case hex.
    pub sha256: String,
    /// The file name as written in the sums file.
    pub name: String,
}

/// Parses a sums file as `sha256sum` writes it: one `HASH  NAME` (or `HASH *NAME`) per line,
/// 64 hex digits. Anything else, an empty file, or a name listed twice is malformed.
pub fn parse_sums(text: &str) -> Result<Vec<SumsEntry>> {
    let mut entries: Vec<SumsEntry> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let malformed = |what: &str| {
            Error::usage(
                format!("line {number} of the sums file {what}"),
                "use the SHA256SUMS file scripts/release wrote (HASH, two spaces, NAME)",
            )
        };
        let (hash, rest) = line
            .split_at_checked(64)
            .ok_or_else(|| malformed("is not HASH  NAME"))?;
        if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(malformed("does not start with 64 hex digits"));
        }
        let name = rest
            .strip_prefix("  ")
            .or_else(|| rest.strip_prefix(" *"))
            .ok_or_else(|| malformed("has no two-space separator after the hash"))?;
        if name.is_empty() || name.trim() != name {
            return Err(malformed(
                "has an empty name or one with surrounding blanks",
            ));
        }
        if entries.iter().any(|e| e.name == name) {
            return Err(malformed(&format!("lists {name:?} a second time")));
        }
        entries.push(SumsEntry {
            sha256: hash.to_ascii_lowercase(),
            name: name.to_string(),
        });
    }
    if entries.is_empty() {
        return Err(Error::usage(
            "the sums file lists no file",
            "use the SHA256SUMS file scripts/release wrote",
        ));
    }
    Ok(entries)
}

/// The SHA-256 of a file, lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let read_error = |source| Error::File {
        action: "cannot read",
        path: path.into(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(read_error)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(data_encoding::HEXLOWER.encode(&hasher.finalize()))
}

/// The running binary, found in a sums file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BinaryMatch {
    /// The running executable.
    pub path: PathBuf,
    /// Its SHA-256.
    pub sha256: String,
    /// The name it has in the sums file.
    pub name: String,
}

/// Finds the file at `binary` in the sums file `sums` (its text) by its SHA-256. A hash the
/// file does not list fails verification (exit code 4).
pub fn verify_file(binary: &Path, sums: &str) -> Result<BinaryMatch> {
    let entries = parse_sums(sums)?;
    let sha256 = sha256_file(binary)?;
    let entry = entries
        .into_iter()
        .find(|e| e.sha256 == sha256)
        .ok_or_else(|| {
            Error::unverified(
                Text::new("error-binary-not-in-sums")
                    .arg("path", binary.display())
                    .arg("sha256", &sha256),
            )
        })?;
    Ok(BinaryMatch {
        path: binary.into(),
        sha256,
        name: entry.name,
    })
}

/// Checks the running executable against the sums file `sums` (its text).
pub fn verify_binary(sums: &str) -> Result<BinaryMatch> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the running executable: {e}")))?;
    verify_file(&exe, sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf abc | sha256sum` (FIPS 180-2's first example).
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), content).unwrap();
        file
    }

    #[test]
    fn hashes_a_file_as_sha256sum_does() {
        assert_eq!(sha256_file(file_with(b"abc").path()).unwrap(), ABC);
    }

    #[test]
    fn finds_the_binary_by_its_hash() {
        let binary = file_with(b"abc");
        let other = "0".repeat(64);
        let sums = format!(
            "{other}  coldsign-online\n{}  coldsign-airgap\n",
            ABC.to_uppercase()
        );
        let found = verify_file(binary.path(), &sums).unwrap();
        assert_eq!(found.name, "coldsign-airgap");
        assert_eq!(found.sha256, ABC);
        // sha256sum's binary-mode marker.
        assert_eq!(
            verify_file(binary.path(), &format!("{ABC} *x\n"))
                .unwrap()
                .name,
            "x"
        );
    }

    #[test]
    fn a_binary_not_listed_fails_verification() {
        let binary = file_with(b"abd");
        let err = verify_file(binary.path(), &format!("{ABC}  coldsign\n")).unwrap_err();
        assert_eq!(err.exit_code(), crate::ExitCode::Verification);
    }

    #[test]
    fn malformed_sums_files_are_bad_input() {
        let short = &ABC[..63];
        let bad_hex = format!("{}g", &ABC[..63]);
        for (text, why) in [
            (String::new(), "no file"),
            (format!("{short}  coldsign\n"), "hex"),
            (format!("{bad_hex}  coldsign\n"), "hex"),
            (format!("{ABC} coldsign\n"), "separator"),
            (format!("{ABC}  \n"), "empty name"),
            (format!("{ABC}  a\n\n"), "is not HASH"),
            (format!("{ABC}  a\n{}  a\n", "0".repeat(64)), "second time"),
            ("# comment\n".to_string(), "is not HASH"),
        ] {
            let err = parse_sums(&text).unwrap_err();
            assert_eq!(err.exit_code(), crate::ExitCode::BadInput, "{text:?}");
            assert!(err.to_string().contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_plain_build_says_so() {
        let text = long_version();
        assert!(text.starts_with(env!("CARGO_PKG_VERSION")));
        assert!(text.contains(&format!("features: {}", features().join(", "))));
        if !reproducible() {
            assert!(text.contains("build: dev build"), "{text}");
        }
    }
}
