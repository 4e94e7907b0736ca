//! Four-eyes approvals: approvers with keystores of their own, a policy naming them, and the
//! carrying of requests and approvals between machines.

use super::btc::LETTER;
use super::{Sandbox, LEGAL};

/// Three approvers, each with a keystore of their own (none is the signer's seed).
const APPROVERS: [(&str, &str); 3] = [
    ("alice", LEGAL),
    ("bob", LETTER),
    ("carol", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"),
];

/// A signer with a 2-of-3 `[approvals]` policy, and the approvers' sandboxes.
pub fn approval_quorum(signer: &Sandbox) -> Vec<(&'static str, Sandbox)> {
    let mut policy = String::from("[approvals]\nrequired = 2\n");
    let approvers: Vec<(&str, Sandbox)> = APPROVERS
        .iter()
        .map(|(name, words)| {
            let sb = Sandbox::new();
            sb.restore(words);
            let key = sb.run_keyed(&["--json", "approver-key"], "").ok().json()["key"]
                .as_str()
                .unwrap()
                .to_string();
            policy.push_str(&format!(
                "[[approvals.approvers]]\nname = \"{name}\"\nkey = \"{key}\"\n"
            ));
            (*name, sb)
        })
        .collect();
    signer.write_policy("policy.toml", policy);
    approvers
}

/// `approver` reviews `file` (copied from `from`) on their own machine and approves it;
/// the approval is copied to `to` as `name`.
pub fn approve(
    approver: &Sandbox,
    from: &Sandbox,
    file: &str,
    to: &Sandbox,
    name: &str,
    extra: &[&str],
) {
    let carry = |a: &Sandbox, b: &Sandbox, f: &str| {
        if a.path(f) != b.path(f) {
            std::fs::copy(a.path(f), b.path(f)).unwrap();
        }
    };
    carry(from, approver, file);
    let mut args = vec!["--network", "regtest", "approve", file, "-o", name, "--yes"];
    args.extend_from_slice(extra);
    approver.run_offline(&args, "").ok();
    carry(approver, to, name);
}
