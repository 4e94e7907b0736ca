#![no_main]
#[path = "../harness.rs"]
mod harness;
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::bbqr_base43(data));
