//! The air-gap self-check: which non-loopback network interfaces are up (in this process's
//! network namespace, via `getifaddrs`).

use std::collections::BTreeSet;
use std::ffi::CStr;

/// The air-gap check before signing: nothing when no interface is up; otherwise a refusal
/// when `required` (`--require-airgap`), else the warning to show.
pub fn check(required: bool) -> crate::Result<Option<String>> {
    let active = active_interfaces();
    if active.is_empty() {
        return Ok(None);
    }
    let list = active.join(", ");
    if required {
        return Err(crate::Error::declined(
            crate::i18n::Text::new("error-declined-airgap").arg("interfaces", list),
        ));
    }
    Ok(Some(format!(
        "warning: network interface {list} is up: this signer is not air-gapped"
    )))
}

/// Names of interfaces that are up and running and not loopback.
pub fn active_interfaces() -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we only read and then free once.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return vec!["(interfaces could not be listed)".into()];
    }
    let mut cursor = head;
    while !cursor.is_null() {
        // SAFETY: `cursor` points into the list getifaddrs returned, valid until freeifaddrs.
        let entry = unsafe { &*cursor };
        let flags = entry.ifa_flags;
        let up = flags & libc::IFF_UP as u32 != 0 && flags & libc::IFF_RUNNING as u32 != 0;
        if up && flags & libc::IFF_LOOPBACK as u32 == 0 && !entry.ifa_name.is_null() {
            // SAFETY: ifa_name is a NUL-terminated string owned by the list.
            names.insert(
                unsafe { CStr::from_ptr(entry.ifa_name) }
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        cursor = entry.ifa_next;
    }
    // SAFETY: `head` came from a successful getifaddrs and is freed exactly once.
    unsafe { libc::freeifaddrs(head) };
    names.into_iter().collect()
}
