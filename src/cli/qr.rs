//! `coldsign qr show` and `coldsign qr read`: BC-UR animated QR codes out and in.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::context::Context;
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::report::qr::{Parts, ReadReport};
use crate::transport::frames::receive_transfer;
use crate::transport::parts::{
    frame_parts, payload_of_file, ur_parts, write_frames, write_gif, FrameFormat,
};
use crate::transport::qr;
use crate::transport::registry::Payload;
use crate::{Error, Result};
use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Show a PSBT (or other supported payload) as BC-UR QR codes.
    Show(ShowArgs),
    /// Reassemble a transfer from UR text lines, QR images or directories of frames.
    Read(ReadArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum UrTypeArg {
    /// `crypto-psbt` (what Sparrow and Keystone read); `crypto-account` for exports.
    CryptoPsbt,
    /// `psbt` (the newer name); `account-descriptor` for exports.
    Psbt,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A PSBT in any encoding, or a watch-only export (`key export --watch-only`, text or
    /// JSON); - for stdin.
    file: PathBuf,
    /// UR type for PSBTs.
    #[arg(long, value_enum, default_value_t = UrTypeArg::CryptoPsbt)]
    ur_type: UrTypeArg,
    /// Fragment size preset in bytes (80, 200 or 400).
    #[arg(long, default_value_t = 200, value_parser = parse_fragment)]
    fragment: usize,
    /// Frames per second of the animation.
    #[arg(long, default_value_t = 5)]
    fps: u32,
    /// Print the UR parts as text, one per line.
    #[arg(long)]
    text: bool,
    /// How many parts to print or render (default: every fragment once; frame files and GIFs
    /// get half as many spare fountain parts again).
    #[arg(long)]
    parts: Option<usize>,
    /// Write one PNG per frame into this directory.
    #[arg(long, value_name = "DIR")]
    png_dir: Option<PathBuf>,
    /// Write one SVG per frame into this directory.
    #[arg(long, value_name = "DIR")]
    svg_dir: Option<PathBuf>,
    /// Write an animated GIF.
    #[arg(long, value_name = "FILE")]
    gif: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Image files, directories of frames, or text files of UR/BBQr lines; - (the default) reads
    /// lines from stdin.
    #[arg(default_value = "-")]
    inputs: Vec<PathBuf>,
    /// Write the payload here (- for stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// Scan frames from a webcam (default /dev/video0) until the payload is complete; needs a
    /// coldsign built with the `camera` feature.
    #[arg(long, value_name = "DEVICE", num_args = 0..=1, default_missing_value = "/dev/video0", conflicts_with = "inputs")]
    camera: Option<PathBuf>,
}

fn parse_fragment(s: &str) -> std::result::Result<usize, String> {
    match s {
        "80" | "200" | "400" => Ok(s.parse().expect("listed values are numbers")),
        _ => Err("use 80, 200 or 400".into()),
    }
}

/// Runs a qr command.
pub fn run(ctx: &Context, command: QrCommand) -> Result<()> {
    match command {
        QrCommand::Show(args) => show(ctx, args),
        QrCommand::Read(args) => read(ctx, args),
    }
}

fn show(ctx: &Context, args: ShowArgs) -> Result<()> {
    let payload = payload_of_file(&files::read_input(&args.file)?)?;
    let legacy_name = matches!(args.ur_type, UrTypeArg::CryptoPsbt);
    let parts = ur_parts(&payload, legacy_name, args.fragment, args.parts)?;
    let wrote = args.png_dir.is_some() || args.svg_dir.is_some() || args.gif.is_some();
    if wrote {
        let frames = frame_parts(&payload, legacy_name, args.fragment, args.parts)?;
        if let Some(dir) = &args.png_dir {
            write_frames(dir, &frames, FrameFormat::Png)?;
        }
        if let Some(dir) = &args.svg_dir {
            write_frames(dir, &frames, FrameFormat::Svg)?;
        }
        if let Some(path) = &args.gif {
            write_gif(path, &frames, args.fps)?;
        }
        if args.parts.is_none() && frames.len() > parts.len() {
            ctx.say(
                Text::new("report-note-qr-frames")
                    .arg("frames", frames.len())
                    .arg("fragments", parts.len())
                    .arg("spare", frames.len() - parts.len()),
            );
        }
    }
    if args.text || (!wrote && (ctx.json || !std::io::stdout().is_terminal())) {
        return ctx.emit(&Parts { parts });
    }
    if !wrote {
        animate(&parts, args.fps)?;
    }
    Ok(())
}

/// `sign --qr`: the signed PSBT as an animated QR on a terminal, else as UR text lines; with
/// `--json` the parts are returned for the JSON report instead.
pub fn show_psbt(ctx: &Context, psbt: &[u8]) -> Result<Option<Vec<String>>> {
    show_payload(ctx, &Payload::Psbt(psbt.to_vec()))
}

/// Shows `payload` as an animated UR QR code on a terminal, prints its UR parts when stdout
/// is not a terminal, or returns them for `--json`.
pub fn show_payload(ctx: &Context, payload: &Payload) -> Result<Option<Vec<String>>> {
    let parts = ur_parts(payload, true, 200, None)?;
    if ctx.json {
        return Ok(Some(parts));
    }
    if !std::io::stdout().is_terminal() {
        let mut out = std::io::stdout().lock();
        for p in &parts {
            let _ = writeln!(out, "{p}");
        }
        return Ok(None);
    }
    animate(&parts, 5)?;
    Ok(None)
}

/// Loops the frames on the terminal with a part counter until a key or Ctrl-C.
fn animate(parts: &[String], fps: u32) -> Result<()> {
    let codes = parts
        .iter()
        .map(|p| qr::encode(p))
        .collect::<Result<Vec<_>>>()?;
    let frames: Vec<String> = codes.iter().map(qr::to_terminal).collect();
    let raw = RawMode::enter();
    let mut out = std::io::stdout().lock();
    let interval = Duration::from_millis(1000 / u64::from(fps.max(1)));
    let _ = write!(out, "\x1b[2J");
    for (i, frame) in frames.iter().enumerate().cycle() {
        let _ = write!(
            out,
            "\x1b[H{frame}part {} of {}  (any key stops)\x1b[K\r\n",
            i + 1,
            frames.len()
        );
        let _ = out.flush();
        if raw.key_within(interval) {
            break;
        }
    }
    Ok(())
}

/// The terminal in non-canonical, no-echo mode while animating; restored on drop.
struct RawMode {
    saved: Option<libc::termios>,
}

impl RawMode {
    fn enter() -> Self {
        // SAFETY: tcgetattr/tcsetattr on stdin with a zeroed termios it fills in.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(0, &mut t) != 0 {
                return RawMode { saved: None };
            }
            let saved = t;
            t.c_lflag &= !(libc::ICANON | libc::ECHO);
            libc::tcsetattr(0, libc::TCSANOW, &t);
            RawMode { saved: Some(saved) }
        }
    }

    /// Whether a key was pressed within `timeout` (sleeps when stdin is not a terminal).
    fn key_within(&self, timeout: Duration) -> bool {
        if self.saved.is_none() {
            std::thread::sleep(timeout);
            return false;
        }
        let mut fd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: polling one valid descriptor.
        let ready = unsafe { libc::poll(&mut fd, 1, timeout.as_millis() as i32) };
        if ready > 0 {
            let mut byte = [0u8; 1];
            // SAFETY: reading one byte into a local buffer.
            unsafe { libc::read(0, byte.as_mut_ptr().cast(), 1) };
            return true;
        }
        false
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = self.saved {
            // SAFETY: restoring the attributes read in `enter`.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, &saved) };
        }
    }
}

fn read(ctx: &Context, args: ReadArgs) -> Result<()> {
    if let Some(out) = &args.output {
        if out != Path::new("-") && out.exists() && !args.force {
            return Err(Error::Exists(out.clone()));
        }
    }
    let bar = progress_bar();
    let received = receive_transfer(args.camera.as_deref(), &args.inputs, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.needed.max(1) as u64);
            bar.set_position(p.known as u64);
            bar.set_message(format!("{} parts received", p.parts));
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let (received, parts) = received?;
    let payload = received
        .payload()
        .map_err(|e| Error::bad_input(e.to_string()))?;
    if let Some(out) = &args.output {
        let replace = Replace::allowed_if(args.force);
        files::write_output(out, &payload, replace)?;
        if out == Path::new("-") {
            return Ok(());
        }
    }
    ctx.emit(&ReadReport {
        kind: received.kind(),
        bytes: payload.len(),
        parts,
        output: args.output.clone(),
    })
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} fragments known, {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
