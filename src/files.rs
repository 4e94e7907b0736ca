//! File conventions: `-` is stdin/stdout, outputs appear atomically and never replace a file
//! unless asked, and inputs are only ever read.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::i18n::Text;
use crate::{Error, Result};

/// Whether an existing output file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Fail if the file exists (the default everywhere).
    Never,
    /// Atomically replace an existing file (only behind an explicit flag).
    Allowed,
}

impl Replace {
    /// `Allowed` when the explicit flag (`--force`) was given, else `Never`.
    pub fn allowed_if(force: bool) -> Self {
        if force {
            Replace::Allowed
        } else {
            Replace::Never
        }
    }
}

/// Creates `dir` (if needed) and writes each (name, text) file into it (mode 0644), refusing
/// before anything is written when one of them exists.
pub fn write_new_files(dir: &Path, files: &[(String, String)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::File {
        action: "cannot create",
        path: dir.into(),
        source,
    })?;
    if let Some((name, _)) = files.iter().find(|(name, _)| dir.join(name).exists()) {
        return Err(Error::Exists(dir.join(name)));
    }
    for (name, text) in files {
        write_atomic(&dir.join(name), text.as_bytes(), 0o644, Replace::Never)?;
    }
    Ok(())
}

/// Reads a whole input file (or stdin for `-`) that must be UTF-8 text.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_input(path)?).map_err(|_| {
        Error::said(
            Text::new("error-not-text").arg("path", path.display()),
            None,
        )
    })
}

/// Refuses an output `path` that exists unless `replace` allows it (stdout, `-`, is never
/// taken).
pub fn refuse_taken(path: &Path, replace: Replace) -> Result<()> {
    if path != Path::new("-") && path.exists() && replace == Replace::Never {
        return Err(Error::Exists(path.to_path_buf()));
    }
    Ok(())
}

/// Reads a whole input file, or stdin for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut data)
            .map_err(|source| Error::File {
                action: "cannot read",
                path: path.into(),
                source,
            })?;
        return Ok(data);
    }
    if path.is_dir() {
        return Err(Error::said(
            Text::new("error-is-directory").arg("path", path.display()),
            None,
        ));
    }
    fs::read(path).map_err(|source| Error::File {
        action: "cannot read",
        path: path.into(),
        source,
    })
}

/// Writes `data` to `path` atomically with the given Unix `mode`: a temporary file in the same
/// directory is written, synced and then linked into place, so a crash leaves either no file
/// (or the old one) or the complete new one.
pub fn write_atomic(path: &Path, data: &[u8], mode: u32, replace: Replace) -> Result<()> {
    write_atomic_with(path, mode, replace, &|out| out.write_all(data))
}

/// [`write_atomic`] of what `fill` writes, so that a large output need not be held whole
/// first.
pub fn write_atomic_with(
    path: &Path,
    mode: u32,
    replace: Replace,
    fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if replace == Replace::Never && path.exists() {
        return Err(Error::Exists(path.into()));
    }
    let dir = parent_dir(path);
    let write_err = |source| Error::File {
        action: "cannot write",
        path: path.into(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".coldsign-")
        .permissions(fs::Permissions::from_mode(mode))
        .tempfile_in(&dir)
        .map_err(write_err)?;
    let mut out = BufWriter::new(&mut tmp);
    fill(&mut out)
        .and_then(|_| out.flush())
        .map_err(write_err)?;
    drop(out);
    tmp.as_file().sync_all().map_err(write_err)?;
    match replace {
        Replace::Never => tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists(path.into())
            } else {
                write_err(e.error)
            }
        })?,
        Replace::Allowed => tmp.persist(path).map_err(|e| write_err(e.error))?,
    };
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes a non-secret output to a file (mode 0644), or to stdout for `-`.
pub fn write_output(path: &Path, data: &[u8], replace: Replace) -> Result<()> {
    write_output_with(path, replace, &|out| out.write_all(data))
}

/// [`write_output`] of what `fill` writes.
pub fn write_output_with(
    path: &Path,
    replace: Replace,
    fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        return fill(&mut out)
            .and_then(|_| out.flush())
            .map_err(|source| Error::File {
                action: "cannot write",
                path: path.into(),
                source,
            });
    }
    write_atomic_with(path, 0o644, replace, fill)
}

/// Creates the directory that will hold `path`, if missing (mode 0700: it may hold keys).
pub fn ensure_parent_dir(path: &Path) -> Result<()> {
    let dir = parent_dir(path);
    if dir.exists() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|source| Error::File {
            action: "cannot create directory",
            path: dir,
            source,
        })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
