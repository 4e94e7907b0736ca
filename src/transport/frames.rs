//! Where `qr read` gets its pictures: a [`FrameSource`] yields grayscale frames one at a time,
//! and [`read_frames`] scans each and feeds the codes found to a callback until it reports the
//! payload complete. Image files and directories of frames are one source ([`ImageFiles`],
//! what the tests drive); a webcam is another (`camera`, behind the `camera` feature).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use image::GrayImage;

use super::collect::{Collector, Progress, Received};
use super::scan;
use crate::{Error, Result};

/// A source of frames to scan for QR codes.
pub trait FrameSource {
    /// The next frame; `None` once the source is exhausted (a camera never is).
    fn next_frame(&mut self) -> Result<Option<GrayImage>>;
}

/// Frames from image files: every frame of each file (animated GIFs have many), files in the
/// order given, a directory's image files in name order.
pub struct ImageFiles {
    files: VecDeque<PathBuf>,
    current: Option<scan::Frames>,
}

impl ImageFiles {
    /// The frames of `paths` (image files, or directories of them).
    pub fn new(paths: impl IntoIterator<Item = PathBuf>) -> Result<Self> {
        let mut files = VecDeque::new();
        for path in paths {
            if path.is_dir() {
                files.extend(
                    dir_files(&path)?
                        .into_iter()
                        .filter(|p| looks_like_image(p)),
                );
            } else {
                files.push_back(path);
            }
        }
        Ok(ImageFiles {
            files,
            current: None,
        })
    }
}

impl FrameSource for ImageFiles {
    fn next_frame(&mut self) -> Result<Option<GrayImage>> {
        loop {
            if let Some(frame) = self.current.as_mut().and_then(Iterator::next) {
                return frame.map(Some);
            }
            let Some(path) = self.files.pop_front() else {
                return Ok(None);
            };
            let bytes = crate::files::read_input(&path)?;
            self.current = Some(scan::decode_frames(bytes, &path.display().to_string())?);
        }
    }
}

/// The files of a directory, in name order.
pub fn dir_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| Error::File {
            action: "cannot read",
            path: dir.into(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    Ok(entries)
}

/// Whether the file starts like a PNG, JPEG or GIF image.
fn looks_like_image(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map(|n| scan::is_image(&head[..n]))
        .unwrap_or(false)
}

/// Scans frames from `source`, passing every code found to `feed`, until `feed` returns true
/// (the payload is complete) or the source runs out. Returns whether `feed` completed.
pub fn read_frames(
    source: &mut dyn FrameSource,
    feed: &mut dyn FnMut(&str) -> Result<bool>,
) -> Result<bool> {
    while let Some(frame) = source.next_frame()? {
        for text in scan::scan(&frame) {
            if feed(&text)? {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Feeds every input to `feed` until it reports the payload complete: stdin lines (`-`), a
/// text file's lines, an image's frames (through [`ImageFiles`]), or every file of a directory
/// in name order.
fn read_inputs(inputs: &[PathBuf], feed: &mut dyn FnMut(&str) -> Result<bool>) -> Result<()> {
    for input in inputs {
        let files = if input.is_dir() {
            dir_files(input)?
        } else {
            vec![input.clone()]
        };
        for file in files {
            if read_one(&file, feed)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Feeds one file (or stdin); returns whether the payload is complete.
fn read_one(input: &Path, feed: &mut dyn FnMut(&str) -> Result<bool>) -> Result<bool> {
    let text = if input == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|_| Error::bad_input("stdin is not text"))?;
        text
    } else {
        let bytes = crate::files::read_input(input)?;
        if image::guess_format(&bytes).is_ok() {
            return read_frames(&mut ImageFiles::new([input.to_path_buf()])?, feed);
        }
        String::from_utf8(bytes).map_err(|_| {
            Error::bad_input(format!("{} is neither an image nor text", input.display()))
        })?
    };
    for line in text.lines() {
        if feed(line)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The webcam at `device`, when this build has the `camera` feature.
#[cfg(feature = "camera")]
fn camera(device: &Path) -> Result<Box<dyn FrameSource>> {
    Ok(Box::new(super::camera::Camera::open(
        &device.display().to_string(),
    )?))
}

/// Without the `camera` feature: a clear error.
#[cfg(not(feature = "camera"))]
fn camera(_device: &Path) -> Result<Box<dyn FrameSource>> {
    Err(Error::Device {
        message: "this coldsign was built without webcam support".into(),
        hint: Some(
            "rebuild with --features camera, or save the frames as images and run: coldsign qr read FRAMES_DIR".into(),
        ),
        said: None,
    })
}

/// A transfer read from the webcam at `camera_device` (when given) or from `inputs` (stdin
/// lines, text files, images, directories of frames) until it is complete, with `progress` told after every code; returns the transfer and how
/// many parts it took.
pub fn receive_transfer(
    camera_device: Option<&Path>,
    inputs: &[PathBuf],
    progress: &mut dyn FnMut(&Progress),
) -> Result<(Received, usize)> {
    let mut collector = Collector::new();
    let mut feed = |text: &str| -> Result<bool> {
        let p = collector
            .push(text)
            .map_err(|e| Error::bad_input(e.to_string()))?;
        progress(&p);
        Ok(p.complete)
    };
    match camera_device {
        Some(device) => {
            read_frames(&mut *camera(device)?, &mut feed)?;
        }
        None => read_inputs(inputs, &mut feed)?,
    }
    let parts = collector.progress().parts;
    let received = collector
        .finish()
        .map_err(|e| Error::bad_input(e.to_string()))?;
    Ok((received, parts))
}
