//! Moving requests and responses across the air gap: files, BC-UR text and animated QR codes.

pub mod base43;
pub mod bbqr;
#[cfg(feature = "camera")]
pub mod camera;
pub mod collect;
pub mod fountain;
pub mod frames;
pub mod parts;
pub mod qr;
pub mod registry;
pub mod scan;
pub mod ur;
