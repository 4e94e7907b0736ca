//! Helpers for the message-signing tests: `coldsign message verify` on a network.

use super::{Outcome, Sandbox};

/// Runs `coldsign --network NETWORK message verify --address ADDRESS --message MESSAGE SIG`.
pub fn verify_on(
    sb: &Sandbox,
    network: &str,
    address: &str,
    message: &str,
    signature: &str,
) -> Outcome {
    sb.run(
        &[
            "--network",
            network,
            "message",
            "verify",
            "--address",
            address,
            "--message",
            message,
            signature,
        ],
        "",
    )
}
