//! Webcam frames on Linux (V4L2, through `rscam` with its plain-ioctl backend: no C library or
//! bindgen needed to build). Captures YUYV (the luma bytes are the grayscale frame) or MJPEG
//! (decoded as JPEG), 640×480 when the camera offers it. Untested on CI (no camera there): the
//! code that consumes frames is the same [`FrameSource`] path the tests drive from images.

use image::GrayImage;

use super::frames::FrameSource;
use super::scan;
use crate::{Error, Result};

/// The device used when `--camera` names none.
pub const DEFAULT_DEVICE: &str = "/dev/video0";

/// A streaming webcam.
pub struct Camera {
    device: String,
    camera: rscam::Camera,
    format: [u8; 4],
}

impl Camera {
    /// Opens `device` and starts streaming in the first format that works (YUYV, then MJPEG).
    pub fn open(device: &str) -> Result<Self> {
        let mut camera = rscam::Camera::new(device).map_err(|e| {
            let hint = if std::path::Path::new(device).exists() {
                "check that no other program uses the camera and that you may read it (group video)"
            } else {
                "connect a camera, or name its device: --camera /dev/videoN (ls /dev/video*)"
            };
            Error::Device {
                message: format!("cannot open camera {device}: {e}"),
                hint: Some(hint.into()),
                said: None,
            }
        })?;
        let mut last = String::new();
        for format in [b"YUYV", b"MJPG"] {
            for resolution in [(640, 480), (1280, 720)] {
                let config = rscam::Config {
                    interval: (1, 30),
                    resolution,
                    format,
                    ..Default::default()
                };
                match camera.start(&config) {
                    Ok(()) => {
                        return Ok(Camera {
                            device: device.to_string(),
                            camera,
                            format: *format,
                        })
                    }
                    Err(e) => last = e.to_string(),
                }
            }
        }
        Err(Error::Device {
            message: format!(
                "camera {device} offers neither YUYV nor MJPEG at 640x480 or 1280x720 ({last})"
            ),
            hint: Some("scan frames saved as images instead: coldsign qr read FRAMES_DIR".into()),
            said: None,
        })
    }
}

impl FrameSource for Camera {
    fn next_frame(&mut self) -> Result<Option<GrayImage>> {
        let frame = self.camera.capture().map_err(|e| Error::Device {
            message: format!("camera {} stopped: {e}", self.device),
            hint: None,
            said: None,
        })?;
        let (width, height) = frame.resolution;
        let gray = match &self.format {
            b"YUYV" => yuyv_luma(&frame, width, height),
            _ => scan::decode_frames(frame.to_vec(), "camera frame")
                .ok()
                .and_then(|mut frames| frames.next())
                .and_then(|decoded| decoded.ok()),
        };
        // A short or corrupt frame (it happens while a camera settles) is skipped, not fatal.
        Ok(Some(gray.unwrap_or_else(|| GrayImage::new(1, 1))))
    }
}

/// The luma plane of a packed YUYV (Y0 U Y1 V) frame.
pub fn yuyv_luma(data: &[u8], width: u32, height: u32) -> Option<GrayImage> {
    let pixels = width as usize * height as usize;
    let luma: Vec<u8> = data.get(..pixels * 2)?.iter().step_by(2).copied().collect();
    GrayImage::from_raw(width, height, luma)
}
